"""The order and length of a list: ``--sort FIELD``, ``--reverse`` and ``--limit N``.

One rule for every command that lists rows (records of a collection, the timeline,
counts, search hits): sorting is stable, by one field of the rows; text is compared
as people read it (case and accents folded, the exact text breaking ties), numbers as
numbers, dates as text (ISO dates sort in time order); a missing or empty value comes
last in either direction.  ``--reverse`` reverses the order asked for, or the command's
own order when no field is named; ``--limit`` keeps the first N after that.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from bali_corruption_cli.core.errors import UsageError
from bali_corruption_cli.model import vocab

Row = TypeVar("Row", bound=Mapping[str, Any])


class Ordering:
    """What --sort, --reverse and --limit asked for (all optional).  A plain class: made on
    every run of a list command, it must cost nothing at start-up (no dataclass)."""

    __slots__ = ("limit", "reverse", "sort")

    def __init__(self, sort: str | None = None, reverse: bool = False, limit: int | None = None) -> None:
        self.sort = sort
        self.reverse = reverse
        self.limit = limit

    def __bool__(self) -> bool:
        return self.sort is not None or self.reverse or self.limit is not None


# Nothing asked: the command's own order, whole.
ANY = Ordering()


def check(sort: str | None, valid: Sequence[str]) -> None:
    """A UsageError naming ``sort`` and every valid field when ``sort`` is not one of them."""
    if sort is None or sort in valid:
        return
    hint = vocab.closest(sort, valid) if sort.strip() else None
    did = f" (did you mean '{hint}'?)" if hint else ""
    raise UsageError(f"cannot sort by {sort!r}{did}; valid fields: {', '.join(valid)}")


def _scalar_key(value: Any) -> tuple[Any, ...]:
    if isinstance(value, bool):
        return (0, int(value), "")
    if isinstance(value, (int, float)):
        return (0, value, "")
    if isinstance(value, str):
        return (1, vocab.fold(value), value)
    if isinstance(value, list):
        return (2, tuple(_scalar_key(v) for v in value), "")
    import json

    return (3, json.dumps(value, sort_keys=True, default=str, ensure_ascii=False), "")


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def order(rows: Sequence[Row], wanted: Ordering, valid: Sequence[str]) -> list[Row]:
    """``rows`` sorted, reversed and cut as ``wanted`` says (an unknown field: UsageError)."""
    check(wanted.sort, valid)
    out = list(rows)
    if wanted.sort is not None:
        field = wanted.sort
        present = [r for r in out if not _empty(r.get(field))]
        missing = [r for r in out if _empty(r.get(field))]
        # sorted(reverse=True) keeps equal rows in their own order: stable both ways.
        out = sorted(present, key=lambda r: _scalar_key(r.get(field)), reverse=wanted.reverse) + missing
    elif wanted.reverse:
        out.reverse()
    if wanted.limit is not None:
        out = out[: wanted.limit]
    return out
