"""The cells of a record in its collection's table for people: computed once, and kept by the cache.

A cell is the value as text (`text.cell`); a value that is our classification, not a
source's, ends in EDITORIAL_MARK.  `bcc practices` with no --fields lays out the rows the
cache keeps (no record decoded); every other table computes them here, the same way.
The cache also keeps what `tables.measure` needs to know of each whole column
(`column_widths`), so that the whole table is laid out without measuring its cells.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bali_corruption_cli.core.values import Record
from bali_corruption_cli.model import layout
from bali_corruption_cli.output.text import EDITORIAL_MARK, cell
from bali_corruption_cli.query import query


def default_columns(collection: str) -> tuple[str, ...]:
    """The columns a collection's table shows when no --fields are asked for."""
    return layout.COLLECTIONS[collection][1]


def with_derived(collection: str, record: Record) -> Record:
    """The record with the fields its table derives for people (an event's date)."""
    if "date" in layout.DERIVED.get(collection, ()):
        return dict(record, date=query.event_date_words(record))
    return record


def row(record: Record, columns: Sequence[str], basis: Any) -> tuple[list[str], bool]:
    """The record's cells in ``columns``, and whether one of them is marked editorial
    (``basis``: the record's own ``basis`` field, before any field was left out)."""
    marks = basis if type(basis) is dict else {}
    cells = []
    marked = False
    for column in columns:
        value = record.get(column)
        text = cell(value)
        why = marks.get(column)
        if type(why) is dict and why.get("basis") == "editorial" and value not in (None, [], ""):
            text = f"{text} {EDITORIAL_MARK}"
            marked = True
        elif type(value) is list and any(
            (type(v) is dict and v.get("basis") == "editorial")  # a role of ours, marked by `cell`
            or (type(v) is str and v.endswith(f" {EDITORIAL_MARK}"))  # a name marked by `people.record`
            for v in value
        ):
            marked = True
        cells.append(text)
    return cells, marked


def default_row(collection: str, record: Record, basis: Any = None) -> tuple[list[str], bool]:
    """`row` for the collection's default table (``basis``: the record's own, when ``record``
    is the record for people, `people.record`)."""
    if basis is None:
        basis = record.get("basis")
    return row(with_derived(collection, record), default_columns(collection), basis)


def cached_rows_hold(collection: str) -> bool:
    """Whether the rows the cache keeps (`default_row` of the record alone) are the rows
    people see: not when a default column refers to other records (named for people from
    the catalogue) or holds a quote (marked by its kind)."""
    referring = {
        ref.path.split(".")[0].removesuffix("[]")
        for ref in layout.REFERENCES
        if ref.collection == collection and ref.by == "id"
    }
    return collection != "quotes" and not referring & set(default_columns(collection))


# `bytes.translate` table: a space or newline becomes a space, any other byte an x
_RUNS = bytes(0x20 if byte in b" \n" else 0x78 for byte in range(256))


def widest_word(text: str, most: int) -> int:
    """The widest word (run of characters between spaces and newlines) of an ASCII text,
    at most ``most`` wide: searched for by its width, halving the range (a substring
    search of the text each time; no word made)."""
    marks = text.encode("ascii").translate(_RUNS)
    low, high = 0, most
    while low < high:
        middle = (low + high + 1) // 2
        if b"x" * middle in marks:
            low = middle
        else:
            high = middle - 1
    return low


def column_widths(texts: Sequence[str]) -> tuple[int, int] | None:
    """(widest text, widest word) of a column whose every text is printable ASCII: such
    texts are printed as they are, one line each, and that is all `tables.measure` needs
    to know of them; None for a column holding any other character."""
    joined = " ".join(texts)
    if not (joined.isascii() and joined.isprintable()):
        return None
    natural = max(map(len, texts), default=0)
    return natural, widest_word(joined, natural)


def roundtable_rows(series: dict[str, Any], labels: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """The summary's roundtable table for people (terminal and Markdown): dates in words,
    each statement of a place in the series naming its source by label (``labels``)."""
    labels = labels or {}
    return [
        {
            "country": r["country"],
            "city": r["city"] or "unknown",
            "date": query.event_date_words(r) or "unknown",
            "position": "; ".join(
                cell(dict(p, source=labels.get(p["source"], p["source"]))) for p in r["positions"]
            ),
        }
        for r in series["roundtables"]
    ]


def briefing_items(fig: dict[str, Any]) -> dict[str, Any]:
    """The summary's lists for people, terminal and Markdown alike: the series' disagreements
    and caveats, each naming its roundtables; the findings and recommendations, each with the
    labels of its sources (S1, ...), a maker of ours marked; ``marked``: whether one is."""
    labels = {s["id"]: s["label"] or s["id"] for s in fig.get("sources", [])}
    series = fig["roundtable_series"]
    where = {r["id"]: r["country"] for r in series["roundtables"]}

    def named(entry: dict[str, Any]) -> str:
        places = [str(where.get(i, i)) for i in entry["records"]]
        head = "Roundtable in " if len(places) == 1 else "Roundtables in "
        listed = places[0] if len(places) == 1 else ", ".join(places[:-1]) + " and " + places[-1]
        return f"{head}{listed}: {entry['caveat']}"

    def cited(record: dict[str, Any]) -> str:
        return "[" + ", ".join(labels.get(s, s) for s in record["sources"]) + "]"

    recommendations = []
    marked = False
    for r in fig.get("recommendations", []):
        by = f", by {r['made_by_name']}" if r.get("made_by_name") else ""
        if by and r.get("made_by_basis") == "editorial":
            by += f" {EDITORIAL_MARK}"
            marked = True
        recommendations.append(f"{r['title']} ({r['kind']}{by}) {cited(r)}")
    return {
        "disagreements": [named(e) for e in series.get("disagreements", [])],
        "caveats": [named(e) for e in series.get("caveats", [])],
        "findings": [f"{f['title']} {cited(f)}" for f in fig.get("findings", [])],
        "recommendations": recommendations,
        "marked": marked,  # an item holds EDITORIAL_MARK: the legend goes with them
    }


_version: str | None = None


def version() -> str:
    """A name for the code that makes these cells (this module, `text`, `query`): the cache
    keeps the rows under it, so that changing how a cell looks makes them unused, not the data."""
    global _version
    if _version is None:
        import sys
        from pathlib import Path

        from bali_corruption_cli.core.values import digest_of_modules

        makers = (__name__, cell.__module__, query.__name__)
        _version = digest_of_modules(Path(sys.modules[m].__file__ or m) for m in makers)
    return _version


def column_count(name: str) -> int | None:
    """How many default columns a collection's table has; None for a name that has no table."""
    return len(default_columns(name)) if name in layout.COLLECTIONS else None
