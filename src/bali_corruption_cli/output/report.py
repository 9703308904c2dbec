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
from collections import Counter
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from bali_corruption_cli import __version__
from bali_corruption_cli.catalog import Catalog, Record
from bali_corruption_cli.model import layout
from bali_corruption_cli.output import report_cards
from bali_corruption_cli.output import report_words as words
from bali_corruption_cli.query import cite as citing
from bali_corruption_cli.query import explore, report_select

DEFAULT_PATH = "bcc-report.html"
TITLE = (
    "Corruption as a facilitator of trafficking in persons and people smuggling in the Bali Process region"
)
DESCRIPTION = (
    "A briefing from the bcc catalogue: the 2023 regional conference on corruption and its series of "
    "national roundtables, findings, recommendations and promising practices, each with its sources."
)

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

# The filters of the page (the script reads them from the records' data-* attributes).
FACETS = ("sector", "theme", "country", "kind")


def _facets(cat: Catalog, collection: str, record: Record) -> dict[str, list[str]]:
    """The values the page's filters match."""
    sectors = record.get("sectors") or ([record["sector"]] if record.get("sector") else [])
    themes = record.get("themes") or []
    country = record.get("country") or (record.get("name") if collection == "countries" else None)
    if country is None and collection in _EVENT_FIELD:
        found = cat.get(str(record.get(_EVENT_FIELD[collection])))
        country = found[1].get("country") if found and found[0] == "events" else None
    kinds = [collection] + ([f"{collection}:{record['kind']}"] if record.get("kind") else [])
    return {"sector": sectors, "theme": themes, "country": [country] if country else [], "kind": kinds}


def _facet_options(found: Sequence[dict[str, list[str]]]) -> dict[str, list[dict[str, Any]]]:
    """Each filter's choices in words, with how many records of the page each matches;
    the kinds grouped by collection."""
    counts: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
    for facets in found:
        for name, values in facets.items():
            counts[name].update(set(values))
    options: dict[str, list[dict[str, Any]]] = {}
    for name in ("sector", "theme", "country"):
        options[name] = [
            {"value": v, "text": f"{words.label(v) if name != 'country' else v} ({n})", "group": None}
            for v, n in sorted(counts[name].items(), key=lambda kv: words.label(kv[0]).lower())
        ]
    kinds = []
    for collection in ORDER:
        if collection not in counts["kind"]:
            continue
        group = HEADINGS[collection]
        kinds.append(
            {"value": collection, "text": f"All {collection} ({counts['kind'][collection]})", "group": group}
        )
        prefix = f"{collection}:"
        for k, n in sorted(counts["kind"].items()):
            if k.startswith(prefix):
                kinds.append({"value": k, "text": f"{words.label(k[len(prefix) :])} ({n})", "group": group})
    options["kind"] = kinds
    return options


def _apa(cat: Catalog, source: Record) -> dict[str, Any]:
    """A source's APA reference, its title apart (in italics) and its address apart (a link)."""
    (apa,) = citing.cite(cat, source["id"], "apa")[:1] or [{"citation": source["title"]}]
    citation = " ".join(str(apa["citation"]).split())
    url = safe_url(source.get("url"))
    raw_url = None
    if url and citation.endswith(url):
        citation = citation[: -len(url)].rstrip()
    elif source.get("url") and citation.endswith(str(source["url"])):
        raw_url = str(source["url"])
        citation = citation[: -len(raw_url)].rstrip()
    title = " ".join(str(source["title"]).split())
    at = citation.find(title) if not source.get("title_reconstructed") else -1
    if at < 0:
        before, em, after = citation, "", ""
    else:
        before, em, after = citation[:at], title, citation[at + len(title) :]
    return {"before": before, "title": em, "after": after, "url": url, "raw_url": raw_url}


def _references(
    cat: Catalog, cards: Sequence[dict[str, Any]], stems: Mapping[str, str]
) -> list[dict[str, Any]]:
    """Every source in the page: its APA reference with its address, and the records citing it."""
    cited_by: dict[str, dict[str, dict[str, Any]]] = {}
    for c in cards:
        for s in c["sources"]:
            cited_by.setdefault(s["id"], {}).setdefault(
                c["id"],
                {
                    "href": f"#r-{c['stem']}",
                    "title": c["title"] + (f" ({c['title_note']})" if c.get("title_note") else ""),
                },
            )
    out = []
    for source in cat.records("sources"):
        out.append(
            {
                "id": source["id"],
                "stem": stems[source["id"]],
                "label": source.get("label") or source["id"],
                "apa": _apa(cat, source),
                "rebuilt": source["title"] if source.get("title_reconstructed") else None,
                "cited_by": list(cited_by.get(source["id"], {}).values()),
            }
        )
    return out


def _sources_of(ctx: report_cards.Context, record: Record) -> list[dict[str, Any]]:
    """A record's sources as S-numbers, each with the places in it (for the briefing)."""
    places: dict[str, list[str]] = {}
    for citation in record.get("sources") or ():
        ats = places.setdefault(citation["source"], [])
        if citation.get("at") and citation["at"] not in ats:
            ats.append(citation["at"])
    return [report_cards.cite(ctx, sid, "; ".join(ats) or None) for sid, ats in places.items()]


def _briefing(cat: Catalog, ctx: report_cards.Context) -> dict[str, Any]:
    """The briefing: summary, findings, recommendations, practices by sector and theme, the chain."""
    summary = explore.summary(cat)
    conference = summary["conference"]
    if conference:
        event = cat.get(conference["id"])
        record = event[1] if event else {}
        conference["link"] = report_cards.link(ctx, conference["id"])
        wanted = ("When", "Where", "Hosted by", "Funded by", "Participants")
        conference["rows"] = [r for r in report_cards.event_rows(ctx, record) if r["label"] in wanted]
        conference["sources"] = _sources_of(ctx, record)
    for r in summary["roundtable_series"]["roundtables"]:
        r["link"] = report_cards.link(ctx, r["id"])
        r["day"] = words.month_day(str(r["month_day"])) if r.get("month_day") else None
        r["country_link"] = report_cards.link(ctx, r["country"]) if r.get("country") else None
        for p in r["positions"]:
            p["cite"] = report_cards.cite(ctx, p["source"])
    groups = {}
    for key, field in (("practices_by_sector", "sectors"), ("practices_by_theme", "themes")):
        rows = summary[key]
        top = max((row["count"] for row in rows), default=0)
        for row in rows:
            row["percent"] = round(100 * row["count"] / top, 1) if top else 0
            row["label"] = words.label(str(row["value"])) if row["value"] is not None else "None given"
            row["practices"] = [
                report_cards.link(ctx, p["id"])
                for p in cat.records("practices")
                if row["value"] in (p.get(field) or [])
            ]
        groups[key] = rows
    chain = [
        {
            "id": step["stage"]["id"],
            "order": step["stage"]["order"],
            "title": step["stage"]["title"],
            "practices": [report_cards.link(ctx, p["id"]) for p in step["practices"]],
            "findings": [report_cards.link(ctx, f["id"]) for f in step["findings"]],
        }
        for step in explore.chain(cat)
    ]
    findings = [
        {"link": report_cards.link(ctx, f["id"]), "text": f["text"], "sources": _sources_of(ctx, f)}
        for f in cat.records("findings")
    ]
    recommendations = []
    for r in cat.records("recommendations"):
        basis = r.get("basis") or {}
        ours = {"t": "note", "text": "our reading"}  # a link that is our classification, not a source's
        who = [report_cards.link(ctx, r["made_by"])] if r.get("made_by") else []
        who += [ours] if who and (basis.get("made_by") or {}).get("basis") == "editorial" else []
        at = [report_cards.link(ctx, r["event"])] if r.get("event") else []
        at += [ours] if at and (basis.get("event") or {}).get("basis") == "editorial" else []
        recommendations.append(
            {
                "link": report_cards.link(ctx, r["id"]),
                "text": r["text"],
                "kind": words.label(words.words(r["kind"])) if r.get("kind") else None,
                "by": who,
                "at": at,
                "sources": _sources_of(ctx, r),
            }
        )
    return {
        "summary": summary,
        "conference": conference,
        "by_sector": groups["practices_by_sector"],
        "by_theme": groups["practices_by_theme"],
        "chain": chain,
        "findings": findings,
        "recommendations": recommendations,
    }


def page(
    full: Catalog,
    conditions: Mapping[str, set[str]],
    search: Sequence[str],
    scope: Sequence[str],
    data_hash: str,
    briefing_only: bool = False,
    edition: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Everything the template shows, as plain data; ``edition``: the catalogue's
    (`catalog.edition.read`: version, date, authors, licence), None when it states none."""
    kept = report_select.select(full, conditions, search)
    cat = Catalog({n: kept[n] for n in layout.COLLECTIONS}, full.fields)
    stems = words.element_ids(r["id"] for name in ORDER for r in cat.records(name))
    ctx = report_cards.context(cat, stems, cards=not briefing_only, full=full)
    groups = []
    cards: list[dict[str, Any]] = []
    found = []
    for name in ORDER:
        records = []
        for r in cat.records(name):
            facets = _facets(cat, name, r)
            found.append(facets)
            as_json = {k: json.dumps(v, ensure_ascii=False) for k, v in facets.items()}
            card = report_cards.card(ctx, name, r, as_json)
            card["url_href"] = safe_url(card["url"])
            records.append(card)
        cards += records
        groups.append({"name": name, "heading": HEADINGS[name], "records": records})
    briefing = _briefing(cat, ctx)
    when = generated_at()
    references = _references(cat, cards, stems)
    data = {
        "version": __version__,
        "generated": when.strftime("%Y-%m-%d %H:%M UTC"),
        "generated_iso": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "data_hash": data_hash,
        "scope": list(scope),
        "briefing_only": briefing_only,
        "groups": [] if briefing_only else groups,
        "total": len(cards),
        "counts": [(g["name"], len(g["records"])) for g in groups],
        "facets": _facet_options(found),
        "references": references,
        "terms": words.terms(ctx.codes),
        "edition": edition,
        "licence_href": safe_url(((edition or {}).get("licence") or {}).get("url")),
        **briefing,
    }
    data["jsonld"] = json_ld(cat, data)
    return data


def json_ld(cat: Catalog, data: Mapping[str, Any]) -> str:
    """schema.org Dataset metadata of the page, as JSON safe inside a script element."""
    dates = sorted(
        str(d) for r in cat.records("events") for d in (r.get("start_date"), r.get("end_date")) if d
    )
    meta: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": TITLE,
        "description": DESCRIPTION
        + (f" This report covers only: {'; '.join(data['scope'])}." if data["scope"] else ""),
        "version": f"sha256:{data['data_hash']}",
        "dateModified": data["generated_iso"],
        "isAccessibleForFree": True,
        "keywords": ["corruption", "trafficking in persons", "people smuggling", "Bali Process"],
        "spatialCoverage": [r["name"] for r in cat.records("countries")],
        "citation": [
            {
                "@type": "CreativeWork",
                "name": s["title"],
                **({"url": s["url"]} if safe_url(s.get("url")) else {}),
                **({"datePublished": s["date"]} if s.get("date") else {}),
                "publisher": {"@type": "Organization", "name": s["publisher"]},
            }
            for s in cat.records("sources")
        ],
    }
    edition = data.get("edition")
    if edition:  # what the catalogue's maintainers declare (edition.toml); nothing guessed
        meta["identifier"] = meta.pop("version")
        meta["version"] = edition["version"]
        meta["datePublished"] = edition["date"]
        meta["creator"] = [{"@type": "Organization", "name": a} for a in edition.get("authors", ())]
        if data.get("licence_href"):
            meta["license"] = data["licence_href"]
    if dates:
        meta["temporalCoverage"] = f"{dates[0]}/{dates[-1]}" if dates[0] != dates[-1] else dates[0]
    text = json.dumps(meta, ensure_ascii=False, indent=1)
    # Inside <script>: no "<", ">" or "&" as such (no "</script>" or "<!--" can end or bend it),
    # and no line or paragraph separator; JSON reads the escapes back as the same characters.
    for char, escape in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escape)
    return text


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
    # The style and script are bcc's own static files, not data: inserted as they are; the
    # JSON-LD is data made safe for a script element by json_ld (no "<", ">" or "&" in it).
    jsonld = str(data["jsonld"])
    if re.search(r"[<>&]", jsonld):
        raise AssertionError("the JSON-LD must be escaped for a script element")
    return template.render(**data, csp=csp, css=Markup(css), js=Markup(js), jsonld_safe=Markup(jsonld))
