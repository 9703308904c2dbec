"""Overlay records that change a record of the catalogue: ``patch: true`` or ``replace: true``.

A record in an overlay with the id of a record read before it (from the
catalogue or an earlier overlay) and one of these markers changes that
record: ``patch: true`` merges its fields into the record (a field given
replaces that field whole; the id is kept), ``replace: true`` puts the record
in its place.  Without a marker the clash stays an error naming both files.

The changed record says so: its ``overlay`` key lists, in order, each change
as ``{"file": ..., "line": ..., "action": "patch" | "replace", "fields": [...]}``
(``fields``: the fields the overlay wrote, without ``id``).
"""

from __future__ import annotations

from typing import Any

MARKERS = ("patch", "replace")
FIELD = "overlay"  # the key a changed record carries (JSON output, show)


class MarkerError(Exception):
    """A marker that cannot be used; the message says why and what to write."""


def marker(raw: dict[str, Any]) -> str | None:
    """The record's marker ("patch" or "replace"), None without one; MarkerError if misused."""
    given = [m for m in MARKERS if m in raw]
    if not given:
        return None
    if len(given) > 1:
        raise MarkerError("give either 'patch: true' or 'replace: true', not both")
    value = raw[given[0]]
    if value is not True:
        raise MarkerError(f"'{given[0]}' must be true (got {value!r}); leave it out to add a new record")
    return given[0]


def without_marker(raw: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in raw.items() if key not in MARKERS}


def patched(model: Any, target: dict[str, Any], raw: dict[str, Any]) -> Any:
    """The target record (as validated, JSON form) with the overlay's fields merged in, as
    the model's python input: the merge is then validated as strictly as any record.
    The target was valid, so reading it back loosely (ISO dates as text) is safe."""
    original = model.model_validate(target, strict=False).model_dump()
    return {**original, **without_marker(raw)}


def change(path: str, line: int | None, action: str, raw: dict[str, Any]) -> dict[str, Any]:
    """The entry a changed record's ``overlay`` list gets for one change."""
    fields = [key for key in raw if key not in MARKERS and key != "id"]
    return {"file": path, "line": line, "action": action, "fields": fields}
