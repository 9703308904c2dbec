"""Numbers are what the file says: integers bounded to what every output holds (SQLite's
signed 64 bits), and YAML 1.1-only forms refused with the form both YAML versions read alike."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from conftest_hostile import copy_data, run

# (form as written, what YAML 1.1 and 1.2 read it as, the form both read alike, YAML 1.1's type)
YAML11_ONLY = [
    ("010", "'010' is 8 in YAML 1.1 (octal) but 10 in YAML 1.2", "write 8 or 10", int),
    ("0b11", "'0b11' is the number 3 in YAML 1.1", "write 3", int),
    ("1:30", "'1:30' is the number 90 in YAML 1.1", "write 90", int),
    ("1_000", "'1_000' is the number 1000", "write 1000", int),
    ("-0x1F", "'-0x1F' is the number -31", "write -31", int),
    ("yes", "'yes' is a boolean in YAML 1.1 but text in YAML 1.2", "write true", bool),
    ("No", "'No' is a boolean", "write false", bool),
    ("on", "'on' is a boolean", "write true", bool),
    ("OFF", "'OFF' is a boolean", "write false", bool),
    ("1_0.5", "'1_0.5' is the number 10.5", "write 10.5", float),
    ("1:30.5", "is the number 90.5", "write 90.5", float),
]
# A field of each type: (file, key, the type it takes).
FIELDS = {
    "text": ("events.yaml", "title", str),
    "integer": ("events.yaml", "count", int),
    "boolean": ("events.yaml", "quoted", bool),
    "vocabulary": ("quotes.yaml", "kind", None),
}


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


@pytest.mark.parametrize(("form", "what", "write", "meant"), YAML11_ONLY, ids=[f[0] for f in YAML11_ONLY])
@pytest.mark.parametrize("field", list(FIELDS))
def test_a_yaml11_only_form_is_refused_with_advice_that_fits_the_field(
    data: Path, form: str, what: str, write: str, meant: type, field: str
) -> None:
    filename, key, takes = FIELDS[field]
    line = _set_first(data, filename, key, form)
    result = run("--data-dir", str(data), "validate", env={"BCC_CACHE_DIR": ""})
    assert result.code == 3, result.err
    (first,) = [x for x in result.out.splitlines() if f"{filename}:{line}:" in x]
    assert f"{key}: " in first
    quoted = "'" + form + "'"
    if takes is str:  # text: quote it
        assert what in first and f"quote it: {quoted}" in first and "write" not in first, first
    elif takes is None:  # a vocabulary: its values, never "write true"
        assert "valid: direct, paraphrase, topic" in first and "write" not in first, first
    elif (takes is bool) == (meant is bool):  # what YAML 1.1 meant is what the field takes
        assert what in first and first.endswith(write) and "for text" not in first, first
    else:  # neither reading fits: what the field takes, and how YAML 1.1 read it
        expected = "valid boolean" if takes is bool else "valid integer"
        assert expected in first and "YAML 1.1 reads" in first and "write" not in first, first


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
