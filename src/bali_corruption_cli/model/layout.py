"""The shape of a catalogue: its collections, their files and the links between them.

Plain data with no third-party imports, shared by the loader (integrity
checks), the queries (following links) and the renderer (default columns).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

# Collection name -> (YAML file name, the table's default columns: the few that
# answer the question, chosen for people; --wide and --fields show the rest).
# The order is the order of loading and of ``bcc export``: referenced collections first.
COLLECTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "sources": ("sources.yaml", ("id", "label", "title", "publisher", "date", "url")),
    "countries": ("countries.yaml", ("id", "name", "iso2", "iso3", "aliases")),
    "stakeholders": ("stakeholders.yaml", ("id", "name", "kind", "organisation", "position")),
    "events": ("events.yaml", ("id", "title", "country", "date")),
    "stages": ("stages.yaml", ("id", "order", "title")),
    "practices": ("practices.yaml", ("id", "title", "sectors")),
    "recommendations": ("recommendations.yaml", ("id", "kind", "title")),
    "quotes": ("quotes.yaml", ("id", "kind", "speaker", "event", "text")),
    "findings": ("findings.yaml", ("id", "title")),
}

# Columns of a table that are not fields of the records but drawn from them for
# people (the JSON keeps the fields themselves).  events.date: see query.event_date.
DERIVED: dict[str, frozenset[str]] = {"events": frozenset({"date"})}

# One record of each collection, for messages ("1 practice", "no practices match").
SINGULAR: dict[str, str] = {
    "sources": "source",
    "countries": "country",
    "stakeholders": "stakeholder",
    "events": "event",
    "stages": "stage",
    "practices": "practice",
    "recommendations": "recommendation",
    "quotes": "quote",
    "findings": "finding",
    "results": "result",
}

# The field that names a record in lists, search results and links.
TITLE_FIELD: dict[str, str] = {name: "title" for name in COLLECTIONS} | {
    "countries": "name",
    "stakeholders": "name",
    "quotes": "text",
}


@dataclass(frozen=True)
class Reference:
    """A field of ``collection`` whose values must be ids (or names) in ``target``.

    ``path`` is a dotted path; a ``[]`` suffix walks into each item of a list,
    and a ``*`` step into each value of a mapping (``basis.*.source``).
    ``by`` is the field of the target that the value matches ("id" or "name").
    """

    collection: str
    path: str
    target: str
    by: str = "id"


REFERENCES: tuple[Reference, ...] = (
    Reference("countries", "sources[].source", "sources"),
    Reference("stakeholders", "sources[].source", "sources"),
    Reference("stakeholders", "basis.*.source", "sources"),
    Reference("stakeholders", "organisation", "stakeholders"),
    Reference("stakeholders", "country", "countries", by="name"),
    Reference("stakeholders", "roles[].event", "events"),
    Reference("stakeholders", "roles[].source", "sources"),
    Reference("events", "sources[].source", "sources"),
    Reference("events", "country", "countries", by="name"),
    Reference("events", "hosts[]", "stakeholders"),
    Reference("events", "funders[]", "stakeholders"),
    Reference("events", "participants[].source", "sources"),
    Reference("events", "series_position[].source", "sources"),
    Reference("events", "builds_on[]", "events"),
    Reference("events", "basis.*.source", "sources"),
    Reference("stages", "sources[].source", "sources"),
    Reference("stages", "basis.*.source", "sources"),
    Reference("practices", "sources[].source", "sources"),
    Reference("practices", "basis.*.source", "sources"),
    Reference("practices", "stages[]", "stages"),
    Reference("practices", "origin_event", "events"),
    Reference("recommendations", "sources[].source", "sources"),
    Reference("recommendations", "basis.*.source", "sources"),
    Reference("recommendations", "made_by", "stakeholders"),
    Reference("recommendations", "event", "events"),
    Reference("quotes", "sources[].source", "sources"),
    Reference("quotes", "speaker", "stakeholders"),
    Reference("quotes", "event", "events"),
    Reference("findings", "sources[].source", "sources"),
    Reference("findings", "basis.*.source", "sources"),
    Reference("findings", "stages[]", "stages"),
    Reference("findings", "about", "events"),
)


def _steps(path: str) -> list[tuple[str, bool]]:
    """ "sources[].source" -> [("sources", True), ("source", False)]: (key, a list of them)."""
    return [(part[:-2], True) if part.endswith("[]") else (part, False) for part in path.split(".")]


def locate(record: dict[str, Any], path: str) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Yield (location, value) for every non-null value at ``path`` in ``record``."""
    current: list[tuple[tuple[Any, ...], Any]] = [((), record)]
    for key, many in _steps(path):
        found: list[tuple[tuple[Any, ...], Any]] = []
        for loc, item in current:
            if key == "*":
                if isinstance(item, dict):
                    found.extend(((*loc, k), v) for k, v in item.items() if v is not None)
                continue
            value = item.get(key) if isinstance(item, dict) else None
            if value is None:
                continue
            if many and isinstance(value, list):
                found.extend(((*loc, key, n), v) for n, v in enumerate(value) if v is not None)
            else:
                found.append(((*loc, key), value))
        current = found
    yield from current


def strings_at(records: Iterable[Any], path: str) -> set[str]:
    """Every string `locate` finds at ``path`` in any of ``records``, without locations:
    checking a whole collection's references at once (100k records: ~0.05 s a path)."""
    current: list[Any] = list(records)
    for key, many in _steps(path):
        found: list[Any] = []
        for item in current:
            if key == "*":
                if type(item) is dict:
                    found.extend(v for v in item.values() if v is not None)
                continue
            value = item.get(key) if type(item) is dict else None
            if value is None:
                continue
            if many and type(value) is list:
                found.extend(value)
            else:
                found.append(value)
        current = found
    return {value for value in current if type(value) is str}
