"""The JSON Schema of each collection file, generated from the models, and collection names.

Pydantic is imported inside the functions that need it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from bali_corruption_cli.core.errors import UsageError
from bali_corruption_cli.model import layout, vocab

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_COMMENT = "# yaml-language-server: $schema="
REGENERATE = "bcc schema --write schema/"


# ---------------------------------------------------------------- names


def collection_name(value: str) -> str:
    """A collection by its name, singular or file name; UsageError with a hint otherwise."""
    wanted = value.strip().lower().removesuffix(".yaml").removesuffix(".schema.json")
    if wanted in layout.COLLECTIONS:
        return wanted
    for name, singular in layout.SINGULAR.items():
        if wanted == singular:
            return name
    hint = vocab.closest(wanted, layout.COLLECTIONS)
    did = f" (did you mean '{hint}'?)" if hint else ""
    raise UsageError(f"unknown collection {value!r}{did}; valid: {', '.join(layout.COLLECTIONS)}")


def schema_filename(collection: str) -> str:
    return f"{collection}.schema.json"


# ---------------------------------------------------------------- fields


# Fields the loader adds to a collection's records (``model.derived``), with their meaning.
DERIVED_FIELDS: dict[str, dict[str, str]] = {
    "events": {
        "hosts": "The stakeholders that hosted it (ids; from their roles in stakeholders).",
        "funders": "The stakeholders that funded it (ids; from their roles in stakeholders).",
    }
}


def field_descriptions(collection: str) -> dict[str, str]:
    """Each field of a collection's records, in the records' order, with a one-line meaning
    taken from the models (and, for a controlled vocabulary, its values)."""
    from bali_corruption_cli.model import derived
    from bali_corruption_cli.model.models import MODELS

    out: dict[str, str] = {}
    for name, info in MODELS[collection].model_fields.items():
        text = info.description or ""
        values = _vocabulary(info.annotation)
        out[name] = f"{text} One of: {', '.join(values)}." if values else text
    extra = DERIVED_FIELDS.get(collection, {})
    order = derived.event_fields(list(out)) if collection == "events" else [*out, *extra]
    return {name: out.get(name) or extra[name] for name in order}


def _vocabulary(annotation: Any) -> list[str]:
    """The values of a Literal inside an optional or list annotation (not a mapping's keys)."""
    from typing import Literal, get_args, get_origin

    origin = get_origin(annotation)
    if origin is Literal:
        return [str(v) for v in get_args(annotation)]
    if origin is dict:
        return []
    found: list[str] = []
    for arg in get_args(annotation):
        found += [v for v in _vocabulary(arg) if v not in found]
    return found


# ---------------------------------------------------------------- JSON Schema


def schema_for(collection: str) -> dict[str, Any]:
    """The JSON Schema of one collection file: a JSON (or YAML) array of its records."""
    from pydantic import TypeAdapter

    from bali_corruption_cli.model.models import MODELS

    model = MODELS[collection]
    filename = layout.COLLECTIONS[collection][0]
    generated = TypeAdapter(list[model]).json_schema()  # type: ignore[valid-type]
    doc = (model.__doc__ or "").strip().splitlines()[0] if model.__doc__ else ""
    head: dict[str, Any] = {
        "$schema": JSON_SCHEMA_DIALECT,
        "title": f"bcc {collection} ({filename})",
        "description": (
            f"A list of {layout.SINGULAR[collection]} records. {doc} "
            f"Generated from bcc's models; regenerate with '{REGENERATE}'."
        ).replace("  ", " "),
    }
    first = {key: generated[key] for key in ("type", "items") if key in generated}
    return head | first | generated  # the array and its items before the definitions


def schema_text(collection: str) -> str:
    """The schema as it is committed under schema/: stable, indented JSON with a final newline."""
    return json.dumps(schema_for(collection), indent=2, ensure_ascii=False) + "\n"


def all_schemas(collections: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
    return {name: schema_for(name) for name in (collections or layout.COLLECTIONS)}


def _resolve(prop: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    """A property's schema without Optional's null branch and with $ref followed."""
    if "anyOf" in prop:
        branches = [b for b in prop["anyOf"] if b.get("type") != "null"]
        if len(branches) == 1:
            prop = branches[0]
    ref = prop.get("$ref")
    if isinstance(ref, str):
        resolved: dict[str, Any] = defs[ref.rsplit("/", 1)[-1]]
        return resolved
    return prop
