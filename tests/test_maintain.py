"""Keeping a catalogue: bcc validate, bcc schema, bcc export, bcc data init/path."""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bali_corruption_cli.export import maintain
from bali_corruption_cli.model import layout
from conftest import DATA, ROOT, Run

Bcc = Callable[..., Run]


# A valid source that no record cites: a warning, never an error.
UNCITED_SOURCE = """
- id: nobody-cites-me
  label: S99
  title: An uncited source
  publisher: Nobody
  date: null
  url: https://example.org/
  kind: report
"""


def copy_data(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for filename, _columns in layout.COLLECTIONS.values():
        shutil.copyfile(DATA / filename, dest / filename)
    return dest


def append(path: Path, text: str) -> int:
    """Append YAML to a file; return the line number the text starts on."""
    old = path.read_text(encoding="utf-8")
    if not old.endswith("\n"):
        old += "\n"
    path.write_text(old + text, encoding="utf-8")
    return old.count("\n") + 1


def snapshot(directory: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(directory)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def problems_of(run: Run) -> list[dict[str, Any]]:
    problems = run.json()
    assert isinstance(problems, list)
    for p in problems:
        assert set(p) == {"file", "line", "column", "id", "field", "message", "severity"}
    return problems


def find(problems: list[dict[str, Any]], file: str, line: int, text: str) -> dict[str, Any]:
    hits = [
        p for p in problems if Path(p["file"]).name == file and p["line"] == line and text in p["message"]
    ]
    assert hits, f"no problem at {file}:{line} mentioning {text!r}; got:\n" + "\n".join(
        f"{p['file']}:{p['line']}: {p['message']}" for p in problems
    )
    return hits[0]


# ---------------------------------------------------------------- validate


def test_validate_shipped_catalogue(bcc: Bcc) -> None:
    run = bcc("validate")
    assert run.exit_code == 0, run.stderr
    assert run.stdout == ""
    assert "no problems" in run.stderr
    run = bcc("validate", "--json")
    assert run.exit_code == 0
    assert run.json() == []


def test_validate_reports_every_problem_with_its_line(bcc: Bcc, tmp_path: Path) -> None:
    data = copy_data(tmp_path / "data")
    p = (
        append(
            data / "practices.yaml",
            """
- id: bad-practice-one
  title: Bad one
  summary: x
  sectors: [privat]
  stages: [recruitmant]
  origin_event: regional-conference-2023
  sources: []
- id: bad-practice-two
  title: Bad two
  summary: y
  sectors: [government]
  colour: blue
  origin_event: regional-conference-2032
  sources:
    - {source: rso-conference-article-2023, at: "para 1"}
""",
        )
        + 1
    )
    e = (
        append(
            data / "events.yaml",
            """
- id: backwards-event
  title: Ends before it starts
  kind: meeting
  country: Thailand
  city: Bangkok
  start_date: 2023-11-22
  end_date: 2023-11-21
  sources:
    - {source: rso-conference-article-2023, at: "para 1"}
- id: unsourced-event
  title: Cites nothing
  kind: meting
  country: Thailand
  city: null
  start_date: null
  end_date: null
""",
        )
        + 1
    )
    s = (
        append(
            data / "stages.yaml",
            """
- id: recruitment
  title: Recruitment again
  order: 9
  description: A second record with an id that is taken.
  sources:
    - {source: rso-conference-article-2023, at: "para 1"}
""",
        )
        + 1
    )
    u = (
        append(
            data / "sources.yaml",
            UNCITED_SOURCE,
        )
        + 1
    )
    quotes = data / "quotes.yaml"
    q = append(quotes, "- id: [unclosed\n")

    run = bcc("validate", str(data), "--json")
    assert run.exit_code == 3
    problems = problems_of(run)

    sector = find(problems, "practices.yaml", p + 3, "did you mean 'private'")
    assert (sector["id"], sector["field"], sector["column"]) == ("bad-practice-one", "sectors[0]", 13)
    assert find(problems, "practices.yaml", p + 4, "did you mean 'recruitment'")["field"] == "stages[0]"
    assert find(problems, "practices.yaml", p + 6, "no source")["field"] == "sources"
    assert find(problems, "practices.yaml", p + 11, "unknown key")["field"] == "colour"
    assert find(problems, "practices.yaml", p + 12, "'regional-conference-2032'")["id"] == "bad-practice-two"
    assert find(problems, "events.yaml", e + 6, "before start date")["field"] == "end_date"
    assert "did you mean 'meeting'" in find(problems, "events.yaml", e + 11, "unknown value")["message"]
    unsourced = find(problems, "events.yaml", e + 9, "no source")
    assert unsourced["id"] == "unsourced-event"
    dup = find(problems, "stages.yaml", s, "duplicate id")
    assert dup["id"] == "recruitment" and f"{data / 'stages.yaml'}:3" in dup["message"]
    assert find(problems, "sources.yaml", u, "cited by no record")["severity"] == "warning"
    broken = [x for x in problems if Path(x["file"]).name == "quotes.yaml"]
    assert [x["message"].startswith("invalid YAML") for x in broken] == [True]
    assert broken[0]["line"] in (q, q + 1)  # where the parser noticed

    # The human output: the same problems, one line each, sorted by file then line, summary on stderr.
    human = bcc("validate", str(data))
    assert human.exit_code == 3
    lines = human.stdout.splitlines()
    assert len(lines) == len(problems)
    keys = [(line.split(":")[0], int(line.split(":")[1])) for line in lines]
    assert keys == sorted(keys)
    assert any(
        f"practices.yaml:{p + 3}:13: record 'bad-practice-one': sectors[0]: unknown value 'privat'" in x
        for x in lines
    )
    errors = sum(x["severity"] == "error" for x in problems)
    assert f"{errors} errors, " in human.stderr and str(data) in human.stderr
    assert human.stderr.count("\n") == 1


def test_validate_reports_every_repeated_key(bcc: Bcc, tmp_path: Path) -> None:
    data = copy_data(tmp_path / "data")
    start = (
        append(
            data / "stages.yaml",
            """
- id: repeated-one
  title: First title
  title: Second title
  order: 20
  description: x
  sources:
    - {source: rso-conference-article-2023, at: "para 1"}
- id: repeated-two
  title: Two
  order: 21
  order: 22
  description: y
  sources:
    - {source: rso-conference-article-2023, at: "para 1", at: "para 2"}
- id: not-repeated-but-wrong
  title: Three
  order: zero
  description: z
  sources:
    - {source: rso-conference-article-2023, at: "para 1"}
""",
        )
        + 1
    )
    run = bcc("validate", str(data), "--json")
    assert run.exit_code == 3
    problems = problems_of(run)
    first = find(problems, "stages.yaml", start + 2, "repeated")
    assert (first["id"], first["field"], first["column"]) == ("repeated-one", "title", 3)
    assert f"first at line {start + 1}" in first["message"]
    assert find(problems, "stages.yaml", start + 10, "repeated")["field"] == "order"
    assert find(problems, "stages.yaml", start + 13, "repeated")["field"] == "at"
    # The rest of the file is still checked.
    assert find(problems, "stages.yaml", start + 16, "integer")["id"] == "not-repeated-but-wrong"
    assert len([p for p in problems if "repeated" in p["message"]]) == 3


def test_validate_warnings_only_exits_zero(bcc: Bcc, tmp_path: Path) -> None:
    data = copy_data(tmp_path / "data")
    line = (
        append(
            data / "sources.yaml",
            UNCITED_SOURCE,
        )
        + 1
    )
    run = bcc("validate", str(data))
    assert run.exit_code == 0
    assert f"sources.yaml:{line}" in run.stdout and "warning: source is cited by no record" in run.stdout
    assert "0 errors, 1 warning" in run.stderr
    # A warning does not stop the other commands.
    assert bcc("--data-dir", str(data), "sources", "--json").exit_code == 0


def test_validate_uses_data_dir_and_missing_dir(bcc: Bcc, tmp_path: Path) -> None:
    data = copy_data(tmp_path / "data")
    (data / "findings.yaml").write_text("- id: Not Kebab\n", encoding="utf-8")
    run = bcc("--data-dir", str(data), "validate", "--json")
    assert run.exit_code == 3
    assert {Path(p["file"]).name for p in run.json()} >= {"findings.yaml"}
    missing = bcc("validate", str(tmp_path / "nope"))
    assert missing.exit_code == 3
    assert "not found" in missing.stdout


def test_validate_bypasses_the_cache_and_writes_nothing(
    bcc: Bcc, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = copy_data(tmp_path / "data")
    cache = tmp_path / "cache"
    monkeypatch.setenv("BCC_CACHE_DIR", str(cache))
    before = snapshot(data)
    assert bcc("--data-dir", str(data), "stages", "--json").exit_code == 0  # fills the cache
    filled = sorted(cache.iterdir())
    assert filled

    from bali_corruption_cli import catalog

    def no_cache(_path: Path) -> None:
        raise AssertionError("validate read the cache")

    monkeypatch.setattr(catalog, "_read_cache", no_cache)
    assert bcc("validate", str(data)).exit_code == 0
    assert sorted(cache.iterdir()) == filled
    assert snapshot(data) == before


# ---------------------------------------------------------------- JSON Schema


@pytest.mark.parametrize("collection", list(layout.COLLECTIONS))
def test_committed_schemas_match_the_models(collection: str) -> None:
    path = ROOT / "schema" / f"{collection}.schema.json"
    committed = path.read_text(encoding="utf-8") if path.exists() else ""
    assert committed == maintain.schema_text(collection), (
        f"{path.relative_to(ROOT)} is out of date with models.py; regenerate the schemas with "
        f"'bcc schema --write schema/ --force' (from the repository root) and commit them"
    )


@pytest.mark.parametrize("collection", list(layout.COLLECTIONS))
def test_data_files_point_at_their_schema(collection: str) -> None:
    filename = layout.COLLECTIONS[collection][0]
    first = (DATA / filename).read_text(encoding="utf-8").splitlines()[0]
    assert first == f"# yaml-language-server: $schema=../schema/{collection}.schema.json"


def test_schema_command(bcc: Bcc, tmp_path: Path) -> None:
    one = bcc("schema", "practices")
    assert one.exit_code == 0
    schema = one.json()
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert schema["type"] == "array"
    practice = schema["$defs"]["Practice"]
    assert practice["additionalProperties"] is False
    assert "sources" in practice["required"]
    assert one.stdout == (ROOT / "schema" / "practices.schema.json").read_text(encoding="utf-8")
    assert bcc("schema", "practice").stdout == one.stdout

    everything = bcc("schema")
    assert everything.exit_code == 0
    assert list(everything.json()) == list(layout.COLLECTIONS)

    bad = bcc("schema", "pracitces")
    assert bad.exit_code == 2
    assert "did you mean 'practices'" in bad.stderr

    written = bcc("schema", "--write", str(tmp_path / "out"))
    assert written.exit_code == 0 and written.stdout == ""
    for name in layout.COLLECTIONS:
        out = (tmp_path / "out" / f"{name}.schema.json").read_text(encoding="utf-8")
        assert out == (ROOT / "schema" / f"{name}.schema.json").read_text(encoding="utf-8")


def test_schema_accepts_the_shipped_records() -> None:
    """A light check that schema and data agree: required keys are present, no key is unknown."""
    import yaml

    for name, (filename, _columns) in layout.COLLECTIONS.items():
        schema = maintain.schema_for(name)
        model = schema["$defs"][schema["items"]["$ref"].rsplit("/", 1)[-1]]
        for record in yaml.safe_load((DATA / filename).read_text(encoding="utf-8")):
            assert set(model["required"]) <= set(record), (name, record["id"])
            assert set(record) <= set(model["properties"]), (name, record["id"])


# ---------------------------------------------------------------- export


def catalogue(bcc: Bcc) -> dict[str, list[dict[str, Any]]]:
    return {name: bcc(name, "--json").json() for name in layout.COLLECTIONS}


def test_export_sqlite(bcc: Bcc, tmp_path: Path) -> None:
    db = tmp_path / "bcc.db"
    run = bcc("export", "--format", "sqlite", str(db))
    assert run.exit_code == 0, run.stderr
    assert run.stdout == ""
    expected = catalogue(bcc)
    con = sqlite3.connect(db)
    try:
        for name, records in expected.items():
            ids = [r[0] for r in con.execute(f'SELECT id FROM "{name}" ORDER BY rowid')]
            assert ids == [r["id"] for r in records]
        assert con.execute("SELECT count(*) FROM records").fetchone()[0] == sum(map(len, expected.values()))
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []

        practice = expected["practices"][0]
        row = con.execute(
            "SELECT sectors, origin_event FROM practices WHERE id = ?", (practice["id"],)
        ).fetchone()
        assert json.loads(row[0]) == practice["sectors"] and row[1] == practice["origin_event"]
        sectors = [
            r[0]
            for r in con.execute(
                "SELECT sector FROM practice_sectors WHERE practice_id = ? ORDER BY seq", (practice["id"],)
            )
        ]
        assert sectors == practice["sectors"]
        stages = {(r["id"], s) for r in expected["practices"] for s in r["stages"]}
        assert set(con.execute("SELECT practice_id, stage_id FROM practice_stages")) == stages
        hosts = {(r["id"], h) for r in expected["events"] for h in r["hosts"]}
        assert set(con.execute("SELECT event_id, stakeholder_id FROM event_hosts")) == hosts
        roles = {(s["id"], r["role"], r["event"]) for s in expected["stakeholders"] for r in s["roles"]}
        assert set(con.execute("SELECT stakeholder_id, role, event_id FROM stakeholder_roles")) == roles
        cites = {
            (r["id"], c["source"], c["at"])
            for name, recs in expected.items()
            for r in recs
            for c in r.get("sources", [])
            if name != "sources"
        }
        assert set(con.execute("SELECT record_id, source_id, at FROM citations")) == cites
        assert con.execute('SELECT typeof("order") FROM stages LIMIT 1').fetchone()[0] == "integer"
        fks = {(r[2], r[3]) for r in con.execute("PRAGMA foreign_key_list(practice_stages)")}
        assert ("stages", "stage_id") in fks and ("practices", "practice_id") in fks
        indexed = {r[1] for r in con.execute("PRAGMA index_list(practice_stages)")}
        assert any("stage_id" in i for i in indexed)
    finally:
        con.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bcc.db"]


def test_export_json_and_csv(bcc: Bcc, tmp_path: Path) -> None:
    expected = catalogue(bcc)
    out = tmp_path / "bcc.json"
    assert bcc("export", str(out)).exit_code == 0  # format from the extension
    assert json.loads(out.read_text(encoding="utf-8")) == expected

    folder = tmp_path / "csv"
    assert bcc("export", "--format", "csv", str(folder)).exit_code == 0
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{n}.csv" for n in layout.COLLECTIONS)
    for name, records in expected.items():
        with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        assert [r["id"] for r in rows] == [r["id"] for r in records]
        if name != "sources":
            assert [json.loads(r["sources"]) for r in rows] == [r["sources"] for r in records]
    events = {r["id"]: r for r in csv.DictReader((folder / "events.csv").open(encoding="utf-8", newline=""))}
    for event in expected["events"]:
        assert json.loads(events[event["id"]]["hosts"]) == event["hosts"]
        assert events[event["id"]]["start_date"] == (event["start_date"] or "")


@pytest.mark.parametrize(("fmt", "name"), [("sqlite", "x.db"), ("json", "x.json"), ("csv", "x")])
def test_export_never_overwrites_without_force(bcc: Bcc, tmp_path: Path, fmt: str, name: str) -> None:
    target = tmp_path / name
    assert bcc("export", "--format", fmt, str(target)).exit_code == 0
    before = snapshot(tmp_path)
    again = bcc("export", "--format", fmt, str(target))
    assert again.exit_code == 2
    assert "--force" in again.stderr and str(target) in again.stderr
    assert snapshot(tmp_path) == before
    forced = bcc("export", "--format", fmt, str(target), "--force")
    assert forced.exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # no temporary files left


def test_export_refusals(bcc: Bcc, tmp_path: Path) -> None:
    assert bcc("export", str(tmp_path / "x.txt")).exit_code == 2  # no format, none to guess
    assert bcc("export", "--format", "json", str(tmp_path / "no" / "x.json")).exit_code == 2
    assert bcc("export", "--format", "json", str(tmp_path)).exit_code == 2  # a folder
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.docx").write_text("precious", encoding="utf-8")
    run = bcc("export", "--format", "csv", str(mine), "--force")
    assert run.exit_code == 2 and "not a bcc CSV export" in run.stderr
    assert (mine / "thesis.docx").read_text(encoding="utf-8") == "precious"
    bad = bcc("export", "--format", "xml", str(tmp_path / "x.xml"))
    assert bad.exit_code == 2


def test_interrupted_export_leaves_nothing(bcc: Bcc, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "x.db"
    target.write_bytes(b"old export")

    def interrupted(_catalog: Any, path: Path) -> list[str]:
        path.write_bytes(b"half")
        raise KeyboardInterrupt

    monkeypatch.setattr(maintain, "_write_sqlite", interrupted)
    run = bcc("export", "--format", "sqlite", str(target), "--force")
    assert run.exit_code == 130
    assert target.read_bytes() == b"old export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.db"]


# ---------------------------------------------------------------- data init / path


def test_data_init(bcc: Bcc, tmp_path: Path) -> None:
    dest = tmp_path / "mine"
    run = bcc("data", "init", str(dest))
    assert run.exit_code == 0, run.stderr
    for name, (filename, _columns) in layout.COLLECTIONS.items():
        copied = (dest / filename).read_text(encoding="utf-8").splitlines()
        shipped = (DATA / filename).read_text(encoding="utf-8").splitlines()
        assert copied[0] == f"# yaml-language-server: $schema=schema/{name}.schema.json"
        assert copied[1:] == shipped[1:]
        assert (dest / "schema" / f"{name}.schema.json").read_text(encoding="utf-8") == maintain.schema_text(
            name
        )
    assert bcc("validate", str(dest)).exit_code == 0
    assert bcc("--data-dir", str(dest), "practices", "--json").ids() == bcc("practices", "--json").ids()

    # Refuses to overwrite, naming the files; --force replaces them.
    edited = dest / "practices.yaml"
    edited.write_text(edited.read_text(encoding="utf-8") + "# my edit\n", encoding="utf-8")
    again = bcc("data", "init", str(dest))
    assert again.exit_code == 2
    assert "practices.yaml" in again.stderr and "--force" in again.stderr
    assert edited.read_text(encoding="utf-8").endswith("# my edit\n")
    assert bcc("data", "init", str(dest), "--force").exit_code == 0
    assert not edited.read_text(encoding="utf-8").endswith("# my edit\n")


def test_data_init_into_a_folder_with_other_files(bcc: Bcc, tmp_path: Path) -> None:
    dest = tmp_path / "mine"
    dest.mkdir()
    (dest / "notes.txt").write_text("mine", encoding="utf-8")
    assert bcc("data", "init", str(dest)).exit_code == 0
    assert (dest / "notes.txt").read_text(encoding="utf-8") == "mine"
    (tmp_path / "file").write_text("x", encoding="utf-8")
    assert bcc("data", "init", str(tmp_path / "file")).exit_code == 2
    assert bcc("data", "init", str(DATA), "--force").exit_code == 2


def test_data_path(bcc: Bcc, tmp_path: Path) -> None:
    shipped = bcc("data", "path")
    assert shipped.exit_code == 0
    assert shipped.stdout == f"{DATA.resolve()}\n"
    assert "shipped" in shipped.stderr

    mine = copy_data(tmp_path / "mine")
    extra = tmp_path / "extra"
    extra.mkdir()
    run = bcc("--data-dir", str(mine), "--with", str(extra), "data", "path")
    assert run.stdout.splitlines() == [str(mine.resolve()), str(extra.resolve())]
    doc = bcc("--data-dir", str(mine), "data", "path", "--json").json()
    assert doc == {"data_dir": str(mine.resolve()), "from": "--data-dir", "overlays": []}
    env = bcc("data", "path", "--json", env={"BCC_DATA_DIR": str(mine)}).json()
    assert env["from"] == "BCC_DATA_DIR" and env["data_dir"] == str(mine.resolve())


def test_data_without_subcommand_shows_help(bcc: Bcc) -> None:
    run = bcc("data")
    assert run.exit_code == 2
    assert "init" in run.stdout and "path" in run.stdout
