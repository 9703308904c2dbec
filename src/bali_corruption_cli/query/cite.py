"""Citations of the sources behind a record: APA, BibTeX or plain, reconstructed titles marked.

No I/O and no printing.
"""

from __future__ import annotations

import re
from typing import Any

from bali_corruption_cli.catalog import Catalog, Record
from bali_corruption_cli.query.explore import cited_sources, lookup

CITE_STYLES = ("apa", "bibtex", "plain")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _flat(text: str) -> str:
    """Text on one line: runs of spaces, tabs and line ends become one space, and nothing
    else (a line separator or NEL stays, for views to show escaped; ``str.split`` would
    take it for a space)."""
    return re.sub(r"[ \t\n\r]+", " ", text).strip(" ")


def _date(source: Record, pattern: str, missing: str) -> str:
    """The source's date written with ``pattern`` ({y}, {month}, {d}), or ``missing``."""
    if not source.get("date"):
        return missing
    y, m, d = (int(x) for x in source["date"].split("-"))
    return pattern.format(y=y, month=_MONTHS[m - 1], d=d)


def _cited_title(source: Record) -> str:
    """The title as cited: a reconstructed one gives way to a description in square brackets (APA 7, 9.29)."""
    if source.get("title_reconstructed") and source.get("description"):
        return f"[{_flat(source['description'])}]"
    return _flat(source["title"])


def _reconstructed_note(source: Record) -> str | None:
    if not source.get("title_reconstructed"):
        return None
    return f"Title not known; rebuilt from the web address as: {_flat(source['title'])}"


def _apa(source: Record) -> str:
    when = _date(source, "{y}, {month} {d}", "n.d.")
    return f"{source['publisher']}. ({when}). {_cited_title(source)}. {source['url']}"


def _plain(source: Record, at: str | None) -> str:
    when = _date(source, "{d} {month} {y}", "undated")
    where = f" (at: {at})" if at else ""
    note = _reconstructed_note(source)
    rebuilt = f" ({note[0].lower()}{note[1:]})" if note else ""
    return f"{_cited_title(source)}{rebuilt}. {source['publisher']}, {when}. {source['url']}{where}"


def _bibtex(source: Record) -> str:
    def esc(text: str) -> str:
        text = _flat(text)
        return re.sub(r"([&%$#_{}])", r"\\\1", text)

    kind = "techreport" if source["kind"] == "report" else "misc"
    fields = [f"  title = {{{esc(_cited_title(source))}}}"]
    if kind == "techreport":
        fields.append(f"  institution = {{{esc(source['publisher'])}}}")
    else:
        fields.append(f"  author = {{{{{esc(source['publisher'])}}}}}")
    if source.get("date"):
        y, m, _d = source["date"].split("-")
        fields.append(f"  year = {{{y}}}")
        fields.append(f"  month = {_MONTHS[int(m) - 1][:3].lower()}")
    fields.append(f"  url = {{{source['url']}}}")
    notes = [n for n in (_reconstructed_note(source), source.get("date_note")) if n]
    if notes:
        fields.append(f"  note = {{{esc('. '.join(n.rstrip('.') for n in notes) + '.')}}}")
    return f"@{kind}{{{source['id']},\n" + ",\n".join(fields) + "\n}"


def cite(catalog: Catalog, record_id: str, style: str) -> list[dict[str, Any]]:
    """Ready citations of the source(s) behind a record, one per source."""
    collection, record = lookup(catalog, record_id)
    out = []
    cited = [s for s in cited_sources(catalog, collection, record) if "title" in s]
    places: dict[str, list[str]] = {}
    for source in cited:  # one citation a source, naming every place in it that the record cites
        if source.get("at") and source["at"] not in places.setdefault(source["id"], []):
            places[source["id"]].append(source["at"])
    seen: set[str] = set()
    for source in cited:
        if source["id"] in seen:
            continue
        seen.add(source["id"])
        at = "; ".join(places.get(source["id"], [])) or None
        if style == "apa":
            text = _apa(source)
        elif style == "bibtex":
            text = _bibtex(source)
        else:
            text = _plain(source, at)
        out.append({"source": source["id"], "at": at, "style": style, "citation": text})
    return out
