"""--json and jsonl: orjson where stdout takes UTF-8, the standard library otherwise; one layout."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bali_corruption_cli.output import formats, render
from conftest import Run
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


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
@pytest.mark.parametrize("count", [0, 1, 2, 3, 4, 5])
def test_json_written_a_block_at_a_time_keeps_the_layout(
    monkeypatch: pytest.MonkeyPatch, fmt: str, count: int
) -> None:
    """Records are laid out and written a block at a time (not one bytes of the whole answer):
    with blocks of 2 records, each boundary (even, odd, none) gives the one layout."""
    monkeypatch.setattr(formats, "_PIECES_A_WRITE", 2)
    records = [{"id": f"r{n}", "text": f"Vi\u1ec7t Nam {n}", "n": [n, None]} for n in range(count)]
    lines = [json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in records]
    if fmt == "json":
        expected = "[\n" + ",\n".join(lines) + "\n]\n" if records else "[]\n"
    else:
        expected = "".join(line + "\n" for line in lines)
    raw = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(raw, encoding="utf-8"))
    render.emit_records(records, render.OutputFormat(fmt), ["id", "text", "n"], "quotes")
    sys.stdout.flush()
    assert raw.getvalue().decode("utf-8") == expected
    assert render.records_as(records, render.OutputFormat(fmt), ["id", "text", "n"]) == expected


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_cold_and_cached_answers_written_in_blocks_are_the_same(
    bcc: Callable[..., Run], monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    """The first answer (records just read) and the next (the cache's JSON) are written a
    block of 3 records at a time: the same bytes, one record a line, as the layout says."""
    monkeypatch.setattr(formats, "_PIECES_A_WRITE", 3)
    cold = bcc("practices", "--format", fmt)
    warm = bcc("practices", "--format", fmt)
    assert cold.exit_code == warm.exit_code == 0
    assert cold.stdout == warm.stdout
    lines = cold.stdout.splitlines()
    body = lines[1:-1] if fmt == "json" else lines
    if fmt == "json":
        assert lines[0] == "[" and lines[-1] == "]"
        assert all(line.endswith(",") for line in body[:-1]) and not body[-1].endswith(",")
    records = [json.loads(line.rstrip(",")) for line in body]
    assert len(records) > 6 and len({r["id"] for r in records}) == len(records)
    assert records == (json.loads(cold.stdout) if fmt == "json" else records)
