"""The cells of a record in its collection's table for people: computed once, and kept by the cache.

A cell is the value as text (`text.cell`); a value that is our classification, not a
source's, ends in EDITORIAL_MARK.  `bcc practices` with no --fields lays out the rows the
cache keeps (no record decoded); every other table computes them here, the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bali_corruption_cli import layout, query
from bali_corruption_cli.text import cell

# In tables for people, a value that is our classification, not a source's, is marked.
EDITORIAL_MARK = "[E]"
LEGEND = f"{EDITORIAL_MARK} editorial: our classification, not a source's (bcc show ID --evidence)"

Record = dict[str, Any]


def default_columns(collection: str) -> tuple[str, ...]:
    """The columns a collection's table shows when no --fields are asked for."""
    return layout.COLLECTIONS[collection][1]


def with_derived(collection: str, record: Record) -> Record:
    """The record with the fields its table derives for people (an event's date)."""
    if "date" in layout.DERIVED.get(collection, ()):
        return dict(record, date=query.event_date(record))
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
        cells.append(text)
    return cells, marked


def default_row(collection: str, record: Record) -> tuple[list[str], bool]:
    """`row` for the collection's default table."""
    return row(with_derived(collection, record), default_columns(collection), record.get("basis"))
