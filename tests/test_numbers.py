"""Numbers are what the file says: integers bounded to what every output holds (SQLite's
signed 64 bits), and YAML 1.1-only forms refused with the form both YAML versions read alike."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from conftest_hostile import copy_data, run

# (form as written, words the message must hold)
YAML11_ONLY = [
    ("010", ["'010' is 8 in YAML 1.1 (octal) but 10 in YAML 1.2", "write 8 or 10", "'010' for text"]),
    ("0b11", ["'0b11' is the number 3 in YAML 1.1", "write 3"]),
    ("1:30", ["'1:30' is the number 90 in YAML 1.1", "write 90"]),
    ("1_000", ["'1_000' is the number 1000", "write 1000"]),
    ("-0x1F", ["'-0x1F' is the number -31", "write -31"]),
    ("yes", ["'yes' is a boolean in YAML 1.1 but text in YAML 1.2", "write true", "'yes' for text"]),
    ("No", ["'No' is a boolean", "write false"]),
    ("on", ["'on' is a boolean", "write true"]),
    ("OFF", ["'OFF' is a boolean", "write false"]),
    ("1_0.5", ["'1_0.5' is the number 10.5", "write 10.5"]),
    ("1:30.5", ["is the number 90.5", "write 90.5"]),
]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return copy_data(tmp_path)


def _set_first(data: Path, filename: str, key: str, text: str) -> int:
    """Write ``key: text`` (verbatim) as the first ``key:`` line of a file; its line number."""
    path = data / filename
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for n, line in enumerate(lines):
        stripped = line.lstrip(" -")
        if stripped.startswith(f"{key}:"):
            lines[n] = line[: len(line) - len(stripped)] + f"{key}: {text}\n"
            path.write_text("".join(lines), encoding="utf-8")
            return n + 1
    raise AssertionError(f"no {key}: in {filename}")


@pytest.mark.parametrize(("form", "words"), YAML11_ONLY, ids=[f for f, _w in YAML11_ONLY])
@pytest.mark.parametrize("key", ["count", "title"])
def test_a_yaml11_only_form_is_refused_with_the_unambiguous_one(
    data: Path, form: str, words: list[str], key: str
) -> None:
    line = _set_first(data, "events.yaml", key, form)
    result = run("--data-dir", str(data), "events", "--json", env={"BCC_CACHE_DIR": ""})
    assert result.code == 3, result.err
    first = result.first
    assert f"events.yaml:{line}:" in first
    for word in words:
        assert word in first, first


@pytest.mark.parametrize(("form", "value"), [("100", 100), ("+100", 100), ("0", 0), ("0x1F", 31)])
def test_forms_both_versions_read_alike_are_read(data: Path, form: str, value: int) -> None:
    _set_first(data, "events.yaml", "count", form)
    result = run("--data-dir", str(data), "events", "--json", env={"BCC_CACHE_DIR": ""})
    assert result.code == 0, result.err
    counts = [p["count"] for e in json.loads(result.out) for p in e["participants"]]
    assert value in counts


@pytest.mark.parametrize("form", ["'010'", '"yes"', "!!str 1:30"])
def test_quoted_forms_are_text(data: Path, form: str) -> None:
    _set_first(data, "events.yaml", "title", form)
    result = run("--data-dir", str(data), "events", "--json", env={"BCC_CACHE_DIR": ""})
    assert result.code == 0, result.err
    titles = {e["title"] for e in json.loads(result.out)}
    assert form.strip("'\"").removeprefix("!!str ") in titles


def test_the_largest_integer_is_exported_to_sqlite(data: Path, tmp_path: Path) -> None:
    _set_first(data, "events.yaml", "count", str(2**63 - 1))
    target = tmp_path / "out.db"
    result = run(
        "--data-dir", str(data), "export", "--format", "sqlite", str(target), env={"BCC_CACHE_DIR": ""}
    )
    assert result.code == 0, result.err
    with sqlite3.connect(target) as con:
        found = con.execute("SELECT count FROM event_participants WHERE count = ?", (2**63 - 1,)).fetchall()
    assert found


@pytest.mark.parametrize("form", [str(2**63), str(2**64 - 1), hex(2**63)])
def test_an_integer_beyond_64_bits_signed_is_refused(data: Path, tmp_path: Path, form: str) -> None:
    line = _set_first(data, "events.yaml", "count", form)
    result = run("--data-dir", str(data), "events", "--json", env={"BCC_CACHE_DIR": ""})
    assert result.code == 3, result.err
    assert f"events.yaml:{line}:" in result.first and "9223372036854775807" in result.first
    target = tmp_path / "out.db"
    export = run(
        "--data-dir", str(data), "export", "--format", "sqlite", str(target), env={"BCC_CACHE_DIR": ""}
    )
    assert export.code == 3 and not target.exists()


def test_the_json_schema_states_the_bound() -> None:
    result = run("schema", "events")
    assert result.code == 0
    assert "9223372036854775807" in json.dumps(json.loads(result.out))
