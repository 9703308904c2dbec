"""--json and jsonl: orjson where stdout takes UTF-8, the standard library otherwise; one layout."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from bali_corruption_cli import render
from conftest_hostile import add_records, copy_data, quote, run_process, subprocess_env


@pytest.fixture(scope="module")
def accents(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = copy_data(tmp_path_factory.mktemp("accents"))
    add_records(data, "quotes", [quote("accented", "\u201cNot a quick fix\u201d in Vi\u1ec7t Nam")])
    return data


def _lines(data: Path, fmt: str, encoding: str) -> list[str]:
    env = subprocess_env(PYTHONIOENCODING=encoding)
    proc = run_process("--data-dir", str(data), "quotes", "--format", fmt, env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == b""
    return proc.stdout.decode(encoding).splitlines()


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_utf8_and_ascii_output_differ_only_in_escapes(accents: Path, fmt: str) -> None:
    utf8, ascii_ = _lines(accents, fmt, "utf-8"), _lines(accents, fmt, "ascii")
    assert len(utf8) == len(ascii_)  # same layout: one record a line
    parsed = [[json.loads(line.rstrip(",")) for line in out if line not in "[]"] for out in (utf8, ascii_)]
    assert parsed[0] == parsed[1] and len(parsed[0]) > 3
    text = "\n".join(utf8)
    assert "Việt Nam" in text and "\\u" not in text  # the characters themselves
    assert "Vi\\u1ec7t Nam" in "\n".join(ascii_)
    body = [line.rstrip(",") for line in utf8 if line not in "[]"]
    assert all(line.startswith('{"id":') and line.endswith("}") for line in body)
    if fmt == "json":
        assert utf8[0] == "[" and utf8[-1] == "]"
        assert all(line.endswith(",") for line in utf8[1:-2]) and not utf8[-2].endswith(",")


@pytest.mark.parametrize(("fmt", "parse"), [("json", json.loads), ("jsonl", None)])
def test_a_value_orjson_refuses_is_still_written(
    monkeypatch: pytest.MonkeyPatch, fmt: str, parse: object
) -> None:
    records = [{"id": "a", "text": "lone \ud800 surrogate"}, {"id": "b", "text": "fine"}]
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="surrogatepass")
    monkeypatch.setattr(sys, "stdout", out)
    text = render.records_as(records, render.OutputFormat(fmt), ["id", "text"])
    loaded = json.loads(text) if fmt == "json" else [json.loads(line) for line in text.splitlines()]
    assert loaded == records


def test_empty_outputs() -> None:
    assert render.records_as([], render.OutputFormat.json, ["id"]) == "[]\n"
    assert render.records_as([], render.OutputFormat.jsonl, ["id"]) == ""


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_raw_utf8_writing_matches_the_text_path(monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    """emit_records writes orjson's bytes straight to stdout's buffer when it can: the same text."""
    records = [
        {"id": "a", "text": "Vi\u1ec7t Nam \u201cquoted\u201d"},
        {"id": "b", "text": "x\ny", "n": [1, None]},
    ]
    raw = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(raw, encoding="utf-8"))
    render.emit_records(records, render.OutputFormat(fmt), ["id", "text"], "quotes")
    sys.stdout.flush()
    written = raw.getvalue().decode("utf-8")
    assert written == render.records_as(records, render.OutputFormat(fmt), ["id", "text"])
    assert "Vi\u1ec7t" in written


def test_a_record_orjson_refuses_goes_through_the_text_path(monkeypatch: pytest.MonkeyPatch) -> None:
    records = [{"id": "a", "text": "lone \ud800 surrogate"}]
    raw = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(raw, encoding="utf-8", errors="surrogatepass"))
    render.emit_records(records, render.OutputFormat.json, ["id", "text"], "quotes")
    sys.stdout.flush()
    assert json.loads(raw.getvalue().decode("utf-8", "surrogatepass")) == records
