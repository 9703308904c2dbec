"""Citations for reference managers: CSL-JSON items (Zotero, pandoc, citeproc) and RIS records.

Made from a source's record and what :mod:`query.cite` decided (the title as cited, the
authors, the notes); the place in the source (``at``) goes where the format has a place
for it. No I/O and no printing.
"""

from __future__ import annotations

import json
import re
from typing import Any

from bali_corruption_cli.catalog import Record

_PARAGRAPH = re.compile(r"para(?:graph)?\.? (\d+)")


def locator(at: str) -> dict[str, str]:
    """A place in a source as CSL's pinpoint (a cite-item's ``label`` and ``locator``):
    paragraphs by number (``para 2; para 4`` -> paragraph ``2, 4``), any other place as a section."""
    places = [p.strip() for p in at.split(";")]
    numbers = [m.group(1) for m in (_PARAGRAPH.fullmatch(p) for p in places) if m]
    if len(numbers) == len(places):
        return {"label": "paragraph", "locator": ", ".join(numbers)}
    return {"label": "section", "locator": at}


def csl_item(
    source: Record, at: str | None, title: str, names: list[str], notes: list[str]
) -> dict[str, Any]:
    """One source as a CSL-JSON item: a report, or a page of a website (with its site's name).
    Cited at a place, the item carries the pinpoint as a cite-item does (``label``, ``locator``)."""
    report = source["kind"] == "report"
    item: dict[str, Any] = {
        "id": source["id"],
        "type": "report" if report else "webpage",
        "title": title,
        "author": [{"literal": name} for name in names],
    }
    if source.get("date"):
        item["issued"] = {"date-parts": [[int(x) for x in source["date"].split("-")]]}
    # A report's publisher is its author (or its authors, jointly): APA 7 (10.4) names it once.
    if not report and source.get("site") and [source["site"]] != names:
        item["container-title"] = " ".join(source["site"].split())
    item["URL"] = source["url"]
    if notes:
        item["note"] = " ".join(n if n.endswith(".") else n + "." for n in notes)
    if at:
        item |= locator(at)
    return item


def csl_text(item: dict[str, Any]) -> str:
    return json.dumps(item, ensure_ascii=False)


def csl_document(items: list[str]) -> str:
    """CSL-JSON items (as :func:`csl_text` wrote them) as one JSON array, the form
    reference managers import."""
    return "[\n" + ",\n".join(items) + "\n]\n" if items else "[]\n"  # one item a line, as --json


def ris(source: Record, at: str | None, title: str, names: list[str], notes: list[str]) -> str:
    """One source as an RIS record: ``RPRT`` for a report, ``ELEC`` for a web page. RIS has
    no field for a place in a work: where the record is cited goes in a note (``N1``)."""
    report = source["kind"] == "report"
    lines = [("TY", "RPRT" if report else "ELEC")]
    lines += [("AU", name) for name in names]
    lines.append(("TI", title))
    if source.get("date"):
        y, m, d = source["date"].split("-")
        lines += [("PY", y), ("DA", f"{y}/{m}/{d}/")]
    lines.append(("PB", " ".join(source["publisher"].split())))
    if not report and source.get("site") and [source["site"]] != names:
        lines.append(("T2", " ".join(source["site"].split())))
    lines.append(("UR", source["url"]))
    lines += [("N1", note) for note in notes]
    if at:
        lines.append(("N1", f"Cited at: {at}"))
    lines.append(("ER", ""))
    return "\n".join(f"{tag}  - {' '.join(value.split())}" for tag, value in lines)
