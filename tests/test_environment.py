"""Every environment variable bcc reads is parsed strictly: a bad value is one line on
stderr naming the variable and exit 2, never a silent default nor an internal error."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest_hostile import run, run_process, subprocess_env


@pytest.mark.parametrize("value", ["nonsense", "0", "-1", "+2", " 2", "2 ", "1.5", "٣", "²", "65", "9" * 400])
def test_a_bad_bcc_workers_is_exit_2(value: str) -> None:
    result = run("events", "--json", env={"BCC_WORKERS": value})
    assert result.code == 2, (value, result.err)
    lines = result.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("bcc: error: BCC_WORKERS must be a whole number")


def test_a_non_ascii_digit_in_a_separate_process_is_exit_2() -> None:
    proc = run_process("events", "--json", env=subprocess_env(BCC_WORKERS="٣"))
    assert proc.returncode == 2
    assert proc.stderr.decode().count("\n") == 1 and b"BCC_WORKERS" in proc.stderr


@pytest.mark.parametrize("value", ["", "1", "4", "64"])
def test_good_bcc_workers(value: str) -> None:
    result = run("events", "--json", env={"BCC_WORKERS": value})
    assert result.code == 0, result.err


@pytest.mark.parametrize("shape", ["{a}{sep}{sep}{b}", "{sep}{a}", "{a}{sep}", "{sep}"])
def test_an_empty_bcc_with_entry_is_exit_2(tmp_path: Path, shape: str) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    value = shape.format(a=a, b=b, sep=os.pathsep)
    result = run("events", "--json", env={"BCC_WITH": value})
    assert result.code == 2, result.err
    lines = result.err.splitlines()
    assert len(lines) == 1 and "BCC_WITH has an empty entry" in lines[0]


def test_an_empty_bcc_with_is_no_overlay() -> None:
    assert run("events", "--json", env={"BCC_WITH": ""}).code == 0


def test_with_on_the_command_line_wins_over_a_bad_bcc_with(tmp_path: Path) -> None:
    """--with replaces BCC_WITH, but a bad value is still refused: every variable is checked."""
    result = run("--with", str(tmp_path), "events", env={"BCC_WITH": os.pathsep})
    assert result.code == 2
