"""Ordering rows by one field (``--sort FIELD``, ``--reverse``): pure, no I/O.

Numbers sort as numbers, text case- and accent-insensitively, a list by its items in
order; a missing value (null, an empty list) comes last whichever the direction; rows
with equal values keep the order they came in.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bali_corruption_cli.core.errors import UsageError
from bali_corruption_cli.model import vocab


def _key(value: Any) -> tuple[Any, ...]:
    if isinstance(value, bool):
        return (0, int(value), "")
    if isinstance(value, (int, float)):
        return (0, value, "")
    if isinstance(value, list):
        return (1, 0, tuple(_key(item) for item in value))
    return (1, 0, (vocab.fold(str(value)), str(value)))


def _missing(value: Any) -> bool:
    return value is None or value == "" or value == []


def check_field(field: str, valid: Sequence[str], option: str = "--sort") -> None:
    """A UsageError naming the valid fields when ``field`` is not one of them."""
    if field not in valid:
        hint = vocab.closest(field, list(valid))
        did = f" (did you mean '{hint}'?)" if hint else ""
        raise UsageError(f"unknown field {field!r} for {option}{did}; valid fields: {', '.join(valid)}")


def ordered(
    rows: Sequence[dict[str, Any]], field: str | None, valid: Sequence[str], reverse: bool = False
) -> list[dict[str, Any]]:
    """``rows`` by ``field`` (ascending; descending with ``reverse``), missing values last; with
    no field, the rows as given (reversed with ``reverse``)."""
    if field is None:
        return list(reversed(rows)) if reverse else list(rows)
    check_field(field, valid)
    present = [r for r in rows if not _missing(r.get(field))]
    missing = [r for r in rows if _missing(r.get(field))]
    try:
        present.sort(key=lambda r: _key(r[field]), reverse=reverse)
    except TypeError:  # values of different shapes: compared as text
        present.sort(key=lambda r: vocab.fold(str(r[field])), reverse=reverse)
    return present + missing
