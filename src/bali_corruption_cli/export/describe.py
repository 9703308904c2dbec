"""Each collection's columns described for data tools: type, description, required, links.

Made from the Pydantic models' JSON Schemas (their field descriptions, vocabularies and
formats) and the catalogue's references; shared by the Frictionless data package and
Datasette's metadata. No I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bali_corruption_cli.model import layout
from bali_corruption_cli.model.schemas import _resolve, schema_for

# Fields the loader computes from other fields, not in the models' input schemas.
_COMPUTED = {
    ("events", "hosts"): "The stakeholders with a host role at this event (computed from their roles).",
    ("events", "funders"): "The stakeholders with a funder role at this event (computed from their roles).",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # a Table Schema type: string, integer, boolean, date, array, object
    description: str
    required: bool = False
    enum: tuple[str, ...] = ()  # the vocabulary of a scalar field
    facet: str | None = None  # "value" or "array": worth counting (a vocabulary or a link by name)
    references: tuple[str, str] | None = None  # a scalar link: (collection, its field)


def _type(prop: dict[str, Any]) -> str:
    kind = prop.get("type")
    if kind == "string" and prop.get("format") == "date":
        return "date"
    if kind in ("integer", "boolean", "array", "object", "string"):
        return str(kind)
    if "additionalProperties" in prop or "properties" in prop:
        return "object"
    return "string"


def collection_description(name: str) -> str:
    schema = schema_for(name)
    model = _resolve(schema["items"], schema["$defs"])
    return " ".join(str(model.get("description", "")).split()) or f"The catalogue's {name}."


def columns(name: str, fields: list[str]) -> list[Column]:
    """The columns of a collection's table (its ``fields``, in order), described."""
    schema = schema_for(name)
    defs = schema["$defs"]
    model = _resolve(schema["items"], defs)
    props: dict[str, Any] = model["properties"]
    required = set(model.get("required", []))
    links = {r.path: r for r in layout.REFERENCES if r.collection == name}
    out = []
    for field in fields:
        if (name, field) in _COMPUTED:
            ref = links.get(f"{field}[]")
            target = f" Ids of records of {ref.target} (a JSON array)." if ref else ""
            out.append(Column(field, "array", _COMPUTED[(name, field)] + target, facet="array"))
            continue
        raw = props.get(field, {})
        prop = _resolve(raw, defs)
        kind = _type(prop)
        scalar, listed = links.get(field), links.get(f"{field}[]")
        # A link's own description, not its id type's ("Lowercase kebab-case id, ...").
        own = raw.get("description") or (None if scalar or listed else prop.get("description"))
        words = [" ".join(str(own or "").split())]
        enum = tuple(prop.get("enum") or ())
        items = _resolve(prop.get("items", {}), defs) if kind == "array" else {}
        facet = None
        if enum:
            words.append("One of: " + ", ".join(enum) + ".")
            facet = "value"
        elif items.get("enum"):
            words.append("A JSON array of: " + ", ".join(items["enum"]) + ".")
            facet = "array"
        references = None
        if scalar is not None:
            references = (scalar.target, scalar.by)
            words.append(f"The {scalar.by} of a record of {scalar.target}.")
            facet = facet or ("value" if scalar.by == "name" else None)
        elif listed is not None:
            words.append(f"Ids of records of {listed.target} (a JSON array).")
            facet = facet or "array"
        elif kind == "array" and not items.get("enum"):
            words.append("A JSON array.")
        elif kind == "object":
            words.append("A JSON object.")
        if not words[0]:
            words[0] = (
                str(prop.get("title") or raw.get("title") or field.replace("_", " ").capitalize()) + "."
            )
        text = " ".join(w for w in words if w)
        out.append(Column(field, kind, text, field in required, enum, facet, references))
    return out
