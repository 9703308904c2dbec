"""Output is complete or an error: a non-blocking stdout gets every byte (short writes
retried), a full device is exit 74 naming standard output, a closed pipe stays 141."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT
from conftest_hostile import subprocess_env

sys.path.insert(0, str(ROOT / "bench"))
from generate import generate

COMMANDS = (
    ["practices", "--json"],  # JSON straight from the cache
    ["practices", "--format", "csv"],  # text through sys.stdout
    ["practices", "--format", "yaml"],
)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    directory = tmp_path_factory.mktemp("generated") / "data"
    generate(1500, directory)  # ~1 MB of JSON: many times a pipe's 64 KiB
    env = subprocess_env(BCC_CACHE_DIR=str(tmp_path_factory.mktemp("cache")))
    return directory, env


def _bcc(data: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "bali_corruption_cli", "--data-dir", str(data), *args]


def _through_nonblocking_pipe(
    argv: list[str], env: dict[str, str], close_after: int | None = None
) -> tuple[int, bytes, bytes]:
    """Run with stdout a pipe set O_NONBLOCK, read slowly (after 1 s); or read
    ``close_after`` bytes and close it."""
    read_end, write_end = os.pipe()
    flags = fcntl.fcntl(write_end, fcntl.F_GETFL)
    fcntl.fcntl(write_end, fcntl.F_SETFL, flags | os.O_NONBLOCK)
    proc = subprocess.Popen(argv, stdout=write_end, stderr=subprocess.PIPE, env=env)
    os.close(write_end)
    time.sleep(1.0)
    chunks = []
    with os.fdopen(read_end, "rb", buffering=0) as reader:
        if close_after is not None:
            chunks.append(reader.read(close_after))
        else:
            while chunk := reader.read(1 << 16):
                chunks.append(chunk)
                time.sleep(0.001)
    err = proc.stderr.read() if proc.stderr else b""
    return proc.wait(timeout=120), b"".join(chunks), err


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a))
def test_a_nonblocking_stdout_gets_every_byte(
    generated: tuple[Path, dict[str, str]], args: list[str]
) -> None:
    data, env = generated
    whole = subprocess.run(_bcc(data, *args), env=env, capture_output=True, timeout=120)
    assert whole.returncode == 0 and len(whole.stdout) > 200_000
    code, out, err = _through_nonblocking_pipe(_bcc(data, *args), env)
    assert (code, err) == (0, b"")
    assert out == whole.stdout


def test_a_table_on_a_nonblocking_stdout_is_complete(generated: tuple[Path, dict[str, str]]) -> None:
    data, env = generated
    whole = subprocess.run(_bcc(data, "practices"), env=env, capture_output=True, timeout=120)
    assert whole.returncode == 0 and len(whole.stdout) > 200_000
    code, out, err = _through_nonblocking_pipe(_bcc(data, "practices"), env)
    assert (code, err) == (0, b"")
    assert out == whole.stdout


def test_a_closed_nonblocking_pipe_is_141(generated: tuple[Path, dict[str, str]]) -> None:
    data, env = generated
    code, out, err = _through_nonblocking_pipe(_bcc(data, "practices", "--json"), env, close_after=100)
    assert code == 141 and err == b"" and len(out) == 100


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
@pytest.mark.parametrize("args", [["practices", "--json"], ["practices", "--format", "csv"], ["practices"]])
def test_a_full_device_is_exit_74_naming_standard_output(
    generated: tuple[Path, dict[str, str]], args: list[str]
) -> None:
    data, env = generated
    with open("/dev/full", "wb") as full:
        proc = subprocess.run(_bcc(data, *args), env=env, stdout=full, stderr=subprocess.PIPE, timeout=120)
    assert proc.returncode == 74
    lines = proc.stderr.decode().splitlines()
    assert len(lines) == 1 and "No space left on device" in lines[0] and "standard output" in lines[0], lines


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a))
def test_a_closed_blocking_pipe_is_141(generated: tuple[Path, dict[str, str]], args: list[str]) -> None:
    data, env = generated
    proc = subprocess.Popen(_bcc(data, *args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert proc.stdout is not None and proc.stderr is not None
    assert len(proc.stdout.read(100)) == 100
    proc.stdout.close()
    assert proc.wait(timeout=120) == 141
    assert proc.stderr.read() == b""
