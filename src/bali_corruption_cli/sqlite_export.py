"""The SQLite export: one table per collection, ``records``, ``citations`` and link tables.

Lists are stored as JSON text; foreign keys and indexes let Datasette or
sqlite-utils browse it.  sqlite3 is imported inside the function that writes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bali_corruption_cli import layout
from bali_corruption_cli.schemas import _resolve, schema_for

if TYPE_CHECKING:
    import sqlite3

    from bali_corruption_cli.catalog import Catalog


# One encoder for every cell: json.dumps(..., ensure_ascii=False) builds a new one each call
# (100,000 records: ~1.7 million cells). Same text as json.dumps.
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode


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


@dataclass
class _Table:
    name: str
    columns: list[_Column]
    primary_key: list[str]
    rows: list[tuple[Any, ...]]


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
    """The tables of a SQLite export: one per collection, ``records``, ``citations`` and link tables."""
    refs = _id_refs()
    tables: list[_Table] = [
        _Table(
            "records",
            [_Column("id", "TEXT"), _Column("collection", "TEXT")],
            ["id"],
            [(rec["id"], name) for name, rec in catalog.all_records()],
        )
    ]
    citations = _Table(
        "citations",
        [
            _Column("record_id", "TEXT", "records"),
            _Column("collection", "TEXT"),
            _Column("seq", "INTEGER"),
            _Column("source_id", "TEXT", "sources"),
            _Column("at", "TEXT"),
            _Column("excerpt", "TEXT"),
        ],
        ["record_id", "seq"],
        [],
    )
    bases = _Table(
        "basis",
        [
            _Column("record_id", "TEXT", "records"),
            _Column("collection", "TEXT"),
            _Column("field", "TEXT"),
            _Column("basis", "TEXT"),
            _Column("source_id", "TEXT", "sources"),
            _Column("at", "TEXT"),
            _Column("excerpt", "TEXT"),
            _Column("reason", "TEXT"),
        ],
        ["record_id", "field"],
        [],
    )
    links: list[_Table] = []
    for name in layout.COLLECTIONS:
        schema = schema_for(name)
        defs = schema["$defs"]
        model_schema = _resolve(schema["items"], defs)
        props: dict[str, Any] = model_schema["properties"]
        singular = layout.SINGULAR[name]
        owner = f"{singular}_id"
        records = catalog.records(name)
        columns: list[_Column] = []
        based = set(props.get("basis", {}).get("propertyNames", {}).get("enum", []))
        for field in catalog.fields[name]:
            # A field the loader computes (an event's hosts and funders) is not in the input schema.
            prop = _resolve(props.get(field, _COMPUTED_ID_LIST), defs)
            target = refs.get((name, field))
            columns.append(_Column(field, _sql_type(prop), target, field))
            if field == "basis":
                bases.rows.extend(
                    (
                        rec["id"],
                        name,
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
                continue
            if prop.get("type") != "array":
                continue
            items = _resolve(prop.get("items", {}), defs)
            if field == "sources":
                citations.rows.extend(
                    (rec["id"], name, n, c["source"], c["at"], c.get("excerpt"))
                    for rec in records
                    for n, c in enumerate(rec["sources"])
                )
                continue
            link_cols = [_Column(owner, "TEXT", name), _Column("seq", "INTEGER")]
            if items.get("type") == "object":
                for sub, sub_prop in items["properties"].items():
                    sub_target = refs.get((name, f"{field}[].{sub}"))
                    col = f"{sub}_id" if sub_target else sub
                    link_cols.append(_Column(col, _sql_type(_resolve(sub_prop, defs)), sub_target, sub))
                rows = [
                    (rec["id"], n, *(_text(item.get(c.key or "")) for c in link_cols[2:]))
                    for rec in records
                    for n, item in enumerate(rec.get(field) or [])
                ]
            else:
                item_target = refs.get((name, f"{field}[]"))
                col = f"{layout.SINGULAR[item_target]}_id" if item_target else _singular(field)
                if col == owner:  # a link within one collection, e.g. event_builds_on
                    col = f"{field}_{col}"
                link_cols.append(_Column(col, _sql_type(items), item_target))
                rows = [
                    (rec["id"], n, _text(v)) for rec in records for n, v in enumerate(rec.get(field) or [])
                ]
                if field in based:  # the link's basis, 'source' or 'editorial' (details in table basis)
                    link_cols.append(_Column("basis", "TEXT"))
                    rows = [
                        (*row, ((rec.get("basis") or {}).get(field) or {}).get("basis"))
                        for rec in records
                        for row in [(rec["id"], n, _text(v)) for n, v in enumerate(rec.get(field) or [])]
                    ]
            links.append(_Table(f"{singular}_{field}", link_cols, [owner, "seq"], rows))
        rows = [tuple(_text(rec.get(c.name)) for c in columns) for rec in records]
        tables.append(_Table(name, columns, ["id"], rows))
    return [*tables, citations, bases, *links]


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _create(table: _Table) -> list[str]:
    lines = []
    for col in table.columns:
        line = f"{_q(col.name)} {col.type}"
        if col.name in table.primary_key or col.name == "seq":
            line += " NOT NULL"
        if col.references:
            line += f" REFERENCES {_q(col.references)}(id)"
        lines.append(line)
    lines.append(f"PRIMARY KEY ({', '.join(_q(k) for k in table.primary_key)})")
    statements = [f"CREATE TABLE {_q(table.name)} (\n  " + ",\n  ".join(lines) + "\n)"]
    for col in table.columns:
        indexed = col.references or (col.name == "collection" and table.name != "records")
        if indexed and col.name not in table.primary_key[:1]:
            statements.append(
                f"CREATE INDEX {_q(f'idx_{table.name}_{col.name}')} ON {_q(table.name)}({_q(col.name)})"
            )
    return statements


def _write_sqlite(catalog: Catalog, path: Path) -> list[str]:
    import sqlite3

    tables = sqlite_tables(catalog)
    con: sqlite3.Connection = sqlite3.connect(path)
    try:
        # A temporary file renamed into place when whole: no journal is needed while it is built.
        con.execute("PRAGMA journal_mode = OFF")
        con.execute("PRAGMA synchronous = OFF")
        with con:
            for table in tables:
                statements = _create(table)
                indexes = [s for s in statements if s.startswith("CREATE INDEX")]
                for statement in statements:
                    if statement not in indexes:
                        con.execute(statement)
                if table.rows:
                    marks = ", ".join("?" for _ in table.columns)
                    con.executemany(f"INSERT INTO {_q(table.name)} VALUES ({marks})", table.rows)
                for statement in indexes:  # indexes built once the rows are in: faster
                    con.execute(statement)
        _check_foreign_keys(con)
    finally:
        con.close()
    return [t.name for t in tables]


def _check_foreign_keys(con: sqlite3.Connection) -> None:
    broken = con.execute("PRAGMA foreign_key_check").fetchall()
    if broken:  # pragma: no cover - a validated catalogue has no dangling references
        raise RuntimeError(f"export has dangling references: {broken[:3]}")
