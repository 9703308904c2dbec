"""The progress indicator for slow loads: on a terminal only, and only when slow."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bali_corruption_cli import catalog
from bali_corruption_cli.output import render


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_spinner_appears_on_a_terminal_when_slow(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeTerminal()
    monkeypatch.setattr("sys.stderr", fake)
    monkeypatch.delenv("TERM", raising=False)
    with render.slow_work("reading the catalogue", after=0.05):
        time.sleep(0.5)
    assert "reading the catalogue" in fake.getvalue()


def test_no_spinner_when_fast_or_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeTerminal()
    monkeypatch.setattr("sys.stderr", fake)
    with render.slow_work("reading the catalogue", after=5):
        pass
    assert fake.getvalue() == ""
    pipe = io.StringIO()
    monkeypatch.setattr("sys.stderr", pipe)
    with render.slow_work("reading the catalogue", after=0.01):
        time.sleep(0.2)
    assert pipe.getvalue() == ""


def test_the_loader_reports_through_the_progress_it_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading the YAML is announced through the caller's callback; a cache hit reads none."""
    monkeypatch.setenv("BCC_CACHE_DIR", str(tmp_path / "cache"))
    told: list[str] = []

    @contextlib.contextmanager
    def progress(message: str) -> Iterator[None]:
        told.append(message)
        yield

    first = catalog.load(catalog.shipped_data_dir(), progress=progress)
    assert told == ["reading and checking the catalogue (later runs use a cache)"]
    again = catalog.load(catalog.shipped_data_dir(), progress=progress)
    assert told == ["reading and checking the catalogue (later runs use a cache)"]
    assert again.collections == first.collections


def test_a_cold_load_imports_no_output_layer(tmp_path: Path) -> None:
    """The loader draws nothing itself: a cold load imports neither render nor Rich nor the CLI."""
    code = (
        "import sys\n"
        "from bali_corruption_cli import catalog\n"
        "assert catalog.load().records('practices')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'rich' or m.startswith("
        "('bali_corruption_cli.output.render', 'bali_corruption_cli.cli'))))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("BCC_")}
    env["BCC_CACHE_DIR"] = str(tmp_path / "cache")
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"
    assert list((tmp_path / "cache").glob("catalog-*")), "not a cold load: no cache entry written"
