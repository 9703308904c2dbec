"""Values as written: those YAML refuses one by one (a bad date, a YAML 1.1 word), placed in
their records and worded for the field they are in, so the rest of the file is still checked
in the same run; and a country written as any name or code a filter accepts, stored as the
name records use."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from bali_corruption_cli.catalog.problems import Problem, _field_name, _pydantic_message
from bali_corruption_cli.catalog.reader import ValueProblem
from bali_corruption_cli.model import layout, vocab


def by_record(node: Any, refused: Sequence[ValueProblem]) -> dict[int | None, list[ValueProblem]]:
    """The refused values by the index of the record they are in (None: in no record), each
    with its place in the record (``loc``, as validation names it) and its field."""
    import yaml

    items = node.value if isinstance(node, yaml.SequenceNode) else []
    starts = [(item.start_mark.line + 1, item.start_mark.column + 1) for item in items]
    out: dict[int | None, list[ValueProblem]] = {}
    for problem in refused:
        at = bisect_right(starts, (problem.line or 0, problem.column or 0)) - 1
        loc = _path_to(items[at], problem.line, problem.column) if at >= 0 else None
        if loc is None:
            out.setdefault(None, []).append(problem)
            continue
        out.setdefault(at, []).append(replace(problem, loc=loc, field=_field_name(loc) or None))
    return out


def _path_to(node: Any, line: int | None, column: int | None) -> tuple[Any, ...] | None:
    """The keys and indexes from ``node`` to the scalar that starts at ``line``:``column``."""
    import yaml

    stack: list[tuple[Any, tuple[Any, ...]]] = [(node, ())]
    while stack:
        current, path = stack.pop()
        mark = current.start_mark
        if isinstance(current, yaml.ScalarNode):
            if (mark.line + 1, mark.column + 1) == (line, column):
                return path
        elif isinstance(current, yaml.MappingNode):
            for key_node, value_node in current.value:
                key = getattr(key_node, "value", None)
                stack.append((key_node, path))  # a refused key: the mapping's place
                stack.append((value_node, (*path, key)))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend((child, (*path, n)) for n, child in enumerate(current.value))
    return None


def worded(
    refused: Sequence[ValueProblem], errors: list[dict[str, Any]], path: str, rid: str | None
) -> tuple[list[Problem], list[dict[str, Any]]]:
    """A problem for each refused value of one record, worded for its field (the validation
    error at the same place, if any, says what the field takes); and the validation errors
    left to report as they are."""
    out: list[Problem] = []
    left = list(errors)
    for value in refused:
        here = [e for e in left if tuple(e["loc"][: len(value.loc)]) == value.loc]
        left = [e for e in left if e not in here]
        out.append(
            Problem(
                path, value.line, value.column, rid, value.field, _message(value, here[0] if here else None)
            )
        )
    return out, left


def _message(value: ValueProblem, err: dict[str, Any] | None) -> str:
    quoted = "'" + value.text.replace("'", "''") + "'"
    if value.kind != "yaml11":  # YAML cannot build it: a bad date, a number too large
        return value.message if err is not None else f"{value.message}; quote it if it is text: {quoted}"
    # yaml12's words: "<what it is in YAML 1.1 and 1.2>; write <the form both read alike>, or
    # <quoted> for text": keep the part that fits the field.
    what, _, write = value.message.partition("; ")
    if err is None:  # the field takes text: only the quotes are missing
        return f"{what}; quote it: {quoted}"
    kind = str(err.get("type", ""))
    if kind == "literal_error":  # a vocabulary: its values, not "write true"
        return _pydantic_message(err, "")
    meant = value.value
    fits = (
        kind.startswith("bool")
        if isinstance(meant, bool)
        else kind.startswith(("int", "float"))
        if isinstance(meant, (int, float))
        else False
    )
    if fits:  # what YAML 1.1 meant is what the field takes: write it so
        return f"{what}; {write.removesuffix(f', or {quoted} for text')}"
    return f"{_pydantic_message(err, '')}; YAML 1.1 reads {value.text!r} as {_as_read(meant)}"


def _as_read(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    return f"the number {value!r}"


# The fields that name a country (by its name in countries.yaml): (collection, field).
_COUNTRY_FIELDS = tuple(
    (ref.collection, ref.path) for ref in layout.REFERENCES if ref.target == "countries" and ref.by == "name"
)


def canonical_countries(collections: dict[str, list[dict[str, Any]]]) -> None:
    """Write each country reference as the name records use, in place, when it is another
    spelling a filter accepts: the id, an alias, an ISO code of a catalogue country, or
    any ISO 3166-1 name or code of a country the catalogue has (``Vietnam``, ``VN``,
    ``Socialist Republic of Viet Nam`` -> ``Viet Nam``).  Anything else is left for the
    reference check to report."""
    countries = collections.get("countries", [])
    names = {c["name"] for c in countries}
    written = [
        (record, field)
        for collection, field in _COUNTRY_FIELDS
        for record in collections.get(collection, ())
        if isinstance(record.get(field), str) and record[field] not in names
    ]
    if not written:  # the usual case: every reference is a name already
        return
    spellings: dict[str, str] = {}
    for c in countries:
        for spelling in (c["name"], c["id"], c.get("iso2"), c.get("iso3"), *(c.get("aliases") or ())):
            if isinstance(spelling, str) and spelling:
                spellings.setdefault(vocab.fold(spelling), c["name"])
    by_code = {c["iso2"]: c["name"] for c in countries if c.get("iso2")}
    iso: dict[str, str] | None = None
    for record, field in written:
        folded = vocab.fold(record[field])
        name = spellings.get(folded)
        if name is None:
            iso = _iso_codes() if iso is None else iso
            name = by_code.get(iso.get(folded, ""))
        if name is not None:
            record[field] = name


def _iso_codes() -> dict[str, str]:
    """Folded ISO 3166-1 name or code -> alpha-2 code (pycountry, imported only when a
    country is written neither as a catalogue name nor as one of its spellings)."""
    try:
        import pycountry
    except ImportError:
        return {}
    out: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("alpha_2", "alpha_3", "name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                out.setdefault(vocab.fold(value), country.alpha_2)
    return out
