"""Which records a report covers: the list filters applied across every collection.

No I/O and no printing. A filter narrows the collections that have its field
(``--country``: events, stakeholders, countries; ``--sector``: practices,
stakeholders; ...); a collection that has none of the active filters' fields
keeps the records linked (either way) to a record chosen by them. Stages stay
whole as the chain's context, unless ``--stage`` is given; sources and
countries are then those the kept records cite or name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from bali_corruption_cli.model import layout, vocab
from bali_corruption_cli.query import filters, query

if TYPE_CHECKING:
    from bali_corruption_cli.catalog import Catalog, Record

# filter -> collection -> the field it matches: the list commands' (filters.py), and the
# chain's own stages and the countries' names as context.
FILTER_FIELDS: dict[str, dict[str, str]] = {
    "country": {**filters.fields_of("country"), "countries": "name"},
    "sector": filters.fields_of("sector"),
    "theme": filters.fields_of("theme"),
    "stage": {**filters.fields_of("stage"), "stages": "id"},
}

# The vocabulary of ``kind`` in each collection that has one.
KINDS: dict[str, tuple[str, ...]] = filters.kinds()

# Shown whole, or as far as kept records use them, when no filter applies to them.
_CONTEXT = ("stages", "countries", "sources")


def kind_choices() -> query.Choices:
    """Every collection's kinds as one vocabulary (they do not overlap), with their aliases."""
    aliases: dict[str, list[str]] = {k: [] for kinds in KINDS.values() for k in kinds}
    for table in (
        vocab.EVENT_KIND_ALIASES,
        vocab.STAKEHOLDER_KIND_ALIASES,
        vocab.RECOMMENDATION_KIND_ALIASES,
    ):
        for alias, target in table.items():
            aliases[target].append(alias)
    return query.Choices("kind", {k: tuple(v) for k, v in aliases.items()})


def _fields_for(collection: str, conditions: Mapping[str, set[str]]) -> dict[str, set[str]]:
    """The conditions (field -> wanted values) that apply to ``collection``."""
    out: dict[str, set[str]] = {}
    for name, wanted in conditions.items():
        if not wanted:
            continue
        if name == "kind":
            if collection in KINDS and wanted & set(KINDS[collection]):
                out["kind"] = wanted
        elif collection in FILTER_FIELDS.get(name, {}):
            out[FILTER_FIELDS[name][collection]] = wanted
    return out


def _references(collection: str, record: Record) -> set[str]:
    """Ids (and, for countries, names) that ``record`` refers to."""
    return {
        str(value)
        for ref in layout.REFERENCES
        if ref.collection == collection
        for _loc, value in layout.locate(record, ref.path)
    }


def select(
    catalog: Catalog, conditions: Mapping[str, set[str]], search: Sequence[str] = ()
) -> dict[str, list[Record]]:
    """The records of each collection that a report with these filters covers."""
    active = {k: v for k, v in conditions.items() if v}
    if not active and not search:
        return {name: list(catalog.records(name)) for name in layout.COLLECTIONS}
    chosen: dict[str, list[Record]] = {}
    for name in layout.COLLECTIONS:
        fields = _fields_for(name, active)
        if fields or (search and name not in _CONTEXT):
            records = query.filter_records(catalog.records(name), **fields)
            chosen[name] = [r for r in records if query.text_matches(r, search)]
    keys = {r["id"] for recs in chosen.values() for r in recs}
    keys |= {r["name"] for r in chosen.get("countries", [])}
    referred = set().union(*(_references(n, r) for n, recs in chosen.items() for r in recs))
    kept: dict[str, list[Record]] = {}
    for name in layout.COLLECTIONS:
        if name in chosen:
            kept[name] = chosen[name]
        elif name in _CONTEXT:
            continue
        else:
            kept[name] = [
                r
                for r in catalog.records(name)
                if r["id"] in referred or not keys.isdisjoint(_references(name, r))
            ]
    if "stages" not in kept:
        kept["stages"] = list(catalog.records("stages"))
    for name in ("countries", "sources"):  # countries cite sources: they come first
        if name not in kept:
            used = set().union(*(_references(n, r) for n, recs in kept.items() for r in recs))
            kept[name] = [r for r in catalog.records(name) if r["id"] in used or r.get("name") in used]
    return {name: kept[name] for name in layout.COLLECTIONS}
