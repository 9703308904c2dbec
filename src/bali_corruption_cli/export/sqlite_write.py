"""Writing the SQLite export's file: each table created, filled, then indexed; the link
tables filled by a second process meanwhile when there is a CPU for it; the references
checked.  The tables and their rows come from `sqlite_export`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from bali_corruption_cli.export.sqlite_export import _Table, sqlite_tables

if TYPE_CHECKING:
    import sqlite3

    from bali_corruption_cli.catalog import Catalog


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
    """Write the export to ``path`` (a new file).  With a second CPU, a forked process fills
    the link tables (nearly half the rows) in a file of its own meanwhile (``<path>-part``),
    copied in whole at the end (SQLite copies a table's pages as they are into an empty
    table of the same shape); if that process fails, this one fills them."""
    import sqlite3

    from bali_corruption_cli.core import processes

    tables = sqlite_tables(catalog)
    # the link tables (a record's list field, a row an item): made and filled elsewhere
    given = [t for t in tables if t.primary_key[1:] == ["seq"] and t.name != "citations"] if _helper() else []
    part = Path(f"{path}-part")
    child = _fill_elsewhere(part, given) if given else None
    con: sqlite3.Connection = sqlite3.connect(path)
    try:
        _prepare(con)
        with con:
            for table in tables:
                _fill(con, table, rows=child is None or table not in given)
        if child is not None:
            whole, child = processes.succeeded(child), None
            if whole:
                try:
                    _adopt(con, part, given)
                except sqlite3.Error:  # its file is not what it should be: rolled back
                    whole = False
            if not whole:  # the other process failed (a full disk, a kill): its tables here
                with con:
                    for table in given:
                        _fill_rows(con, table)
        _check_references(con, tables)
    finally:
        con.close()
        if child is not None:  # this process failed or was interrupted first
            processes.stop(child)
        for leftover in (part, Path(f"{part}-journal")):
            leftover.unlink(missing_ok=True)
    return [t.name for t in tables]


def _prepare(con: sqlite3.Connection) -> None:
    # A temporary file renamed into place when whole: no journal is needed while it is built.
    con.execute("PRAGMA journal_mode = OFF")
    con.execute("PRAGMA synchronous = OFF")
    # Up to 64 MiB of pages held (the default is 2 MiB): the primary keys' indexes, filled
    # in catalogue order rather than key order, are not written and read back as they grow.
    con.execute("PRAGMA cache_size = -65536")


def _fill(con: sqlite3.Connection, table: _Table, rows: bool = True) -> None:
    """Create ``table`` and its indexes, with its rows (indexes built once they are in:
    faster), or empty."""
    statements = _create(table)
    indexes = [s for s in statements if s.startswith("CREATE INDEX")]
    for statement in statements:
        if statement not in indexes:
            con.execute(statement)
    if rows:
        _fill_rows(con, table)
    for statement in indexes:
        con.execute(statement)


def _fill_rows(con: sqlite3.Connection, table: _Table) -> None:
    marks = ", ".join("?" for _ in table.columns)
    con.executemany(f"INSERT INTO {_q(table.name)} VALUES ({marks})", table.rows)


def _helper() -> bool:
    """Whether a second process may fill some tables: fork, and more than one CPU."""
    from bali_corruption_cli.core.processes import workers

    return workers() > 1


def _fill_elsewhere(part: Path, tables: list[_Table]) -> int | None:
    """Fork a process that writes ``tables`` (rows and indexes) to the new file ``part`` (exit 0
    when whole; on any failure, or when this process is gone, it removes the file and exits
    1); its pid, or None when no process could be made."""
    import os

    from bali_corruption_cli.core import processes

    parent = os.getpid()

    def work() -> None:
        import sqlite3

        os.close(os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # a file of its own
        try:
            con = sqlite3.connect(part)
            con.set_progress_handler(lambda: os.getppid() != parent, 100_000)  # orphaned: stop
            _prepare(con)
            with con:
                for table in tables:
                    _fill(con, table)
            con.close()
        except BaseException:
            part.unlink(missing_ok=True)
            raise

    return processes.fork(work)


def _adopt(con: sqlite3.Connection, part: Path, tables: list[_Table]) -> None:
    """Copy ``tables`` from the file ``part`` into their empty namesakes."""
    import sqlite3
    from contextlib import suppress

    con.execute("ATTACH DATABASE ? AS part", (str(part),))
    try:
        with con:
            for table in tables:
                con.execute(f"INSERT INTO main.{_q(table.name)} SELECT * FROM part.{_q(table.name)}")
    finally:
        with suppress(sqlite3.Error):
            con.execute("DETACH DATABASE part")


def _check_references(con: sqlite3.Connection, tables: list[_Table]) -> None:
    """What ``PRAGMA foreign_key_check`` checks, less the columns holding the id of the record
    each row was made from (``_Column.own``): at 100,000 records those were ~0.4 s of ~0.45 s."""
    for table in tables:
        for col in table.columns:
            if col.references is None or col.own:
                continue
            name = _q(col.name)
            broken = con.execute(
                f"SELECT {name} FROM {_q(table.name)} "
                f"WHERE {name} NOT IN (SELECT id FROM {_q(col.references)}) LIMIT 3"
            ).fetchall()
            if broken:  # pragma: no cover - a validated catalogue has no dangling references
                raise RuntimeError(f"export has dangling references: {table.name}.{col.name} {broken}")
