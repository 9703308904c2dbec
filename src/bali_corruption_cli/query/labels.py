"""The names people read in place of ids: a stakeholder's name, an event's or stage's title,
a source's label (S1, S2, ...), for every record another record refers to.

Views for people (tables, records, `show`, `summary`, `timeline`, Markdown) print these;
machine formats keep the ids.  Pure: no I/O, no printing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from bali_corruption_cli.model import layout

if TYPE_CHECKING:
    from bali_corruption_cli.catalog import Catalog, Record


def reference_paths(collection: str) -> list[str]:
    """The paths of ``collection``'s records that hold ids of other records (countries,
    referred to by their name already, are left out)."""
    return [ref.path for ref in layout.REFERENCES if ref.collection == collection and ref.by == "id"]


def ours(collection: str, record: Record) -> str | None:
    """What people are told when a record's name is ours, not a source's: "our title" (a
    title whose basis is editorial), "our title, rebuilt from the web address" (a source's
    reconstructed title); None when a source gives it."""
    if record.get("title_reconstructed"):
        return "our title, rebuilt from the web address"
    basis = record.get("basis")
    why = basis.get(layout.TITLE_FIELD.get(collection, "title")) if type(basis) is dict else None
    if type(why) is dict and why.get("basis") == "editorial":
        return "our title"
    return None


def titled(collection: str, record: Record) -> str:
    """The record's title (or name, else its id) as its own view heads it, saying so when
    the title is ours ("… (our title)", "… (our title, rebuilt from the web address)")."""
    value = record.get(layout.TITLE_FIELD.get(collection, "title"))
    if type(value) is not str or not value.strip():
        return str(record["id"])
    said = ours(collection, record)
    return f"{value} ({said})" if said else value


def name_for_people(collection: str, record: Record) -> str:
    """How people read a record named in another's view: a source by its label, anything
    else `titled` (a title no source gives says so, as the record's own view does)."""
    return name_of(collection, record) if collection == "sources" else titled(collection, record)


def name_of(collection: str, record: Record) -> str:
    """What a record is called for people: a source's label, else its name or title, else its id."""
    if collection == "sources" and record.get("label"):
        return str(record["label"])
    value = record.get(layout.TITLE_FIELD.get(collection, "title"))
    return str(value) if type(value) is str and value.strip() else str(record["id"])


def names(
    catalog: Catalog, collection: str, records: Iterable[Record], paths: Sequence[str] | None = None
) -> dict[str, str]:
    """Every id the records refer to (at ``paths``, all `reference_paths` by default), with its
    name for people (`name_for_people`; an id no record has maps to itself); a quote's
    speaker with their organisation ("David Scott (Regional Support Office …)")."""
    wanted: set[str] = set()
    paths = reference_paths(collection) if paths is None else paths
    for record in records:
        for path in paths:
            wanted.update(v for _loc, v in layout.locate(record, path) if type(v) is str)
    found = catalog.get_many(wanted)  # read together: a large catalogue names thousands
    out = {i: name_for_people(*found[i]) if i in found else i for i in wanted}
    if collection == "quotes":  # who spoke: a person with the organisation they spoke for
        speakers = {i: r for i, (c, r) in found.items() if c == "stakeholders" and r.get("organisation")}
        bodies = catalog.get_many(str(r["organisation"]) for r in speakers.values())
        for i, record in speakers.items():
            body = bodies.get(str(record["organisation"]))
            if body is not None:
                out[i] = f"{out[i]} ({name_for_people(*body)})"
    return out


def source_labels(catalog: Catalog) -> dict[str, str]:
    """Every source's id with its label (S1, ...)."""
    return {r["id"]: name_of("sources", r) for r in catalog.records("sources")}
