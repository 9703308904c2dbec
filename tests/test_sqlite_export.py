"""bcc export --format sqlite: every table's rows, cell by cell and type by type, against the catalogue.

The expectations are made here from `bcc <collection> --json`, the plain way (a loop per record and
item, json.dumps for list and mapping cells), so the export's faster row making must give the same
database.  The schema is pinned in tests/golden/sqlite-export-schema.sql: regenerate it with
``bcc export --format sqlite x.db && sqlite3 x.db "SELECT sql || ';' FROM sqlite_master WHERE sql
NOT NULL ORDER BY rowid"`` when a collection's fields change on purpose.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bali_corruption_cli.export import sqlite_export, sqlite_write
from bali_corruption_cli.model import layout
from conftest import Run

Bcc = Callable[..., Run]
GOLDEN = Path(__file__).parent / "golden" / "sqlite-export-schema.sql"


def typed(row: tuple[Any, ...]) -> list[tuple[str, Any]]:
    """Each cell with its Python type: 1 and "1" or 1.0 are not the same cell."""
    return [(type(cell).__name__, cell) for cell in row]


def cell(value: Any) -> Any:
    """What the export gives SQLite: lists and mappings as JSON text, as json.dumps writes it."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (list, dict)) else value


def stored(row: tuple[Any, ...], types: list[str]) -> list[tuple[str, Any]]:
    """The row as SQLite keeps it in columns of these declared types (its type affinity):
    a number in a TEXT column becomes text (False: '0'), an integer's text in an INTEGER one a number."""
    kept = []
    for value, kind in zip(row, types, strict=True):
        assert not isinstance(value, float)  # none in the catalogue: no REAL rendering to mimic
        if kind == "TEXT" and isinstance(value, int):
            value = str(int(value))
        elif kind == "INTEGER" and (
            isinstance(value, bool) or (isinstance(value, str) and value.lstrip("-").isdigit())
        ):
            value = int(value)
        kept.append(value)
    return typed(tuple(kept))


def table(con: sqlite3.Connection, name: str) -> tuple[list[str], list[str], list[list[tuple[str, Any]]]]:
    """A table's column names, their declared types and its rows in the order they were written."""
    info = con.execute(f'PRAGMA table_info("{name}")').fetchall()
    rows = [typed(row) for row in con.execute(f'SELECT * FROM "{name}" ORDER BY rowid')]
    return [r[1] for r in info], [r[2] for r in info], rows


def expected_links(
    records: list[dict[str, Any]], field: str, columns: list[str], types: list[str]
) -> list[list[tuple[str, Any]]]:
    """A link table's rows: (owner id, seq, the item or each of its keys[, the link's basis])."""
    rows = []
    for rec in records:
        for n, item in enumerate(rec.get(field) or []):
            if isinstance(item, dict):
                keys = [c.removesuffix("_id") if c.removesuffix("_id") in item else c for c in columns[2:]]
                values = [cell(item.get(k)) for k in keys]
            else:
                values = [cell(item)]
                if columns[-1] == "basis" and len(columns) == 4:
                    values.append(((rec.get("basis") or {}).get(field) or {}).get("basis"))
            rows.append(stored((rec["id"], n, *values), types))
    return rows


def check_export(db: Path, catalogue: dict[str, list[dict[str, Any]]]) -> None:
    con = sqlite3.connect(db)
    try:
        names = [
            r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid")
        ]
        seen = {"records", "citations", "basis"}
        _columns, _types, rows = table(con, "records")
        assert rows == [typed((r["id"], name)) for name, recs in catalogue.items() for r in recs]
        citations: list[list[tuple[str, Any]]] = []
        bases: list[list[tuple[str, Any]]] = []
        for name, records in catalogue.items():
            columns, types, rows = table(con, name)
            assert columns == list(records[0]), name  # the fields, in the catalogue's order
            assert rows == [stored(tuple(cell(r.get(c)) for c in columns), types) for r in records], name
            seen.add(name)
            for rec in records:
                if name != "sources":
                    citations += [
                        typed((rec["id"], name, n, c["source"], c["at"], c.get("excerpt")))
                        for n, c in enumerate(rec["sources"])
                    ]
                for key, b in (rec.get("basis") or {}).items():
                    details = [b.get(k) for k in ("source", "at", "excerpt", "reason")]
                    bases.append(typed((rec["id"], name, key, b["basis"], *details)))
            for field in columns:
                link = f"{layout.SINGULAR[name]}_{field}"
                if link in names:
                    link_columns, link_types, rows = table(con, link)
                    assert rows == expected_links(records, field, link_columns, link_types), link
                    seen.add(link)
        assert table(con, "citations")[2] == citations
        assert table(con, "basis")[2] == bases
        assert set(names) == seen  # no table left unchecked
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        schema = "".join(
            f"{sql};\n"
            for (sql,) in con.execute("SELECT sql FROM sqlite_master WHERE sql NOT NULL ORDER BY rowid")
        )
        assert schema == GOLDEN.read_text(encoding="utf-8")
    finally:
        con.close()


@pytest.mark.parametrize("workers", ["1", "2"])  # 2: a second process fills the link tables
@pytest.mark.parametrize("chunk", [None, 1, 7])
def test_sqlite_export_is_the_catalogue(
    bcc: Bcc, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int | None, workers: str
) -> None:
    """Every row of every table, whatever the number of records made into rows at a time,
    with or without a second process; nothing else is left in the folder."""
    if chunk is not None:
        monkeypatch.setattr(sqlite_export, "_CHUNK", chunk)
    catalogue = {name: bcc(name, "--json").json() for name in layout.COLLECTIONS}
    assert any(r.get("basis") for recs in catalogue.values() for r in recs)  # the basis paths are taken
    db = tmp_path / "bcc.db"
    run = bcc("export", "--format", "sqlite", str(db), env={"BCC_WORKERS": workers})
    assert run.exit_code == 0, run.stderr
    check_export(db, catalogue)
    assert list(tmp_path.iterdir()) == [db]


def _exits(code: int) -> Callable[[Path, Any], int | None]:
    """A `sqlite_write._fill_elsewhere` whose process leaves at once with ``code``."""

    def fork(_part: Path, _tables: Any) -> int | None:
        pid = os.fork()
        if pid == 0:
            os._exit(code)
        return pid

    return fork


@pytest.mark.parametrize(
    "helper",
    [_exits(1), _exits(0), lambda _part, _tables: None],
    ids=["it fails", "it leaves no file", "no process to spare"],
)
def test_when_the_second_process_fails_this_one_fills_its_tables(
    bcc: Bcc, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, helper: Any
) -> None:
    monkeypatch.setattr(sqlite_write, "_fill_elsewhere", helper)
    catalogue = {name: bcc(name, "--json").json() for name in layout.COLLECTIONS}
    db = tmp_path / "bcc.db"
    run = bcc("export", "--format", "sqlite", str(db), env={"BCC_WORKERS": "2"})
    assert run.exit_code == 0, run.stderr
    check_export(db, catalogue)
    assert list(tmp_path.iterdir()) == [db]


def test_sqlite_export_to_stdout_is_the_same_database(bcc: Bcc, tmp_path: Path) -> None:
    from conftest_hostile import run_process

    catalogue = {name: bcc(name, "--json").json() for name in layout.COLLECTIONS}

    proc = run_process("export", "--format", "sqlite", "-")
    assert proc.returncode == 0
    db = tmp_path / "out.db"
    db.write_bytes(proc.stdout)
    check_export(db, catalogue)


def test_a_dangling_reference_stops_the_export(tmp_path: Path) -> None:
    """The export's own check (a validated catalogue never has one): no file is left behind."""
    from bali_corruption_cli import catalog
    from bali_corruption_cli.export import maintain

    cat = catalog.load(None, ())
    cat.records("practices")[0]["stages"].append("no-such-stage")
    with pytest.raises(RuntimeError, match=r"practice_stages\.stage_id"):
        maintain.export(cat, "sqlite", tmp_path / "x.db")
    assert list(tmp_path.iterdir()) == []


def _export_under_way(data: Path, out: Path, env: dict[str, str]) -> Any:
    """``bcc export --format sqlite`` of ``data`` into ``out`` (its own process group), once
    its second process has started writing."""
    import subprocess
    import sys
    import time

    argv = [sys.executable, "-m", "bali_corruption_cli", "--data-dir", str(data)]
    assert subprocess.run([*argv, "stages"], env=env).returncode == 0  # the cache, warm
    proc = subprocess.Popen(
        [*argv, "export", "--format", "sqlite", str(out / "x.db")],
        env=env,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while not any(p.name.endswith("-part") for p in out.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert any(p.name.endswith("-part") for p in out.iterdir()), "the second process never started"
    return proc


def _group_gone(pid: int) -> bool:
    import time

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.killpg(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    from conftest_generated import generated_catalogue
    from conftest_hostile import subprocess_env

    data = generated_catalogue(tmp_path_factory, 20000)
    return data, subprocess_env(BCC_CACHE_DIR=str(tmp_path_factory.mktemp("cache")), BCC_WORKERS="2")


def test_an_interrupted_export_leaves_no_file_and_no_process(
    tmp_path: Path, large: tuple[Path, dict[str, str]]
) -> None:
    """Ctrl-C (SIGINT to the process group, as a terminal sends it) while both processes
    write: exit 130, the folder as it was, no process of the export left."""
    import signal

    proc = _export_under_way(*large[:1], tmp_path, large[1])
    os.killpg(proc.pid, signal.SIGINT)
    assert proc.wait(timeout=60) == 130
    assert _group_gone(proc.pid)
    assert list(tmp_path.iterdir()) == []


def test_a_second_process_left_alone_stops_and_removes_its_file(
    tmp_path: Path, large: tuple[Path, dict[str, str]]
) -> None:
    """The export's process killed outright (SIGKILL: nothing of it runs): the second process
    notices, removes its own file and leaves (the killed one's temporary file stays, as any
    program's would)."""
    proc = _export_under_way(*large[:1], tmp_path, large[1])
    proc.kill()
    proc.wait(timeout=60)
    assert _group_gone(proc.pid)
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith("-part")]
