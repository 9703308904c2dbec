"""``bcc report``: the catalogue (or a filtered part of it) as one self-contained HTML page.

The page is built from a Jinja2 template with autoescaping, so every value from
the data is text, never markup. The inline stylesheet and script are static
files shipped beside the template; the page's Content-Security-Policy allows
exactly them, by hash, and nothing remote. Jinja2 is imported only here.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from bali_corruption_cli import __version__
from bali_corruption_cli.catalog import Catalog, Record
from bali_corruption_cli.model import layout
from bali_corruption_cli.query import cite as citing
from bali_corruption_cli.query import explore, report_select

DEFAULT_PATH = "bcc-report.html"

# The order of the collections in the page: what happened first, the reference tables last.
ORDER = (
    "events",
    "practices",
    "stages",
    "findings",
    "recommendations",
    "quotes",
    "stakeholders",
    "countries",
    "sources",
)
HEADINGS = {name: name.capitalize() for name in ORDER}

# The record a record of this collection happened at (its country is the record's too).
_EVENT_FIELD = {
    "practices": "origin_event",
    "recommendations": "event",
    "quotes": "event",
    "findings": "about",
}
# Fields shown otherwise than in the record's field list.
_NOT_LISTED = {"id", "sources"}


def safe_url(url: Any) -> str | None:
    """``url`` if it is a plain http(s) address, else None (it is then shown as text only)."""
    if not isinstance(url, str) or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def generated_at() -> dt.datetime:
    """Now, or SOURCE_DATE_EPOCH when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
        except (OverflowError, OSError, ValueError):
            pass
    return dt.datetime.now(dt.UTC)


# ---------------------------------------------------------------- the page's data


def _title(collection: str, record: Record, names: Mapping[str, str]) -> str:
    if collection == "quotes":
        speaker = record.get("speaker")
        who = names.get(str(speaker), str(speaker))
        kind = record.get("kind")
        if kind == "direct":
            return f"Quote by {who} (direct, the source's words)"
        if kind == "topic":
            return f"Topic spoken on by {who} (not their words)"
        return f"Paraphrase of {who} (our words, not a quotation)"
    title = str(record.get(layout.TITLE_FIELD[collection]) or record["id"])
    if record.get("title_reconstructed"):
        return f"{title} (our title, rebuilt from the web address)"
    basis = record.get("basis")
    if type(basis) is dict and (basis.get("title") or {}).get("basis") == "editorial":
        return f"{title} (our title)"
    return title


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_scalar(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_scalar(x)}" for k, x in value.items())
    return str(value)


def _items(value: Any, linkable: bool, ids: Mapping[str, str]) -> list[dict[str, Any]]:
    """A field's value as a list of items to show: text, with a link inside the page for an id."""
    values = value if isinstance(value, list) else [value]
    out = []
    for v in values:
        if v is None:
            continue
        if isinstance(v, dict):
            text = "; ".join(f"{k}: {_scalar(x)}" for k, x in v.items() if x is not None and x != [])
            out.append({"text": text, "href": None})
        else:
            text = _scalar(v)
            href = f"#r-{ids[text]}" if linkable and text in ids else None
            out.append({"text": text, "href": href})
    return out


def _linkable_fields(collection: str) -> set[str]:
    return {
        ref.path.removesuffix("[]")
        for ref in layout.REFERENCES
        if ref.collection == collection and "." not in ref.path and ref.target != "sources"
    }


def _record_view(
    cat: Catalog, collection: str, record: Record, names: Mapping[str, str], ids: Mapping[str, str]
) -> dict[str, Any]:
    present = names  # the records in the page, by id
    linkable = _linkable_fields(collection)
    title_field = layout.TITLE_FIELD[collection]
    url = safe_url(record.get("url")) if collection == "sources" else None
    fields = []
    for key, value in record.items():
        if key in _NOT_LISTED or (key == title_field and collection != "quotes") or (key == "url" and url):
            continue
        items = _items(value, key in linkable, ids)
        if items:
            # several long values or structures: one per line; short ones: in a row
            block = len(items) > 1 and any(isinstance(v, dict) or len(str(v)) > 40 for v in value)
            fields.append({"name": key.replace("_", " "), "parts": items, "block": block})
    links = [
        {"note": None, **link, "href": f"#r-{link['id']}" if link["id"] in present else None}
        for link in explore.links(cat, collection, record)
    ]
    sources = []
    if collection != "sources":
        for cited in explore.cited_sources(cat, collection, record):
            sources.append(
                {
                    "id": cited["id"],
                    "label": cited.get("label") or cited["id"],
                    "title": cited.get("title") or cited["id"],
                    "at": cited.get("at"),
                    "excerpt": cited.get("excerpt"),  # the supporting sentence, verbatim
                    "href": f"#ref-{cited['id']}" if cited["id"] in present else None,
                }
            )
    return {
        "id": record["id"],
        "collection": collection,
        "singular": layout.SINGULAR[collection],
        "title": _title(collection, record, names),
        "url": url,
        "fields": fields,
        "links": links,
        "sources": sources,
        "facets": _facets(cat, collection, record),
    }


def _facets(cat: Catalog, collection: str, record: Record) -> dict[str, str]:
    """The values the page's filters match, as JSON lists (read by the script)."""
    sectors = record.get("sectors") or ([record["sector"]] if record.get("sector") else [])
    themes = record.get("themes") or []
    country = record.get("country") or (record.get("name") if collection == "countries" else None)
    if country is None and collection in _EVENT_FIELD:
        found = cat.get(str(record.get(_EVENT_FIELD[collection])))
        country = found[1].get("country") if found and found[0] == "events" else None
    kinds = [collection] + ([f"{collection}:{record['kind']}"] if record.get("kind") else [])
    as_json = {"sector": sectors, "theme": themes, "country": [country] if country else [], "kind": kinds}
    return {k: json.dumps(v, ensure_ascii=False) for k, v in as_json.items()}


def _facet_options(views: Sequence[dict[str, Any]]) -> dict[str, list[tuple[str, str]]]:
    """(value, label) of each filter's choices, from the records in the page."""
    seen: dict[str, set[str]] = {"sector": set(), "theme": set(), "country": set(), "kind": set()}
    for view in views:
        for name, raw in view["facets"].items():
            seen[name].update(json.loads(raw))
    options = {name: [(v, v) for v in sorted(values)] for name, values in seen.items() if name != "kind"}
    kinds = []
    for name in ORDER:
        if name in seen["kind"]:
            kinds.append((name, f"{HEADINGS[name]}: all"))
            prefix = f"{name}:"
            kinds += [
                (k, f"{HEADINGS[name]}: {k[len(prefix) :]}")
                for k in sorted(seen["kind"])
                if k.startswith(prefix)
            ]
    options["kind"] = kinds
    return options


def _references(cat: Catalog, views: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every source in the page, with its full citation and the records that cite it."""
    cited_by: dict[str, dict[tuple[str, str | None], dict[str, Any]]] = {}
    for view in views:
        for s in view["sources"]:
            entry = {"id": view["id"], "title": view["title"], "at": s["at"]}
            cited_by.setdefault(s["id"], {}).setdefault((view["id"], s["at"]), entry)
    out = []
    for source in cat.records("sources"):
        (apa,) = citing.cite(cat, source["id"], "apa")[:1] or [{"citation": source["title"]}]
        text = str(apa["citation"])
        url = safe_url(source.get("url"))
        if url and text.endswith(url):
            text = text[: -len(url)]
        out.append(
            {
                "id": source["id"],
                "label": source.get("label"),
                "citation": text,
                "url": url,
                "raw_url": None if url else source.get("url"),
                "cited_by": list(cited_by.get(source["id"], {}).values()),
            }
        )
    return out


def page(
    full: Catalog,
    conditions: Mapping[str, set[str]],
    search: Sequence[str],
    scope: Sequence[str],
    data_hash: str,
) -> dict[str, Any]:
    """Everything the template shows, as plain data."""
    kept = report_select.select(full, conditions, search)
    cat = Catalog({n: kept[n] for n in layout.COLLECTIONS}, full.fields)
    names = {r["id"]: str(r.get("name") or r.get("title") or r["id"]) for _, r in cat.all_records()}
    ids = {r["id"]: r["id"] for _, r in cat.all_records()}
    ids |= {r["name"]: r["id"] for r in cat.records("countries")}
    groups = []
    views: list[dict[str, Any]] = []
    for name in ORDER:
        records = [_record_view(cat, name, r, names, ids) for r in cat.records(name)]
        views += records
        groups.append({"name": name, "heading": HEADINGS[name], "records": records})
    summary = explore.summary(cat)
    for key in ("practices_by_sector", "practices_by_theme"):
        top = max((row["count"] for row in summary[key]), default=0)
        for row in summary[key]:
            row["percent"] = round(100 * row["count"] / top, 1) if top else 0
    chain = [
        {
            "id": step["stage"]["id"],
            "order": step["stage"]["order"],
            "title": step["stage"]["title"],
            "practices": [{"id": p["id"], "title": p["title"]} for p in step["practices"]],
            "findings": [{"id": f["id"], "title": f["title"]} for f in step["findings"]],
        }
        for step in explore.chain(cat)
    ]
    when = generated_at()
    return {
        "version": __version__,
        "generated": when.strftime("%Y-%m-%d %H:%M UTC"),
        "generated_iso": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "data_hash": data_hash,
        "scope": list(scope),
        "summary": summary,
        "names": names,
        "chain": chain,
        "groups": groups,
        "total": len(views),
        "facets": _facet_options(views),
        "references": _references(cat, views),
    }


# ---------------------------------------------------------------- HTML


def _asset(name: str) -> str:
    text = resources.files("bali_corruption_cli").joinpath("templates", name).read_text(encoding="utf-8")
    if not name.endswith(".j2") and re.search(r"</(script|style)", text, re.IGNORECASE):
        raise AssertionError(f"{name} must not contain a closing script or style tag")  # ends it early
    return text


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def html(data: Mapping[str, Any]) -> str:
    """The page: data escaped by Jinja2's autoescaping; style and script allowed by hash."""
    import jinja2
    from markupsafe import Markup

    css, js = _asset("report.css"), _asset("report.js")
    csp = (
        f"default-src 'none'; script-src '{_sha256(js)}'; style-src '{_sha256(css)}'; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )
    env = jinja2.Environment(
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    template = env.from_string(_asset("report.html.j2"))
    # The style and script are bcc's own static files, not data: inserted as they are.
    return template.render(**data, csp=csp, css=Markup(css), js=Markup(js))
