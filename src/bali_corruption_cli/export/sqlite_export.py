"""The SQLite export: one table per collection, ``records``, ``citations`` and link tables.

Lists are stored as JSON text; foreign keys and indexes let Datasette or
sqlite-utils browse it.  Rows are made while each table is written, a chunk of
records at a time, never all at once; `sqlite_write` writes the file (and imports
sqlite3).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from itertools import chain, repeat
from operator import itemgetter, methodcaller
from typing import TYPE_CHECKING, Any

from bali_corruption_cli.core.values import Record
from bali_corruption_cli.model import layout
from bali_corruption_cli.model.schemas import _resolve, schema_for

if TYPE_CHECKING:
    from bali_corruption_cli.catalog import Catalog


# One encoder for every cell: json.dumps(..., ensure_ascii=False) builds a new one each call
# (100,000 records: ~1.7 million cells). Same text as json.dumps.
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode


def _make_encoder() -> Callable[[Any, int], Iterable[str]]:
    """The C encoder ``_ENCODE`` makes at each call, made once: (value, 0) -> its JSON text in chunks.

    Same arguments as ``json.JSONEncoder.iterencode`` gives it, so the same text, but for the
    markers of circular references: none (records are trees, `cache.check_records`), so no state
    is kept from one call to the next.
    """
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover - CPython has the C accelerator
        return lambda value, _level: (_ENCODE(value),)
    encoder = json.JSONEncoder(ensure_ascii=False)
    encode: Callable[[Any, int], Iterable[str]] = make(
        None,
        encoder.default,
        json.encoder.encode_basestring,
        encoder.indent,
        encoder.key_separator,
        encoder.item_separator,
        encoder.sort_keys,
        encoder.skipkeys,
        encoder.allow_nan,
    )
    return encode


_ENCODE_CHUNKS = _make_encoder()


def _text(value: Any) -> Any:
    """A cell: scalars as they are, lists and mappings as JSON text."""
    if type(value) in (list, dict):
        return _ENCODE(value)
    return value


# ---------------------------------------------------------------- SQLite


@dataclass
class _Column:
    name: str
    type: str  # TEXT or INTEGER
    references: str | None = None  # target table (by id)
    key: str | None = None  # the record's key it comes from
    own: bool = False  # the id of the record the row was made from: in its target by construction


@dataclass
class _Table:
    name: str
    columns: list[_Column]
    primary_key: list[str]
    rows: Iterable[tuple[Any, ...]]


def _singular(word: str) -> str:
    if word.endswith("ses"):
        return word[:-2]
    return word[:-1] if word.endswith("s") else word


def _sql_type(prop: dict[str, Any]) -> str:
    return "INTEGER" if prop.get("type") == "integer" else "TEXT"


def _id_refs() -> dict[tuple[str, str], str]:
    """(collection, path) -> target collection, for references by id."""
    return {(r.collection, r.path): r.target for r in layout.REFERENCES if r.by == "id"}


_COMPUTED_ID_LIST: dict[str, Any] = {"type": "array", "items": {"type": "string"}}


def sqlite_tables(catalog: Catalog) -> list[_Table]:
    """The tables of a SQLite export: one per collection, ``records``, ``citations`` and link tables.

    Their rows are iterators, made while the table is written, a chunk of records at a time.
    """
    refs = _id_refs()
    collections = [(name, catalog.records(name)) for name in layout.COLLECTIONS]
    tables: list[_Table] = [
        _Table(
            "records",
            [_Column("id", "TEXT"), _Column("collection", "TEXT")],
            ["id"],
            chain.from_iterable(
                zip(map(_ID, records), repeat(name)) for name, records in catalog.collections.items()
            ),
        )
    ]
    citation_rows: list[Iterable[tuple[Any, ...]]] = []
    basis_rows: list[Iterable[tuple[Any, ...]]] = []
    links: list[_Table] = []
    for name, records in collections:
        schema = schema_for(name)
        defs = schema["$defs"]
        model_schema = _resolve(schema["items"], defs)
        props: dict[str, Any] = model_schema["properties"]
        singular = layout.SINGULAR[name]
        owner = f"{singular}_id"
        columns: list[_Column] = []
        based = set(props.get("basis", {}).get("propertyNames", {}).get("enum", []))
        for field in catalog.fields[name]:
            # A field the loader computes (an event's hosts and funders) is not in the input schema.
            prop = _resolve(props.get(field, _COMPUTED_ID_LIST), defs)
            target = refs.get((name, field))
            columns.append(_Column(field, _sql_type(prop), target, field))
            if field == "basis":
                basis_rows.append(_basis_rows(name, records))
                continue
            if prop.get("type") != "array":
                continue
            items = _resolve(prop.get("items", {}), defs)
            if field == "sources":
                citation_rows.append(_by_chunk(records, partial(_citation_rows, name)))
                continue
            link_cols = [_Column(owner, "TEXT", name, own=True), _Column("seq", "INTEGER")]
            if items.get("type") == "object":
                for sub, sub_prop in items["properties"].items():
                    sub_target = refs.get((name, f"{field}[].{sub}"))
                    col = f"{sub}_id" if sub_target else sub
                    link_cols.append(_Column(col, _sql_type(_resolve(sub_prop, defs)), sub_target, sub))
                keys = [c.key or "" for c in link_cols[2:]]
                rows = _by_chunk(records, partial(_object_link_rows, field, keys))
            else:
                item_target = refs.get((name, f"{field}[]"))
                col = f"{layout.SINGULAR[item_target]}_id" if item_target else _singular(field)
                if col == owner:  # a link within one collection, e.g. event_builds_on
                    col = f"{field}_{col}"
                link_cols.append(_Column(col, _sql_type(items), item_target))
                if field in based:  # the link's basis, 'source' or 'editorial' (details in table basis)
                    link_cols.append(_Column("basis", "TEXT"))
                rows = _by_chunk(records, partial(_link_rows, field, field in based))
            links.append(_Table(f"{singular}_{field}", link_cols, [owner, "seq"], rows))
        fields = [c.name for c in columns]
        tables.append(_Table(name, columns, ["id"], _by_chunk(records, partial(_record_rows, fields))))
    citations = _Table(
        "citations",
        [
            _Column("record_id", "TEXT", "records", own=True),
            _Column("collection", "TEXT"),
            _Column("seq", "INTEGER"),
            _Column("source_id", "TEXT", "sources"),
            _Column("at", "TEXT"),
            _Column("excerpt", "TEXT"),
        ],
        ["record_id", "seq"],
        chain.from_iterable(citation_rows),
    )
    bases = _Table(
        "basis",
        [
            _Column("record_id", "TEXT", "records", own=True),
            _Column("collection", "TEXT"),
            _Column("field", "TEXT"),
            _Column("basis", "TEXT"),
            _Column("source_id", "TEXT", "sources"),
            _Column("at", "TEXT"),
            _Column("excerpt", "TEXT"),
            _Column("reason", "TEXT"),
        ],
        ["record_id", "field"],
        chain.from_iterable(basis_rows),
    )
    return [*tables, citations, bases, *links]


# ---------------------------------------------------------------- rows
#
# Rows are made a column at a time for a chunk of records, with map, zip and chain doing
# the per-row work in C: at 100,000 records a Python expression per row and cell was
# about half of an export's time (cProfile).  Each cell is what ``_text`` makes of it.

_CHUNK = 5000  # records at a time: their rows are never all in memory at once
_ID = itemgetter("id")


def _by_chunk(
    records: list[Record], rows: Callable[[list[Record]], Iterable[tuple[Any, ...]]]
) -> Iterator[tuple[Any, ...]]:
    chunks = (records[start : start + _CHUNK] for start in range(0, len(records), _CHUNK))
    return chain.from_iterable(map(rows, chunks))


def _cells(values: list[Any]) -> list[Any]:
    """``_text`` of each value: lists and mappings as JSON text (the same text), the rest as they are."""
    kinds = set(map(type, values))
    if not (list in kinds or dict in kinds):
        return values
    if kinds <= {list, dict}:
        return list(map("".join, map(_ENCODE_CHUNKS, values, repeat(0))))
    return ["".join(_ENCODE_CHUNKS(v, 0)) if type(v) in (list, dict) else v for v in values]


def _column(records: list[Record], key: str) -> list[Any]:
    return _cells(list(map(methodcaller("get", key), records)))


def _record_rows(fields: list[str], records: list[Record]) -> Iterator[tuple[Any, ...]]:
    """A collection's own table: each field's value, lists and mappings as JSON text."""
    return zip(*(_column(records, field) for field in fields), strict=True)


def _owned(records: list[Record], lists: list[list[Any]]) -> tuple[Iterator[str], Iterator[int]]:
    """The owner's id and the position (seq) of each item of each record's list."""
    lengths = list(map(len, lists))
    ids = chain.from_iterable(map(repeat, map(_ID, records), lengths))
    return ids, chain.from_iterable(map(range, lengths))


def _link_rows(field: str, based: bool, records: list[Record]) -> Iterator[tuple[Any, ...]]:
    """(owner id, seq, item[, the link's basis]) for each item of a list of values."""
    lists = [rec.get(field) or [] for rec in records]
    ids, seqs = _owned(records, lists)
    values = _cells(list(chain.from_iterable(lists)))
    if not based:
        return zip(ids, seqs, values, strict=True)
    bases = list(map(methodcaller("get", "basis"), records))
    kinds: list[Any] = [None] * len(bases)
    if any(bases):  # else no record of the chunk has a basis: ~0.3 s less at 100,000 records
        kinds = [((b or {}).get(field) or {}).get("basis") for b in bases]
    return zip(ids, seqs, values, chain.from_iterable(map(repeat, kinds, map(len, lists))), strict=True)


def _object_link_rows(field: str, keys: list[str], records: list[Record]) -> Iterator[tuple[Any, ...]]:
    """(owner id, seq, each of the item's keys) for each item of a list of mappings."""
    lists = [rec.get(field) or [] for rec in records]
    ids, seqs = _owned(records, lists)
    items = list(chain.from_iterable(lists))
    return zip(ids, seqs, *(_column(items, key) for key in keys), strict=True)


def _citation_rows(collection: str, records: list[Record]) -> Iterator[tuple[Any, ...]]:
    """(record id, collection, seq, source, at, excerpt) for each of a record's sources."""
    lists = list(map(itemgetter("sources"), records))
    ids, seqs = _owned(records, lists)
    items = list(chain.from_iterable(lists))
    return zip(
        ids,
        repeat(collection, len(items)),
        seqs,
        map(itemgetter("source"), items),
        map(itemgetter("at"), items),
        map(methodcaller("get", "excerpt"), items),
        strict=True,
    )


def _basis_rows(collection: str, records: list[Record]) -> Iterator[tuple[Any, ...]]:
    """(record id, collection, field, basis, source, at, excerpt, reason) for each field's basis."""
    return (
        (
            rec["id"],
            collection,
            key,
            b["basis"],
            b.get("source"),
            b.get("at"),
            b.get("excerpt"),
            b.get("reason"),
        )
        for rec in records
        for key, b in (rec.get("basis") or {}).items()
    )
