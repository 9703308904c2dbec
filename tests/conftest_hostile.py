"""Helpers for the hostile-input tests (test_hostile_*.py, test_properties.py).

Not a pytest conftest: imported by those files.  Every helper that runs bcc
also checks the one promise common to all of them: never a traceback.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from typer.testing import CliRunner

from bali_corruption_cli.cli import app

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"

# Every exit code bcc documents (README "Exit codes").
DOCUMENTED_EXIT_CODES = {0, 1, 2, 3, 70, 74, 130, 141, 143}
# The exit codes of an answer that is not a bug (70 is "internal error").
EXPECTED_EXIT_CODES = {0, 1, 2, 3}

# Text that must never reach a terminal raw: it would colour, move the cursor,
# clear the screen, set the window title, open a hyperlink or reverse text.
HOSTILE = (
    "[bold red]x[/] [/x] [link=http://evil]y[/link] :smile: "
    "\x1b[31mred\x1b[0m \x1b[2J\x1b[H\x1b[10A "
    "\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\ "
    "\x1b]0;pwned\x07 \u202egnp.exe \u2066iso\u2069 \x9b31m \x07\x08\r"
)
RAW_NEVER = (
    "\x1b]",
    "\x1b[2J",
    "\x1b[H",
    "\x1b[10A",
    "\x1b[31m",
    "\x07",
    "\x08",
    "\r",
    "\u202e",
    "\u2066",
    "\x9b",
)


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def first(self) -> str:
        lines = self.err.splitlines()
        return lines[0] if lines else ""


def check_no_traceback(out: str, err: str) -> None:
    assert "Traceback" not in err, err
    assert "Traceback" not in out, out
    assert "internal error" not in err, err


def run(*args: str, env: dict[str, str] | None = None, input: str | None = None) -> Run:
    """bcc in-process through Typer's CliRunner (stdout and stderr separate)."""
    result = CliRunner().invoke(app, list(args), env=env, input=input)
    # An exception other than SystemExit means BccGroup.main let one escape.
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    check_no_traceback(result.stdout, result.stderr)
    assert result.exit_code in DOCUMENTED_EXIT_CODES, (result.exit_code, result.stderr)
    return Run(result.exit_code, result.stdout, result.stderr)


def subprocess_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BCC_", "NO_COLOR", "FORCE_COLOR"))}
    env["BCC_CACHE_DIR"] = ""
    env.update(extra)
    return env


def run_process(
    *args: str, env: dict[str, str] | None = None, timeout: float = 60, **kwargs: Any
) -> subprocess.CompletedProcess[bytes]:
    """bcc as a separate process (``python -m bali_corruption_cli``); output as bytes."""
    proc = subprocess.run(
        [sys.executable, "-m", "bali_corruption_cli", *args],
        env=env if env is not None else subprocess_env(),
        capture_output=True,
        timeout=timeout,
        **kwargs,
    )
    check_no_traceback(proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace"))
    return proc


def pty_run(*args: str, env: dict[str, str], columns: int = 100, rows: int = 50) -> tuple[int, bytes, bytes]:
    """bcc with a pseudo-terminal of ``columns`` x ``rows`` as stdin and stdout: its exit
    code, what it showed, its stderr."""
    import fcntl
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
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


def run_in_pty(*args: str, env: dict[str, str], columns: int = 100, rows: int = 50) -> bytes:
    """`pty_run`, checking exit 0 and no traceback; what it showed."""
    code, shown, err = pty_run(*args, env=env, columns=columns, rows=rows)
    assert code == 0, err
    assert b"Traceback" not in err
    return shown


def copy_data(tmp_path: Path, name: str = "data") -> Path:
    target = tmp_path / name
    shutil.copytree(DATA, target)
    return target


def snapshot(directory: Path) -> dict[str, tuple[bytes | None, int]]:
    """Every entry under ``directory``: bytes (None for non-files) and mtime, to prove nothing changed."""
    out: dict[str, tuple[bytes | None, int]] = {}
    for path in sorted(directory.rglob("*")):
        info = path.lstat()
        data = (
            path.read_bytes()
            if path.is_file() and not path.is_symlink() and os.access(path, os.R_OK)
            else None
        )
        out[str(path.relative_to(directory))] = (data, info.st_mtime_ns)
    return out


def add_records(data_dir: Path, collection: str, records: list[dict[str, Any]]) -> None:
    """Append records (as YAML, controls escaped by the dumper) to a collection file."""
    path = data_dir / f"{collection}.yaml"
    text = yaml.safe_dump(records, allow_unicode=True, sort_keys=False, width=10**6)
    path.write_text(path.read_text(encoding="utf-8") + "\n" + text, encoding="utf-8")


def quote(rid: str, text: str, **extra: Any) -> dict[str, Any]:
    """A valid quote record (speaker, event and source exist in the shipped catalogue)."""
    return {
        "id": rid,
        "speaker": "david-scott",
        "event": "regional-conference-2023",
        "kind": "direct",
        "text": text,
        "sources": [{"source": "rso-conference-article-2023", "at": extra.pop("at", "para 1")}],
        **extra,
    }


def assert_data_error(result: Run, *needles: str) -> None:
    """Exit 3 with one clear first line naming the file (and each needle)."""
    assert result.code == 3, (result.code, result.err)
    assert result.first.startswith("bcc: error: "), result.err
    for needle in needles:
        assert needle in result.first, (needle, result.first)
