"""Shared fixtures: run bcc in-process through Typer's CliRunner, with a private cache."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bali_corruption_cli.cli import app

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)

    def ids(self) -> list[str]:
        return [r["id"] for r in self.json()]


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own cache directory and the shipped catalogue."""
    monkeypatch.setenv("BCC_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.delenv("BCC_DATA_DIR", raising=False)
    monkeypatch.delenv("BCC_WITH", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)


@pytest.fixture
def bcc() -> Callable[..., Run]:
    """Call as bcc("practices", "--json"); returns exit code, stdout and stderr."""
    runner = CliRunner()

    def run(*args: str, env: dict[str, str] | None = None) -> Run:
        result = runner.invoke(app, list(args), env=env)
        assert "Traceback" not in result.stderr
        return Run(result.exit_code, result.stdout, result.stderr)

    return run


def hotline_overlay(tmp_path: Path) -> Path:
    """An overlay folder adding one practice, ``local-hotline`` (for ``--with``)."""
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "practices.yaml").write_text(
        "- id: local-hotline\n  title: A local hotline\n  summary: Test.\n  sectors: [media]\n"
        "  sources:\n    - {source: rso-conference-article-2023, at: 'para 4'}\n",
        encoding="utf-8",
    )
    return extra
