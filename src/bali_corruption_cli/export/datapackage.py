"""The catalogue as a Frictionless data package: the CSV export plus ``datapackage.json``.

One CSV per collection (the CSV contract: lists and mappings as JSON in their cells, null
as an empty cell) and a descriptor with a Table Schema per file (types, descriptions from
the models, primary and foreign keys), the data's licence, its sources and its edition.
No I/O here but the files written into the folder it is handed (a temporary one).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bali_corruption_cli.export.describe import collection_description, columns
from bali_corruption_cli.model import layout

if TYPE_CHECKING:
    from bali_corruption_cli.catalog import Catalog

DESCRIPTOR = "datapackage.json"


def _field(column: Any) -> dict[str, Any]:
    field: dict[str, Any] = {"name": column.name, "type": column.type, "description": column.description}
    if column.type == "date":
        field["format"] = "default"  # ISO 8601
    constraints: dict[str, Any] = {}
    if column.required:
        constraints["required"] = True
    if column.name == "id":
        constraints["unique"] = True
    if column.enum:
        constraints["enum"] = list(column.enum)
    if constraints:
        field["constraints"] = constraints
    return field


def _resource(catalog: Catalog, name: str) -> dict[str, Any]:
    described = columns(name, catalog.fields[name])
    schema: dict[str, Any] = {
        "fields": [_field(c) for c in described],
        "missingValues": [""],
        "primaryKey": ["id"],
    }
    keys = [
        # "" names this resource itself (a stakeholder's organisation is a stakeholder).
        {
            "fields": c.name,
            "reference": {
                "resource": "" if c.references[0] == name else c.references[0],
                "fields": c.references[1],
            },
        }
        for c in described
        if c.references is not None
    ]
    if keys:
        schema["foreignKeys"] = keys
    return {
        "name": name,
        "path": f"{name}.csv",
        "profile": "tabular-data-resource",
        "title": name.capitalize(),
        "description": collection_description(name),
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": schema,
    }


def _source_title(source: dict[str, Any]) -> str:
    """A source's title, or for a title we rebuilt from its address, its description in
    square brackets (as `bcc cite` gives it): ours is never passed off as the source's."""
    if source.get("title_reconstructed") and source.get("description"):
        return f"[{' '.join(str(source['description']).split())}]"
    return " ".join(str(source["title"]).split())


def descriptor(catalog: Catalog, edition: dict[str, Any] | None) -> dict[str, Any]:
    """``datapackage.json``: the package (edition, licence, sources) and its resources."""
    doc: dict[str, Any] = {"profile": "tabular-data-package", "name": "bcc-catalogue"}
    if edition is not None:
        licence = edition["licence"]
        doc |= {
            "title": edition["title"],
            "description": licence["notice"],
            "version": edition["version"],
            "edition": {"version": edition["version"], "date": edition["date"]},
            "licenses": [{"name": licence["id"], "path": licence["url"], "title": licence["name"]}],
            "contributors": [{"title": name, "role": "author"} for name in edition["authors"]],
        }
    doc["sources"] = [{"title": _source_title(s), "path": s["url"]} for s in catalog.records("sources")]
    doc["resources"] = [_resource(catalog, name) for name in layout.COLLECTIONS]
    return doc


def write(
    catalog: Catalog,
    folder: Path,
    edition: dict[str, Any] | None,
    write_csv: Callable[[Catalog, Path], list[str]],
    encode: Callable[[Any], bytes],
) -> list[str]:
    """The CSV files (by ``write_csv``, the CSV export's own writer) and the descriptor."""
    written = write_csv(catalog, folder)
    (folder / DESCRIPTOR).write_bytes(encode(descriptor(catalog, edition)))
    return [*written, DESCRIPTOR]
