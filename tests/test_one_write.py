"""One write policy for every writer, and ``bcc new`` losing no record.

The rule (README, "Writing files"): a missing target is written; a regular file is
replaced only with ``--force``; a folder, a FIFO, a device, a socket or a symbolic link
(dangling or not) is never replaced, with or without ``--force``, nor is a file of the
catalogue being read: exit 2, nothing touched.  The cases below are made from the rule:
every writer against every kind of thing a target can be.
"""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import ROOT
from conftest_hostile import run, run_process, subprocess_env

NO_CACHE = {"BCC_CACHE_DIR": ""}


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _dangling_link(path: Path) -> None:
    path.symlink_to(path.parent / "nowhere")


def _link_to_a_file(path: Path) -> None:
    (path.parent / "mine.txt").write_text("mine")
    path.symlink_to(path.parent / "mine.txt")


def _folder(path: Path) -> None:
    path.mkdir()
    (path / "keep.txt").write_text("mine")


def _socket(path: Path) -> None:
    if len(str(path)) > 100:
        pytest.skip("a socket's path must be short")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(path))
    sock.close()


NEVER: dict[str, Callable[[Path], None]] = {
    "a FIFO": _fifo,
    "a dangling symbolic link": _dangling_link,
    "a symbolic link to a file": _link_to_a_file,
    "a folder": _folder,
    "a socket": _socket,
}


def _state(path: Path) -> tuple[int, str | None, list[str]]:
    """What a target is: its kind, where a link points, what a folder holds."""
    info = path.lstat()
    link = os.readlink(path) if path.is_symlink() else None
    held = sorted(p.name for p in path.iterdir()) if stat.S_ISDIR(info.st_mode) else []
    return stat.S_IFMT(info.st_mode), link, held


# Each writer: the arguments that write ``target`` (a file; a folder for the CSV export and
# the data package).
WRITERS: dict[str, Callable[[Path], list[str]]] = {
    "export json": lambda t: ["export", "--format", "json", str(t)],
    "export sqlite": lambda t: ["export", "--format", "sqlite", str(t)],
    "export --metadata": lambda t: [
        "export",
        "--format",
        "sqlite",
        str(t.parent / "x.db"),
        "--metadata",
        str(t),
    ],
    "report": lambda t: ["report", str(t)],
    "schema --write": lambda t: ["schema", "practices", "--write", str(t.parent)],
    "data init": lambda t: ["data", "init", str(t.parent)],
}
TARGET_NAME = {"schema --write": "practices.schema.json", "data init": "events.yaml"}
# Writers given a folder write their file inside it (the report: FOLDER/bcc-report.html).
INTO_A_FOLDER = {"report": "bcc-report.html"}


@pytest.mark.parametrize("kind", list(NEVER))
@pytest.mark.parametrize("writer", list(WRITERS))
@pytest.mark.parametrize("force", [[], ["--force"]])
def test_no_writer_replaces_what_is_not_a_regular_file(
    tmp_path: Path, writer: str, kind: str, force: list[str]
) -> None:
    if writer in INTO_A_FOLDER and kind == "a folder":
        pytest.skip(
            "it writes inside a folder given to it: test_a_writer_into_a_folder_replaces_nothing_there"
        )
    target = tmp_path / TARGET_NAME.get(writer, "out.file")
    NEVER[kind](target)
    before = _state(target)
    result = run(*WRITERS[writer](target), *force, env=NO_CACHE)
    assert result.code == 2, (result.code, result.err)
    assert "not replacing" in result.err or "is a folder" in result.err
    assert _state(target) == before
    assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name]


@pytest.mark.parametrize("kind", list(NEVER))
@pytest.mark.parametrize("writer", list(INTO_A_FOLDER))
@pytest.mark.parametrize("force", [[], ["--force"]])
def test_a_writer_into_a_folder_replaces_nothing_there(
    tmp_path: Path, writer: str, kind: str, force: list[str]
) -> None:
    """The folder is never replaced; its file is written inside it by the same rules."""
    folder = tmp_path / "out"
    _folder(folder)
    target = folder / INTO_A_FOLDER[writer]
    NEVER[kind](target)
    before = _state(target), sorted(p.name for p in folder.iterdir())
    result = run(*WRITERS[writer](folder), *force, env=NO_CACHE)
    assert result.code == 2, (result.code, result.err)
    assert "not replacing" in result.err or "is a folder" in result.err
    assert (_state(target), sorted(p.name for p in folder.iterdir())) == before
    assert (folder / "keep.txt").read_text() == "mine"
    assert not [p for p in tmp_path.rglob("*") if ".tmp-" in p.name]


@pytest.mark.parametrize("fmt", ["csv", "datapackage"])
@pytest.mark.parametrize("kind", ["a FIFO", "a dangling symbolic link", "a symbolic link to a file"])
def test_a_csv_export_replaces_no_link_or_fifo(tmp_path: Path, kind: str, fmt: str) -> None:
    target = tmp_path / "csv"
    NEVER[kind](target)
    before = _state(target)
    result = run("export", "--format", fmt, str(target), "--force", env=NO_CACHE)
    assert result.code == 2 and _state(target) == before


@pytest.mark.skipif(not Path("/dev/null").is_char_device(), reason="needs /dev/null")
@pytest.mark.parametrize("writer", ["export json", "export sqlite", "export --metadata", "report"])
def test_no_writer_replaces_a_device(writer: str) -> None:
    result = run(*WRITERS[writer](Path("/dev/null")), "--force", env=NO_CACHE)
    assert result.code == 2 and "a device" in result.err
    assert Path("/dev/null").is_char_device()


@pytest.mark.parametrize("writer", list(WRITERS))
def test_a_regular_file_is_replaced_only_with_force(tmp_path: Path, writer: str) -> None:
    target = tmp_path / TARGET_NAME.get(writer, "out.file")
    target.write_text("mine")
    refused = run(*WRITERS[writer](target), env=NO_CACHE)
    assert refused.code == 2 and "--force" in refused.err and target.read_text() == "mine"
    done = run(*WRITERS[writer](target), "--force", env=NO_CACHE)
    assert done.code == 0, done.err
    assert target.read_text(errors="replace") != "mine"
    assert not [p for p in tmp_path.rglob("*") if ".tmp-" in p.name]


@pytest.mark.parametrize("writer", ["export json", "export sqlite", "export --metadata", "report"])
def test_no_writer_replaces_a_file_of_the_catalogue_being_read(tmp_path: Path, writer: str) -> None:
    data = tmp_path / "data"
    assert run("data", "init", str(data), env=NO_CACHE).code == 0
    overlay = tmp_path / "extra"
    overlay.mkdir()
    (overlay / "quotes.yaml").write_text("[]\n")
    for target in (data / "practices.yaml", overlay / "quotes.yaml"):
        before = target.read_bytes()
        args = ["--data-dir", str(data), "--with", str(overlay), *WRITERS[writer](target), "--force"]
        result = run(*args, env=NO_CACHE)
        assert result.code == 2 and "catalogue being read" in result.err, result.err
        assert target.read_bytes() == before


def test_the_written_file_has_the_umask_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, sys; os.umask(0o027); from bali_corruption_cli.entry import main; "
            "sys.argv = ['bcc', 'export', '--format', 'json', sys.argv[1]]; main()",
            str(target),
        ],
        env=subprocess_env(),
        capture_output=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


# A signal the moment the temporary file exists, before bcc has its name: the write is
# stopped as at any other moment, and the file removed (Ctrl-C exit 130, SIGTERM 143).
_SIGNAL_AT_CREATION = (
    "import os, signal, sys, tempfile\n"
    "made, sent = tempfile.mkstemp, getattr(signal, sys.argv[2])\n"
    "def mkstemp(*args, **kwargs):\n"
    "    found = made(*args, **kwargs)\n"
    "    os.kill(os.getpid(), sent)\n"
    "    return found\n"
    "tempfile.mkstemp = mkstemp\n"
    "from bali_corruption_cli.entry import main\n"
    "sys.argv = ['bcc', 'export', '--format', 'json', sys.argv[1]]\n"
    "main()\n"
)


@pytest.mark.parametrize(("name", "code"), [("SIGTERM", 143), ("SIGINT", 130)])
def test_a_signal_as_the_temporary_file_is_made_leaves_nothing(tmp_path: Path, name: str, code: int) -> None:
    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.run(
        [sys.executable, "-c", _SIGNAL_AT_CREATION, str(out / "all.json"), name],
        env=subprocess_env(),
        capture_output=True,
        timeout=60,
    )
    assert proc.returncode in (code, -getattr(signal, name)), proc.stderr
    assert b"Traceback" not in proc.stderr
    assert list(out.iterdir()) == []


def test_sigterm_during_an_export_leaves_nothing(tmp_path: Path) -> None:
    """An export killed by SIGTERM while it writes removes its temporary file (exit 143)."""
    sys.path.insert(0, str(ROOT / "bench"))
    from generate import generate

    data = tmp_path / "data"
    generate(20_000, data)
    out = tmp_path / "out"
    out.mkdir()
    target = out / "big.db"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bali_corruption_cli",
            "--data-dir",
            str(data),
            "export",
            "--format",
            "sqlite",
            str(target),
        ],
        env=subprocess_env(),
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while not any(".tmp-" in p.name for p in out.iterdir()) and proc.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    if proc.poll() is not None:
        pytest.skip("the export ended before it could be stopped")
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    assert proc.returncode in (143, -signal.SIGTERM)
    assert list(out.iterdir()) == []


# ---------------------------------------------------------------- bcc new


def _new_args(data: Path, n: int) -> list[str]:
    return [
        "--data-dir", str(data), "new", "practice", "--no-prompt", "--id", f"added-{n}",
        "--set", f"title=Added practice {n}", "--set", "summary=Added.", "--set", "sectors=[media]",
        "--source", "rso-conference-article-2023", "--at", "para 4",
    ]  # fmt: skip


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    assert run("data", "init", str(folder), env=NO_CACHE).code == 0
    return folder


def _ids(data: Path) -> list[str]:
    proc = run_process("--data-dir", str(data), "practices", "--json", "--fields", "id")
    assert proc.returncode == 0, proc.stderr
    import json

    return [r["id"] for r in json.loads(proc.stdout)]


def test_six_concurrent_new_leave_six_records(data: Path) -> None:
    before = _ids(data)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "bali_corruption_cli", *_new_args(data, n)],
            env=subprocess_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for n in range(6)
    ]
    codes = [p.wait(timeout=120) for p in procs]
    added = [f"added-{n}" for n, code in enumerate(codes) if code == 0]
    after = _ids(data)
    assert sorted(set(after) - set(before)) == sorted(added)  # every success kept its record
    assert all(code in (0, 3) for code in codes)  # the others said so
    assert len(added) == 6


def test_new_writes_through_a_symbolic_link_to_the_real_file(data: Path, tmp_path: Path) -> None:
    real = tmp_path / "elsewhere" / "practices.yaml"
    real.parent.mkdir()
    (data / "practices.yaml").rename(real)
    (data / "practices.yaml").symlink_to(real)
    result = run(*_new_args(data, 1), env=NO_CACHE)
    assert result.code == 0, result.err
    assert (data / "practices.yaml").is_symlink()
    assert "id: added-1" in real.read_text("utf-8")


@pytest.mark.parametrize("kind", ["a FIFO", "a link to /dev/zero"])
def test_new_refuses_a_collection_file_that_is_no_file_at_once(data: Path, kind: str) -> None:
    target = data / "practices.yaml"
    target.unlink()
    if kind == "a FIFO":
        os.mkfifo(target)
    else:
        target.symlink_to("/dev/zero")
    proc = run_process(*_new_args(data, 1), timeout=30)
    assert proc.returncode == 3, proc.stderr
    assert b"not a regular file" in proc.stderr


def test_new_does_not_overwrite_a_file_changed_while_it_checked(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another program (an editor) changes the file while the record is validated: nothing
    is written over its change (exit 3)."""
    from bali_corruption_cli import catalog

    real_check = catalog.check
    target = data / "practices.yaml"

    def check(*args: object, **kwargs: object) -> object:
        found = real_check(*args, **kwargs)  # type: ignore[arg-type]
        target.write_bytes(target.read_bytes() + b"\n# edited meanwhile\n")
        return found

    monkeypatch.setattr(catalog, "check", check)
    result = run(*_new_args(data, 1), env=NO_CACHE)
    assert result.code == 3 and "changed while" in result.err
    assert target.read_text("utf-8").endswith("# edited meanwhile\n")
    assert "added-1" not in target.read_text("utf-8")
