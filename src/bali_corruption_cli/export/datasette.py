"""Datasette's metadata for the SQLite export: licence, source and a description of every table.

Title, description, licence and source for the whole database; for each table and column
its description (from the models), the column that names a row (so links show names, not
ids) and default facets (vocabularies, countries, lists of links). No I/O here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bali_corruption_cli.export.describe import collection_description, columns
from bali_corruption_cli.model import layout

if TYPE_CHECKING:
    from bali_corruption_cli.catalog import Catalog

# The tables of the SQLite export that hold no collection (see `sqlite_export.sqlite_tables`).
_OTHER_TABLES: dict[str, dict[str, Any]] = {
    "records": {
        "description": "Every record of the catalogue by id, with the collection that holds it.",
        "facets": ["collection"],
    },
    "citations": {
        "description": "Where each record's facts come from: a source and the place in it (at), "
        "with the source's words where recorded (excerpt).",
        "facets": ["collection", "source_id"],
    },
    "basis": {
        "description": "The basis of a record's links and classifications, field by field: 'source' "
        "(with the source and place) or 'editorial' (our reading, with the reason).",
        "facets": ["collection", "basis", "field"],
    },
}


def _facets(described: list[Any]) -> list[Any]:
    return [c.name if c.facet == "value" else {"array": c.name} for c in described if c.facet]


def metadata(catalog: Catalog, edition: dict[str, Any] | None, database: str) -> dict[str, Any]:
    """Datasette's ``metadata.json`` for the export named ``database`` (its file's stem)."""
    tables: dict[str, Any] = {}
    for name in layout.COLLECTIONS:
        described = columns(name, catalog.fields[name])
        tables[name] = {
            "description": collection_description(name),
            "label_column": layout.TITLE_FIELD[name],
            "columns": {c.name: c.description for c in described},
            "facets": _facets(described),
        }
    tables |= _OTHER_TABLES
    doc: dict[str, Any] = {}
    sources = catalog.records("sources")
    if edition is not None:
        licence = edition["licence"]
        doc |= {
            "title": edition["title"],
            "description": f"Edition {edition['version']} of {edition['date']}. {licence['notice']}",
            "license": f"{licence['name']} ({licence['id']})",
            "license_url": licence["url"],
        }
    if sources:
        first = sources[0]
        more = f" and {len(sources) - 1} more (table sources)" if len(sources) > 1 else ""
        doc |= {"source": f"{first['publisher']}{more}", "source_url": first["url"]}
    doc["databases"] = {database: {"tables": tables}}
    return doc
