"""The progress indicator for slow loads: on a terminal only, and only when slow."""

from __future__ import annotations

import io
import time

import pytest

from bali_corruption_cli import render


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
