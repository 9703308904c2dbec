"""Command-line conventions through the CLI: FORCE_COLOR, a failing pager, errors that name
what is wrong, standard output named when it cannot be written, help that lists values."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest_hostile import run, run_process, subprocess_env

POSIX_PTY = os.name == "posix" and sys.platform != "darwin"


def pty_run(*args: str, env: dict[str, str], rows: int = 10) -> tuple[int, bytes, bytes]:
    """bcc with a pseudo-terminal as stdin and stdout: exit code, what it showed, stderr."""
    import fcntl
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, 80, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, "-m", "bali_corruption_cli", *args],
        env=env,
        stdin=slave,
        stdout=slave,
        stderr=subprocess.PIPE,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    err = proc.stderr.read() if proc.stderr else b""
    return proc.wait(timeout=60), b"".join(chunks), err


# ---------------------------------------------------------------- colour


def test_force_color_means_color_always_when_piped() -> None:
    forced = run_process("events", env=subprocess_env(FORCE_COLOR="1"))
    assert forced.returncode == 0 and b"\x1b[" in forced.stdout
    both = run_process("events", env=subprocess_env(FORCE_COLOR="1", NO_COLOR="1"))
    assert b"\x1b[" in both.stdout  # force-color.org: FORCE_COLOR is checked after NO_COLOR
    assert b"\x1b[" not in run_process("events", env=subprocess_env(FORCE_COLOR="")).stdout  # empty: unset


def test_an_explicit_color_option_beats_force_color() -> None:
    for args in (["--color", "never", "events"], ["events", "--color", "never"], ["--color", "auto", "events"]):
        proc = run_process(*args, env=subprocess_env(FORCE_COLOR="1"))
        assert proc.returncode == 0 and b"\x1b" not in proc.stdout, args


# ---------------------------------------------------------------- the pager


@pytest.mark.skipif(not POSIX_PTY, reason="Linux pseudo-terminals")
@pytest.mark.parametrize(
    ("pager", "said"),
    [
        ("false", b"exit status 1"),
        ("sh -c 'kill -TERM $$'", b"SIGTERM"),
        ("/nonexistent/pager --flag", b"could not be started"),
    ],
)
def test_a_failing_pager_never_loses_the_output(pager: str, said: bytes) -> None:
    env = subprocess_env(TERM="xterm-256color", BCC_PAGER=pager)
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    code, out, err = pty_run("events", env=env, rows=10)
    assert b"regional-conference-2023" in out and b"rso-unodc-meeting-2021" in out
    assert code == 0 and b"pager" in err and said in err and b"printed without it" in err
