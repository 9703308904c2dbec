"""A synthetic catalogue (bench/generate.py), a cache folder holding its entry, and a spy on
the cache's reads: for the tests that compare the cache's fast paths with the records' own."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bali_corruption_cli.cli import app
from bali_corruption_cli.store import cache
from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from generate import generate


def generated_catalogue(factory: pytest.TempPathFactory, practices: int, spread: bool = False) -> Path:
    """The shipped data plus ``practices`` synthetic practices (``spread``: that many
    records over practices, events and stakeholders), in a new folder."""
    directory = factory.mktemp("generated") / "data"
    generate(practices, directory, spread=spread)
    return directory


def warm_cache(factory: pytest.TempPathFactory, data: Path) -> str:
    """A new cache folder holding ``data``'s entry (written by one command)."""
    where = str(factory.mktemp("warm-cache"))
    result = CliRunner().invoke(app, ["--data-dir", str(data), "stages"], env={"BCC_CACHE_DIR": where})
    assert result.exit_code == 0, result.stderr
    return where


def spy(monkeypatch: pytest.MonkeyPatch, method: str) -> list[str]:
    """The collections whose ``cache.Reader.<method>`` is called from now on (in order)."""
    called: list[str] = []
    real = getattr(cache.Reader, method)

    def spied(self: cache.Reader, name: str, *args: Any) -> Any:
        called.append(name)
        return real(self, name, *args)

    monkeypatch.setattr(cache.Reader, method, spied)
    return called
