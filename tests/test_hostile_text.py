"""Hostile text inside valid records: markup, emoji codes, escape sequences, bidi overrides.

People-facing output (tables, messages) shows such text literally, control
characters escaped (``\\x1b``), never raw; machine formats (JSON, JSONL, CSV,
TSV, YAML) carry it exactly, byte for byte once parsed back.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest_hostile import HOSTILE, RAW_NEVER, Run, add_records, copy_data, quote, run

WIDE = {"COLUMNS": "3000"}  # no folding: escaped sequences stay on one line


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = copy_data(tmp_path_factory.mktemp("hostile"))
    add_records(data, "quotes", [quote("hostile-text", HOSTILE, at=HOSTILE)])
    add_records(
        data,
        "stakeholders",
        [
            {
                "id": "hostile-org",
                "name": HOSTILE,
                "kind": "organisation",
                "sector": None,
                "country": None,
                "position": HOSTILE,
                "notes": [HOSTILE],
                "sources": [{"source": "rso-conference-article-2023", "at": "para 1"}],
            }
        ],
    )
    return data


def bcc_on(data: Path, *args: str, env: dict[str, str] | None = None) -> Run:
    result = run("--data-dir", str(data), *args, env={**WIDE, **(env or {})})
    assert result.code == 0, result.err
    return result


def assert_nothing_raw(text: str) -> None:
    for sequence in RAW_NEVER:
        assert sequence not in text, f"raw {sequence!r} reached the output"


def assert_shown_literally(text: str) -> None:
    for literal in ("[bold red]x[/]", "[/x]", "[link=http://evil]y[/link]", ":smile:"):
        assert literal in text, f"{literal!r} was interpreted, not shown"
    assert "\N{SMILING FACE WITH OPEN MOUTH AND SMILING EYES}" not in text  # :smile: stays text
    for escaped in (
        "\\x1b]0;pwned\\x07",
        "\\x1b[2J",
        "\\x1b]8;;http://evil.example",
        "\\u202egnp.exe",
        "\\x9b31m",
    ):
        assert escaped in text, f"{escaped!r} not shown escaped"


# ---------------------------------------------------------------- tables


@pytest.mark.parametrize("command", [["quotes"], ["stakeholders"], ["quotes", "--fields", "id,text,sources"]])
def test_table_without_colour_has_no_escape_at_all(hostile: Path, command: list[str]) -> None:
    result = bcc_on(hostile, "--color", "never", *command)
    assert "\x1b" not in result.out
    assert_nothing_raw(result.out)
    assert_shown_literally(result.out)


@pytest.mark.parametrize("command", [["quotes"], ["stakeholders"]])
def test_table_with_colour_keeps_data_escaped(hostile: Path, command: list[str]) -> None:
    result = bcc_on(hostile, "--color", "always", *command)
    assert "\x1b[" in result.out  # Rich's own colours are there...
    assert_nothing_raw(result.out)  # ...but nothing from the data
    assert_shown_literally(result.out)


@pytest.mark.parametrize(
    "command",
    [
        ["show", "hostile-text"],
        ["show", "hostile-org"],
        ["search", "pwned"],
        ["summary"],
        ["timeline"],
        ["cite", "hostile-text"],
        ["stakeholders", "--search", "pwned"],
    ],
)
@pytest.mark.parametrize("colour", ["never", "always"])
def test_other_views_keep_data_escaped(hostile: Path, command: list[str], colour: str) -> None:
    result = bcc_on(hostile, "--color", colour, *command)
    assert_nothing_raw(result.out)
    assert_nothing_raw(result.err)
    if colour == "never":
        assert "\x1b" not in result.out


def test_narrow_table_never_splits_out_a_raw_escape(hostile: Path) -> None:
    """Folding a cell at any width must not rebuild an escape sequence from its pieces."""
    for width in ("20", "37", "80"):
        result = bcc_on(hostile, "--color", "never", "quotes", "--fields", "id,text", env={"COLUMNS": width})
        assert "\x1b" not in result.out
        assert_nothing_raw(result.out)


# ---------------------------------------------------------------- machine formats


def _hostile_quote(records: list[dict[str, Any]]) -> dict[str, Any]:
    (found,) = [r for r in records if r["id"] == "hostile-text"]
    return found


def test_json_keeps_the_exact_text(hostile: Path) -> None:
    record = _hostile_quote(json.loads(bcc_on(hostile, "quotes", "--json").out))
    assert record["text"] == HOSTILE
    assert record["sources"][0]["at"] == HOSTILE


def test_json_never_writes_raw_controls(hostile: Path) -> None:
    out = bcc_on(hostile, "quotes", "--json").out
    assert "\x1b" not in out and "\x07" not in out and "\r" not in out  # JSON escapes C0 controls


def test_jsonl_keeps_the_exact_text(hostile: Path) -> None:
    out = bcc_on(hostile, "quotes", "--format", "jsonl").out
    records = [json.loads(line) for line in out.splitlines()]
    assert _hostile_quote(records)["text"] == HOSTILE


@pytest.mark.parametrize(("fmt", "delimiter"), [("csv", ","), ("tsv", "\t")])
def test_csv_and_tsv_keep_the_exact_text(hostile: Path, fmt: str, delimiter: str) -> None:
    out = bcc_on(hostile, "quotes", "--format", fmt, "--fields", "id,text").out
    rows = list(csv.reader(io.StringIO(out, newline=""), delimiter=delimiter))
    assert rows[0] == ["id", "text"]
    assert dict(rows[1:])["hostile-text"] == HOSTILE


def test_yaml_keeps_the_exact_text(hostile: Path) -> None:
    out = bcc_on(hostile, "quotes", "--format", "yaml").out
    assert "\x1b" not in out  # YAML escapes non-printable characters
    assert _hostile_quote(yaml.safe_load(out))["text"] == HOSTILE


def test_show_json_keeps_the_exact_text(hostile: Path) -> None:
    document = json.loads(bcc_on(hostile, "show", "hostile-text", "--json").out)

    def strings(value: Any) -> list[str]:
        if isinstance(value, str):
            return [value]
        if isinstance(value, dict):
            return [s for v in value.values() for s in strings(v)]
        if isinstance(value, list):
            return [s for v in value for s in strings(v)]
        return []

    assert HOSTILE in strings(document)


def test_markdown_shows_controls_escaped(hostile: Path) -> None:
    """Markdown is read on terminals too: controls escaped (the backslash itself escaped for Markdown)."""
    out = bcc_on(hostile, "quotes", "--format", "markdown", "--fields", "id,speaker,event,kind,text").out
    assert_nothing_raw(out)
    assert "\\\\x1b]0;pwned\\\\x07" in out
    (row,) = [line for line in out.splitlines() if line.startswith("| hostile-text |")]
    assert row.count(" | ") == 4  # the cells' "|" are escaped: still five columns


# ---------------------------------------------------------------- messages


@pytest.mark.parametrize(
    "args",
    [
        ["events", "--country", "\x1b]0;pwned\x07"],
        ["practices", "--sector", "\x1b[2J\u202e"],
        ["\x1b]0;pwned\x07"],
        ["events", "--\x1b]0;pwned\x07"],
        ["events", "--fields", "id,\x1b]0;pwned\x07"],
        ["show", "\x1b]0;pwned\x07"],
        ["events", "--format", "\x1b[2J"],
    ],
)
def test_hostile_arguments_are_echoed_escaped(args: list[str]) -> None:
    result = run(*args)
    assert result.code in (1, 2), result.err
    assert result.first.startswith("bcc: error: ")
    assert_nothing_raw(result.err)
    assert "\\x1b" in result.err


def test_search_for_hostile_text_is_harmless(hostile: Path) -> None:
    result = bcc_on(hostile, "quotes", "--search", "\x1b]0;pwned")
    assert_nothing_raw(result.out)
    assert "hostile-text" in result.out
