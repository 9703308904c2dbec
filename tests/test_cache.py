"""The validated cache: never stale, a hit reads no YAML into memory, a miss names its entry
after the bytes it parsed."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from bali_corruption_cli import catalog
from bali_corruption_cli.catalog import files
from conftest import DATA


@pytest.fixture
def data(tmp_path: Path) -> Path:
    directory = tmp_path / "data"
    directory.mkdir()
    for f in DATA.glob("*.yaml"):
        (directory / f.name).write_bytes(f.read_bytes())
    return directory


def _title(loaded: catalog.Catalog, rid: str) -> str:
    found = loaded.get(rid)
    assert found is not None
    return str(found[1]["title"])


def _spy(monkeypatch: pytest.MonkeyPatch) -> tuple[list[bool], list[int]]:
    """Record how files are read (contents or digest only) and how often the YAML is built."""
    reads: list[bool] = []
    builds: list[int] = []
    real_read, real_build = files._read_data_file, catalog._build

    def read(path: Path, contents: bool = True) -> Any:
        reads.append(contents)
        return real_read(path, contents)

    def build(*args: Any, **kwargs: Any) -> Any:
        builds.append(1)
        return real_build(*args, **kwargs)

    monkeypatch.setattr(files, "_read_data_file", read)
    monkeypatch.setattr(catalog, "_build", build)
    return reads, builds


def test_a_hit_only_hashes_the_files(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    catalog.load(data)  # writes the entry
    reads, builds = _spy(monkeypatch)
    loaded = catalog.load(data)
    assert builds == [] and reads and not any(reads)  # digests only: no YAML held
    assert _title(loaded, "regional-conference-2023")


def test_an_edit_of_the_same_size_and_time_is_seen(data: Path) -> None:
    path = data / "events.yaml"
    before = _title(catalog.load(data), "regional-conference-2023")
    text = path.read_text(encoding="utf-8")
    info = path.stat()
    first = before[0]
    other = "X" if first != "X" else "Y"
    edited = text.replace(f"title: {before}", f"title: {other}{before[1:]}", 1)
    assert edited != text and len(edited.encode()) == len(text.encode())
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))  # same size, same mtime
    assert _title(catalog.load(data), "regional-conference-2023") == other + before[1:]


def test_a_file_edited_during_a_miss_is_cached_under_its_new_bytes(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = data / "events.yaml"
    before = _title(catalog.load(data, ()), "regional-conference-2023")  # an entry for the old bytes
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(f"title: {before}", "title: First edit", 1), encoding="utf-8")
    real = catalog._read_files

    def edit_between(dirs: Any, contents: bool = True) -> Any:
        if contents:  # after the digest pass missed, before the bytes are read for parsing
            path.write_text(text.replace(f"title: {before}", "title: Second edit", 1), encoding="utf-8")
        return real(dirs, contents)

    monkeypatch.setattr(catalog, "_read_files", edit_between)
    assert _title(catalog.load(data), "regional-conference-2023") == "Second edit"
    monkeypatch.setattr(catalog, "_read_files", real)
    _reads, builds = _spy(monkeypatch)
    assert _title(catalog.load(data), "regional-conference-2023") == "Second edit"
    assert builds == []  # the entry written was named after "Second edit"


def test_no_cache_reads_contents_once(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BCC_CACHE_DIR", "")
    reads, builds = _spy(monkeypatch)
    catalog.load(data)
    assert builds == [1] and reads and all(reads)
    assert len(reads) == len(list(data.glob("*.yaml")))


def test_an_open_cache_reader_leaves_quietly_at_interpreter_exit(data: Path, tmp_path: Path) -> None:
    """A catalogue still holding its cache file when Python exits (a library user, the tests)."""
    import subprocess
    import sys

    code = (
        "import os, sys; from pathlib import Path; from bali_corruption_cli import catalog\n"
        "os.environ['BCC_CACHE_DIR'] = sys.argv[2]\n"
        "catalog.load(Path(sys.argv[1]))\n"
        "kept = catalog.load(Path(sys.argv[1]))  # from the cache: an open Reader\n"
        "assert kept._reader is not None\n"
        # Freed while modules are torn down (as in a test run): when contextlib's names are gone.
        "import contextlib; contextlib.KEPT = kept\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(data), str(tmp_path / "cache")], capture_output=True, text=True
    )
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
