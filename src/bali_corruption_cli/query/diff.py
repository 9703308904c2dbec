"""What changed between two catalogues: records added, removed and changed, field by field.

Pure: handed two loaded catalogues; records are compared by id within each collection,
as their JSON holds them. No I/O and no printing.
"""

from __future__ import annotations

from typing import Any

from bali_corruption_cli.catalog import Catalog, Record
from bali_corruption_cli.model import layout

CHANGE_FIELDS = ("change", "collection", "id", "field", "old", "new")


def _title(collection: str, record: Record) -> Any:
    return record.get(layout.TITLE_FIELD.get(collection, "title"))


def changes(old: Catalog, new: Catalog) -> list[dict[str, Any]]:
    """Every difference, collection by collection (in the catalogue's order): a removed
    record, then added and changed ones in the new catalogue's order. A changed record
    gives one change a field, with the field's old and new values (null where absent)."""
    out: list[dict[str, Any]] = []
    for name in layout.COLLECTIONS:
        before = {r["id"]: r for r in old.records(name)}
        after = {r["id"]: r for r in new.records(name)}
        for rid, record in before.items():
            if rid not in after:
                out.append({"change": "removed", "collection": name, "id": rid, "record": record})
        for rid, record in after.items():
            if rid not in before:
                out.append({"change": "added", "collection": name, "id": rid, "record": record})
                continue
            was = before[rid]
            fields = [*was, *(k for k in record if k not in was)]
            diffs = [
                {"field": f, "old": was.get(f), "new": record.get(f)}
                for f in fields
                if was.get(f) != record.get(f)
            ]
            if diffs:
                out.append({"change": "changed", "collection": name, "id": rid, "fields": diffs})
    return out


def summary(found: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Per collection with a change, how many records were added, removed and changed."""
    counts: dict[str, dict[str, int]] = {}
    for change in found:
        row = counts.setdefault(change["collection"], {"added": 0, "removed": 0, "changed": 0})
        row[change["change"]] += 1
    return counts


def rows(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The changes as rows for a table: one a changed field; an added or removed record
    as one row holding its title (or name, or text)."""
    out = []
    for change in found:
        head = {"change": change["change"], "collection": change["collection"], "id": change["id"]}
        if change["change"] == "changed":
            out += [dict(head, field=f["field"], old=f["old"], new=f["new"]) for f in change["fields"]]
        else:
            title = _title(change["collection"], change["record"])
            gone = change["change"] == "removed"
            field = layout.TITLE_FIELD.get(change["collection"], "title")
            out.append(dict(head, field=field, old=title if gone else None, new=None if gone else title))
    return out
