"""A large collection's text index and table rows are made by a second process while the
cache is written (`cache_sections.start_kept`): the cache holds the same sections as when
one process makes them all, and a second process that fails leaves them to the first.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bali_corruption_cli.cli import app
from bali_corruption_cli.output import table_cells
from bali_corruption_cli.store import cache, cache_sections
from conftest_generated import generated_catalogue


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated_catalogue(tmp_path_factory, 10_500)  # three chunks of practices


def _sections(data: Path, where: Path, workers: str) -> dict[str, Any]:
    """Write ``data``'s cache entry into ``where``; every kept section of every collection."""
    result = CliRunner().invoke(
        app, ["--data-dir", str(data), "stages"], env={"BCC_CACHE_DIR": str(where), "BCC_WORKERS": workers}
    )
    assert result.exit_code == 0, result.stderr
    (entry,) = where.glob("catalog-*")
    reader = cache.Reader(entry)
    kept = {}
    for name in reader.names:
        count = reader.sections[name]["count"]
        kept[name] = (
            reader.text(name),
            reader.rows(name, range(count), table_cells.version()),
            reader.widths(name, table_cells.version()),
            reader.ids(name),
        )
    del reader
    return kept


def _exits_at_once(code: int) -> Any:
    def start(_name: str, _records: Any, _fields: Any, _display: Any) -> tuple[int, Any]:
        spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed by finish_kept
        pid = os.fork()
        if pid == 0:
            os._exit(code)
        return pid, spool

    return start


@pytest.mark.parametrize("helper", ["second process", "it fails", "it writes nothing"])
def test_the_kept_sections_are_the_same_with_a_second_process(
    generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, helper: str
) -> None:
    alone = _sections(generated, tmp_path / "alone", "1")
    monkeypatch.setattr(cache_sections, "HELPED", 100)  # the generated practices are helped
    if helper != "second process":
        monkeypatch.setattr(cache_sections, "start_kept", _exits_at_once(1 if helper == "it fails" else 0))
    finished: list[str] = []
    real = cache_sections.finish_kept

    def finish(put: Any, section: Any, name: str, *args: Any) -> None:
        finished.append(name)
        real(put, section, name, *args)

    monkeypatch.setattr(cache_sections, "finish_kept", finish)
    helped = _sections(generated, tmp_path / "helped", "2")
    assert "practices" in finished  # the second process's sections were taken (or made here)
    assert helped == alone
    assert helped["practices"][0] is not None and helped["practices"][1] is not None  # text index, rows


def test_the_answers_are_the_same(generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache_sections, "HELPED", 100)
    runner = CliRunner()
    for args in (["practices"], ["search", "migration"], ["practices", "--search", "border", "--json"]):
        answers = [
            runner.invoke(
                app,
                ["--data-dir", str(generated), *args],
                env={"BCC_CACHE_DIR": str(tmp_path / workers), "BCC_WORKERS": workers, "COLUMNS": "120"},
            ).stdout
            for workers in ("1", "2", "1", "2")  # the second of each: from the cache just written
        ]
        assert answers[2] == answers[3] and answers[0] == answers[2], args
