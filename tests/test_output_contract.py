"""The output contract for scripts (README "Output for scripts"), one test per promise."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Run
from conftest_hostile import add_records, copy_data, quote, run


def test_search_uses_the_same_words_in_table_and_json(bcc: Callable[..., Run]) -> None:
    hits = bcc("search", "whistleblower", "--json").json()
    table = bcc("search", "whistleblower", "--layout", "records", env={"COLUMNS": "200"}).stdout
    shown = re.findall(r"^type:\s+(\S+)$", table, re.M)
    assert shown == [h["type"] for h in hits] and "practices" in shown


def test_count_gives_null_not_a_placeholder(bcc: Callable[..., Run]) -> None:
    rows = bcc("count", "events", "--by", "city", "--json").json()
    assert None in [r["value"] for r in rows] and "(none)" not in [r["value"] for r in rows]
    csv_rows = list(csv.DictReader(io.StringIO(bcc("count", "events", "--by", "city", "-f", "csv").stdout)))
    assert "" in [r["value"] for r in csv_rows]
    assert "(none)" in bcc("count", "events", "--by", "city", env={"COLUMNS": "100"}).stdout  # for people


def test_timeline_dates_are_iso_in_their_own_fields(bcc: Callable[..., Run]) -> None:
    rows = bcc("timeline", "--json").json()
    conference = next(r for r in rows if r["id"] == "regional-conference-2023")
    assert (conference["start_date"], conference["end_date"]) == ("2023-11-21", "2023-11-22")
    assert conference["when"] == "2023-11-21 to 2023-11-22"  # the label for people, as an extra
    philippines = next(r for r in rows if r["id"] == "roundtable-philippines")
    assert philippines["start_date"] is None and philippines["month_day"] == "--05-30"


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
@pytest.mark.parametrize("command", ["practices", "events", "stakeholders", "quotes", "countries"])
def test_csv_cells_read_back_exactly(bcc: Callable[..., Run], command: str, fmt: str) -> None:
    records = bcc(command, "--json").json()
    text = bcc(command, "-f", fmt).stdout
    rows = list(csv.DictReader(io.StringIO(text), delimiter="," if fmt == "csv" else "\t"))
    assert len(rows) == len(records)
    for record, row in zip(records, rows, strict=True):
        for key, value in record.items():
            if isinstance(value, (list, dict)):
                assert json.loads(row[key]) == value, key
            elif value is None:
                assert row[key] == ""
            else:
                assert row[key] == str(value)


def test_caveats_with_semicolons_split_back(bcc: Callable[..., Run]) -> None:
    events = bcc("events", "--json").json()
    assert any("; " in c for e in events for c in e["caveats"])  # what made "; " joining lossy
    rows = list(csv.DictReader(io.StringIO(bcc("events", "-f", "csv").stdout)))
    assert [json.loads(r["caveats"]) for r in rows] == [e["caveats"] for e in events]


def test_booleans_are_true_and_false(bcc: Callable[..., Run]) -> None:
    rows = list(csv.DictReader(io.StringIO(bcc("timeline", "-f", "csv").stdout)))
    assert {r["dated"] for r in rows} == {"true", "false"}


def test_country_is_the_same_identifier_everywhere(bcc: Callable[..., Run], tmp_path: Path) -> None:
    events = {e["id"]: e["country"] for e in bcc("events", "--json").json()}
    rows = {r["id"]: r["country"] for r in csv.DictReader(io.StringIO(bcc("events", "-f", "csv").stdout))}
    db = tmp_path / "bcc.db"
    assert bcc("export", "--format", "sqlite", str(db)).exit_code == 0
    with sqlite3.connect(db) as con:
        exported = dict(con.execute("select id, country from events").fetchall())
    assert events == rows == exported
    names = {c["name"] for c in bcc("countries", "--json").json()}
    assert set(events.values()) <= names


def test_export_dash_is_stdout(bcc: Callable[..., Run], tmp_path: Path) -> None:
    run_json = bcc("export", "--format", "json", "-")
    document = json.loads(run_json.stdout)
    assert [e["id"] for e in document["events"]] == bcc("events", "--json").ids()
    assert not list(tmp_path.iterdir()) and not Path("-").exists()
    assert bcc("export", "--format", "csv", "-").exit_code == 2
    assert bcc("export", "-").exit_code == 2  # the format cannot be guessed from "-"


def test_export_sqlite_to_stdout_is_a_database(tmp_path: Path) -> None:
    from conftest_hostile import run_process

    proc = run_process("export", "--format", "sqlite", "-")
    assert proc.returncode == 0 and proc.stdout.startswith(b"SQLite format 3\x00")
    db = tmp_path / "out.db"
    db.write_bytes(proc.stdout)
    with sqlite3.connect(db) as con:
        assert con.execute("select count(*) from events").fetchone()[0] == 10


HOSTILE_MD = (
    "Title | with pipe <script>alert(1)</script> [x](javascript:y) *bold* `code` <img src=x>\n# heading"
)


@pytest.fixture(scope="module")
def hostile_md(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = copy_data(tmp_path_factory.mktemp("md"))
    add_records(data, "quotes", [quote("hostile-md", HOSTILE_MD)])
    return data


def _assert_inert(markdown: str) -> None:
    assert "<script>" not in markdown and "<img" not in markdown
    assert "[x](" not in markdown.replace("\\[x](", "")
    assert "\n# heading" not in markdown
    assert "&lt;script&gt;" in markdown


def test_markdown_list_escapes_data(hostile_md: Path) -> None:
    out = run("--data-dir", str(hostile_md), "quotes", "-f", "markdown", "--search", "pipe").out
    _assert_inert(out)
    header, _rule, row = out.splitlines()
    assert header == "| id | kind | speaker | event | text |"
    # the data's "|" cannot add a column: as many unescaped bars as the header has
    assert len(re.findall(r"(?<!\\)\|", row)) == header.count("|")


def test_markdown_show_escapes_data(hostile_md: Path) -> None:
    out = run("--data-dir", str(hostile_md), "show", "hostile-md", "-f", "markdown").out
    _assert_inert(out)
    assert out.startswith("# Title \\| with pipe")
    assert "<https://rso.baliprocess.net/" in out  # sources as numbered references with their addresses
    assert re.search(r"^1\. S1:", out, re.M)


def test_markdown_summary(bcc: Callable[..., Run]) -> None:
    out = bcc("summary", "-f", "markdown").stdout
    assert out.startswith("# ") and "## National roundtables (7 listed)" in out
    assert "| country | city | date | position |" in out
    assert re.search(r"^\d+\. S1: \*RSO and UNODC", out, re.M)


@pytest.mark.parametrize("command", [["show", "rso"], ["summary"]])
def test_documents_list_only_the_formats_that_work(bcc: Callable[..., Run], command: list[str]) -> None:
    help_text = bcc(*command, "--help").stdout
    listed = re.search(r"--format <([a-z|]+)>", help_text)
    assert listed, help_text
    for fmt in listed.group(1).split("|"):
        assert bcc(*command, "-f", fmt).exit_code == 0, fmt
    assert bcc(*command, "-f", "csv").exit_code == 2


@pytest.mark.parametrize(
    "command",
    [
        ["practices"],
        ["events"],
        ["search", "corruption"],
        ["count", "practices", "--by", "themes"],
        ["timeline"],
    ],
)
def test_lists_take_every_format_they_list(bcc: Callable[..., Run], command: list[str]) -> None:
    help_text = bcc(*command, "--help").stdout
    listed = re.search(r"--format <([a-z|]+)>", help_text)
    assert listed, help_text
    for fmt in listed.group(1).split("|"):
        result = bcc(*command, "-f", fmt, env={"COLUMNS": "100"})
        assert result.exit_code == 0 and result.stdout, (fmt, result.stderr)
