"""What `bcc info` says about a catalogue: its edition, counts, hash, licence and how to cite it.

Pure: handed the catalogue, its edition (read by :mod:`catalog.edition`) and where it
came from; no I/O and no printing.
"""

from __future__ import annotations

from typing import Any

from bali_corruption_cli.catalog import Catalog
from bali_corruption_cli.model import layout
from bali_corruption_cli.query.cite import PROPER_NOUNS, braced
from bali_corruption_cli.query.query import MONTHS

CODE_LICENCE = "MIT"


def digest(catalog: Catalog) -> str:
    """The catalogue's hash as the report prints it (``sha256:`` and the hex digest)."""
    return f"sha256:{catalog.data_digest}"


def cite_apa(edition: dict[str, Any]) -> str:
    """The catalogue as a data set in APA 7 (10.9): authors, year, title, version, [Data set]."""
    names = edition["authors"]
    who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + ", & " + names[-1]
    who = who if who.endswith(".") else who + "."
    year = edition["date"][:4]
    return f"{who} ({year}). {edition['title']} (Version {edition['version']}) [Data set]."


def cite_bibtex(edition: dict[str, Any]) -> str:
    """The catalogue as a BibTeX ``@misc`` entry (with biblatex's ``version`` and ``date``)."""
    y, m, _d = edition["date"].split("-")
    authors = " and ".join("{" + a + "}" for a in edition["authors"])
    fields = [
        f"  author = {{{authors}}}",
        f"  title = {{{braced(edition['title'], PROPER_NOUNS)}}}",
        "  howpublished = {Data set}",
        f"  version = {{{edition['version']}}}",
        f"  year = {{{y}}}",
        f"  month = {MONTHS[int(m) - 1][:3].lower()}",
        f"  date = {{{edition['date']}}}",
        f"  note = {{Version {edition['version']}; licence {edition['licence']['id']}}}",
    ]
    return f"@misc{{bcc-catalogue-{edition['version']},\n" + ",\n".join(fields) + "\n}"


def info(
    catalog: Catalog,
    edition: dict[str, Any] | None,
    version: str,
    data_dir: str,
    overlays: list[str],
) -> dict[str, Any]:
    """Everything `bcc info` prints, as the JSON it writes."""
    records = {name: catalog.count(name) for name in layout.COLLECTIONS}
    return {
        "bcc_version": version,
        "title": edition["title"] if edition else None,
        "edition": {"version": edition["version"], "date": edition["date"]} if edition else None,
        "data_dir": data_dir,
        "overlays": overlays,
        "records": records,
        "total_records": sum(records.values()),
        "digest": digest(catalog),
        "licence": edition["licence"] if edition else None,
        "code_licence": CODE_LICENCE,
        "cite": {"apa": cite_apa(edition), "bibtex": cite_bibtex(edition)} if edition else None,
    }
