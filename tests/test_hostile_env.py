"""Hostile environments: closed pipes, Ctrl-C, ASCII locales, narrow or dumb
terminals, NO_COLOR, no terminal at all, closed standard streams.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from conftest_hostile import (
    DATA,
    add_records,
    copy_data,
    quote,
    run,
    run_in_pty,
    run_process,
    subprocess_env,
)

POSIX = os.name == "posix"
CURLY = "\u201cNot a quick fix\u201d \u2014 Vi\u1ec7t Nam, caf\u00e9"
BOX = "─━│┃┏┓┗┛┡┩└┘┌┐├┤┬┴┼═║╭╮╯╰"


@pytest.fixture(scope="module")
def curly(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = copy_data(tmp_path_factory.mktemp("curly"))
    add_records(data, "quotes", [quote("curly-quote", CURLY)])
    return data


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A catalogue whose output is far larger than a pipe's buffer, and slow to load uncached."""
    data = copy_data(tmp_path_factory.mktemp("big"))
    add_records(data, "quotes", [quote(f"bulk-{n}", f"statement {n} " * 20) for n in range(6000)])
    return data


# ---------------------------------------------------------------- closed stdout


def _spawn(*args: str, env: dict[str, str] | None = None, **kwargs: object) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "bali_corruption_cli", *args],
        env=env or subprocess_env(),
        stderr=subprocess.PIPE,
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.mark.skipif(not POSIX, reason="POSIX pipes")
@pytest.mark.parametrize(
    "args",
    [
        ["events"],
        ["events", "--json"],
        ["stakeholders", "--format", "yaml"],
        ["sources", "--format", "csv"],
        ["summary"],
        ["--version"],
        ["--help"],
    ],
)
def test_stdout_closed_before_any_output(args: list[str]) -> None:
    """The reader is gone before bcc writes: quiet exit 141 (128 + SIGPIPE), nothing on stderr."""
    read_end, write_end = os.pipe()
    proc = _spawn(*args, stdout=write_end)
    os.close(write_end)
    os.close(read_end)
    err = proc.stderr.read() if proc.stderr else b""
    assert proc.wait(timeout=60) == 141, err
    assert err == b""


@pytest.mark.skipif(not POSIX, reason="POSIX pipes")
@pytest.mark.parametrize("fmt", ["table", "json", "jsonl", "csv", "yaml"])
def test_stdout_closed_after_one_line(big: Path, fmt: str) -> None:
    """``bcc quotes | head -1``: exit 0 or 141, quietly."""
    env = subprocess_env(BCC_CACHE_DIR=str(big.parent / "cache"))  # only the first run validates
    fields = ["--fields", "id"] if fmt == "table" else []  # a 6000-row table of every column is slow to draw
    proc = _spawn("--data-dir", str(big), "quotes", "--format", fmt, *fields, stdout=subprocess.PIPE, env=env)
    assert proc.stdout is not None
    assert proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read() if proc.stderr else b""
    assert proc.wait(timeout=120) in (0, 141), err
    assert err == b""


@pytest.mark.skipif(not POSIX, reason="a shell pipeline")
def test_shell_pipeline_into_head() -> None:
    bcc = f"{sys.executable} -m bali_corruption_cli"
    proc = subprocess.run(
        ["sh", "-c", f"{bcc} stakeholders --json | head -c 20; {bcc} events | head -n 1"],
        env=subprocess_env(),
        capture_output=True,
        timeout=60,
    )
    assert proc.returncode == 0
    assert proc.stderr == b""


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
def test_stdout_full_disk() -> None:
    with open("/dev/full", "wb") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "bali_corruption_cli", "events", "--json"],
            env=subprocess_env(),
            stdout=full,
            stderr=subprocess.PIPE,
            timeout=60,
        )
    err = proc.stderr.decode()
    assert "Traceback" not in err
    assert proc.returncode == 74  # EX_IOERR: output could not be written
    assert err.startswith("bcc: error: ") and len(err.splitlines()) == 1


@pytest.mark.skipif(not POSIX, reason="POSIX file descriptors")
@pytest.mark.parametrize("fd", [0, 1])
def test_closed_standard_stream(fd: int) -> None:
    """``bcc events <&-`` or ``>&-``: exit 0 quietly."""
    proc = run_process("events", preexec_fn=lambda: os.close(fd))
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == b""


@pytest.mark.skipif(not POSIX, reason="POSIX file descriptors")
def test_closed_stderr_keeps_the_exit_code() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "bali_corruption_cli", "events", "--year", "abc"],
        env=subprocess_env(),
        stdout=subprocess.PIPE,
        preexec_fn=lambda: os.close(2),
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stdout == b""


def test_no_terminal_at_all() -> None:
    proc = run_process("events", stdin=subprocess.DEVNULL)
    assert proc.returncode == 0
    assert b"regional-conference-2023" in proc.stdout
    assert b"\x1b" not in proc.stdout


# ---------------------------------------------------------------- Ctrl-C


def _interrupt(*_args: object, **_kwargs: object) -> None:
    raise KeyboardInterrupt


@pytest.mark.parametrize(
    ("target", "args"),
    [
        ("bali_corruption_cli.catalog.load", ["events"]),
        ("bali_corruption_cli.output.render.emit_records", ["events", "--json"]),
        ("bali_corruption_cli.query.query.filter_records", ["practices", "--sector", "private"]),
    ],
)
def test_ctrl_c_inside_a_command(monkeypatch: pytest.MonkeyPatch, target: str, args: list[str]) -> None:
    monkeypatch.setattr(target, _interrupt)
    result = run(*args)
    assert result.code == 130
    assert result.err == "bcc: error: interrupted\n"


def _wait_until_validating(proc: subprocess.Popen[bytes]) -> None:
    """Until the child has imported Pydantic (it validates the YAML), or a while where /proc is missing."""
    maps = Path(f"/proc/{proc.pid}/maps")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and proc.poll() is None:
        if not maps.exists():
            time.sleep(1.0)
            return
        try:
            if b"pydantic_core" in maps.read_bytes():
                time.sleep(0.2)
                return
        except OSError:
            pass
        time.sleep(0.02)


@pytest.mark.skipif(not POSIX, reason="POSIX signals")
def test_sigint_while_loading(big: Path) -> None:
    """A real SIGINT while the (uncached) catalogue is validated."""
    proc = _spawn("--data-dir", str(big), "quotes", "--json", stdout=subprocess.DEVNULL)
    _wait_until_validating(proc)
    if proc.poll() is not None:
        pytest.skip("bcc finished before it could be interrupted")
    proc.send_signal(signal.SIGINT)
    err = proc.stderr.read().decode() if proc.stderr else ""
    code = proc.wait(timeout=60)
    if code in (0, -signal.SIGINT) and err == "":
        pytest.skip("the signal arrived as bcc was exiting")  # Python restores SIG_DFL at shutdown
    assert code == 130, err
    assert err == "bcc: error: interrupted\n"


# ---------------------------------------------------------------- encodings


ASCII_LOCALES = {
    "LC_ALL=C": {"LC_ALL": "C", "LANG": "C"},
    "C-without-coercion": {"LC_ALL": "C", "LANG": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0"},
    "PYTHONIOENCODING=ascii": {"PYTHONIOENCODING": "ascii"},
    "PYTHONIOENCODING=latin-1": {"PYTHONIOENCODING": "latin-1"},
}


@pytest.mark.parametrize("locale", sorted(ASCII_LOCALES))
def test_table_in_a_poor_locale(curly: Path, locale: str) -> None:
    env = subprocess_env(COLUMNS="400", **ASCII_LOCALES[locale])
    proc = run_process("--data-dir", str(curly), "quotes", "--fields", "id,text", env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == b""
    assert b"curly-quote" in proc.stdout and b"Not a quick fix" in proc.stdout


@pytest.mark.parametrize("locale", sorted(ASCII_LOCALES))
@pytest.mark.parametrize("fmt", ["json", "jsonl", "yaml"])
def test_machine_formats_round_trip_in_a_poor_locale(curly: Path, locale: str, fmt: str) -> None:
    env = subprocess_env(**ASCII_LOCALES[locale])
    proc = run_process("--data-dir", str(curly), "quotes", "--format", fmt, env=env)
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout.decode("utf-8")  # ASCII (escaped) or UTF-8: never the terminal's mangling
    if fmt == "json":
        records = json.loads(text)
    elif fmt == "jsonl":
        records = [json.loads(line) for line in text.splitlines()]
    else:
        records = yaml.safe_load(text)
    (found,) = [r for r in records if r["id"] == "curly-quote"]
    assert found["text"] == CURLY


def test_ascii_table_is_aligned(curly: Path) -> None:
    """Escaped characters are measured as printed: the column after them starts at the same place
    in the header and the row (no padding after the last column, so lines may differ in length)."""
    env = subprocess_env(PYTHONIOENCODING="ascii", COLUMNS="400")
    proc = run_process(
        "--data-dir", str(curly), "quotes", "--fields", "text,id", "--search", "curly", env=env
    )
    lines = [line for line in proc.stdout.decode("ascii").splitlines() if line.strip()]
    assert "\\u201cNot a quick fix\\u201d" in proc.stdout.decode("ascii")
    header, row = lines[1], lines[-1]
    assert header.index(" id") + 1 == row.index("curly-quote") > row.index("caf\\xe9"), lines
    assert all(line == line.rstrip() for line in lines)


def test_non_ascii_argument_in_an_ascii_locale() -> None:
    env = subprocess_env(PYTHONIOENCODING="ascii")
    proc = run_process("events", "--country", "Vi\u1ec7t", env=env)
    assert proc.returncode == 2
    first = proc.stderr.decode("ascii").splitlines()[0]
    assert first.startswith("bcc: error: ") and "--country" in first


# ---------------------------------------------------------------- narrow terminals


def _column_text(out: str, name: str) -> str:
    """The text of one table column, read top to bottom, with whitespace and box characters removed."""
    lines = out.splitlines()
    header_at = next(n for n, line in enumerate(lines) if re.search(rf"\s{re.escape(name)}\s", f" {line} "))
    header = lines[header_at]
    start = header.index(name)
    rest = header[start + len(name) :]
    nxt = re.search(r"\S", rest)
    end = start + len(name) + nxt.start() if nxt else None
    cells = [line[start:end] for line in lines[header_at + 1 :]]
    return re.sub(rf"[\s{re.escape(BOX)}]", "", "".join(cells))


def _squash(text: str) -> str:
    return re.sub(r"\s", "", text)


@pytest.mark.parametrize("columns", ["20", "30", "45"])
def test_narrow_terminal_cuts_nothing_off(columns: str) -> None:
    titles = [r["title"] for r in json.loads(run("events", "--json").out)]
    result = run("events", "--fields", "id,title", env={"COLUMNS": columns})
    assert result.code == 0
    # Only a line holding one unbreakable word (an id) may be wider than the terminal.
    assert all(len(line) <= int(columns) or len(line.split()) == 1 for line in result.out.splitlines())
    shown = _squash(result.out)
    assert all(_squash(t) in shown for t in titles)  # each title whole, in one place
    for title in titles:
        for word in title.split():
            assert word in shown


def test_narrow_terminal_default_columns_cut_nothing_off() -> None:
    titles = [r["title"] for r in json.loads(run("events", "--json").out)]
    out = _squash(run("events", env={"COLUMNS": "20"}).out)
    for title in titles:
        for word in title.split():
            assert word in out


@pytest.mark.parametrize("columns", ["1", "0", "-5", "abc", "99999999999999999999", ""])
def test_absurd_terminal_widths(columns: str) -> None:
    result = run("events", "--fields", "id", env={"COLUMNS": columns, "LINES": columns})
    assert result.code == 0, result.err


# ---------------------------------------------------------------- colour and terminals


pty_only = pytest.mark.skipif(not POSIX or sys.platform == "darwin", reason="Linux pseudo-terminals")
# No pager: a pager draws on the terminal itself (these tests read what bcc writes).
TERMINAL = {"TERM": "xterm-256color", "COLUMNS": "100", "BCC_PAGER": ""}


@pty_only
def test_pty_harness_sees_a_terminal() -> None:
    """Without NO_COLOR, a terminal gets colour: so the checks below are not vacuous."""
    out = run_in_pty("events", env=subprocess_env(**TERMINAL))
    assert b"\x1b[" in out and b"regional-conference-2023" in out


@pty_only
@pytest.mark.parametrize(
    ("extra", "args"),
    [
        ({"NO_COLOR": "1"}, ["events"]),
        ({"NO_COLOR": "1"}, ["show", "regional-conference-2023"]),
        ({"NO_COLOR": "1"}, ["summary"]),
        ({"TERM": "dumb"}, ["events"]),
        ({}, ["--color", "never", "events"]),
    ],
)
def test_no_escape_sequences_on_a_terminal(extra: dict[str, str], args: list[str]) -> None:
    out = run_in_pty(*args, env=subprocess_env(**{**TERMINAL, **extra}))
    assert b"RSO" in out
    assert b"\x1b" not in out


def test_color_always_without_a_terminal() -> None:
    result = run("--color", "always", "events")
    assert "\x1b[" in result.out


def test_color_always_beats_no_color() -> None:
    """An explicit --color always wins over NO_COLOR (as https://no-color.org asks)."""
    result = run("--color", "always", "events", env={"NO_COLOR": "1"})
    assert "\x1b[" in result.out


def test_no_colour_when_piped() -> None:
    proc = run_process("events", env=subprocess_env(TERM="xterm-256color", FORCE_COLOR=""))
    assert b"\x1b" not in proc.stdout


# ---------------------------------------------------------------- environment variables


def test_empty_bcc_data_dir_means_the_shipped_catalogue() -> None:
    result = run("events", "--json", env={"BCC_DATA_DIR": ""})
    assert result.code == 0 and json.loads(result.out)


def test_hostile_bcc_with(tmp_path: Path) -> None:
    result = run("events", env={"BCC_WITH": os.pathsep.join([str(tmp_path / "nope"), "\x1b]0;pwned\x07"])})
    assert result.code == 3
    assert "\x1b" not in result.err


def test_unusable_cache_locations(tmp_path: Path) -> None:
    """No BCC_CACHE_DIR, and a HOME / XDG_CACHE_HOME that cannot hold a cache: still works."""
    env = {k: v for k, v in subprocess_env().items() if k != "BCC_CACHE_DIR"}
    env.update(HOME=str(tmp_path / "missing-home"), XDG_CACHE_HOME="/dev/null/cache")
    proc = run_process("events", "--json", env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == b""


def test_shipped_data_is_what_the_fixtures_copy() -> None:
    assert (DATA / "quotes.yaml").is_file()
