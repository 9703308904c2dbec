"""Writes never clobber the wrong thing and leave nothing behind when they fail.

``export``, ``data init`` and ``schema --write`` never replace a file with a folder, a
folder with a file, or a symbolic link, even with --force (exit 2, nothing touched);
on a full disk they exit 74 naming the path and leave no file nor folder behind.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest_hostile import run, snapshot

NO_CACHE = {"BCC_CACHE_DIR": ""}


def _bcc(*args: str) -> tuple[int, str]:
    result = run(*args, env=NO_CACHE)
    return result.code, result.err


@pytest.mark.parametrize("name", ["notes.txt", "practices.csv"])
def test_a_csv_export_never_replaces_a_file_with_a_folder(tmp_path: Path, name: str) -> None:
    target = tmp_path / name
    target.write_text("my own notes\n")
    code, err = _bcc("export", "--format", "csv", str(target), "--force")
    assert code == 2 and "is a file" in err and "--force" in err
    assert target.read_text() == "my own notes\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


@pytest.mark.parametrize("fmt", ["sqlite", "json"])
def test_a_file_export_never_replaces_a_folder(tmp_path: Path, fmt: str) -> None:
    target = tmp_path / "out"
    target.mkdir()
    (target / "keep.txt").write_text("mine")
    code, err = _bcc("export", "--format", fmt, str(target), "--force")
    assert code == 2 and "is a folder" in err
    assert (target / "keep.txt").read_text() == "mine"


@pytest.mark.parametrize("fmt", ["sqlite", "json", "csv"])
def test_an_export_never_replaces_a_symbolic_link(tmp_path: Path, fmt: str) -> None:
    real = tmp_path / "real"
    real.write_text("mine")
    link = tmp_path / "out"
    link.symlink_to(real)
    code, err = _bcc("export", "--format", fmt, str(link), "--force")
    assert code == 2 and "symbolic link" in err
    assert link.is_symlink() and real.read_text() == "mine"


def test_data_init_never_replaces_a_file_with_a_folder(tmp_path: Path) -> None:
    dest = tmp_path / "cat"
    dest.mkdir()
    (dest / "schema").write_text("a file of mine")
    before = snapshot(dest)
    code, err = _bcc("data", "init", str(dest), "--force")
    assert code == 2 and "is a file" in err
    assert snapshot(dest) == before


def test_data_init_never_replaces_a_folder_with_a_file(tmp_path: Path) -> None:
    dest = tmp_path / "cat"
    (dest / "events.yaml").mkdir(parents=True)
    before = snapshot(dest)
    code, err = _bcc("data", "init", str(dest), "--force")
    assert code == 2 and "is a folder" in err
    assert snapshot(dest) == before


def test_schema_write_never_replaces_a_folder_and_writes_none(tmp_path: Path) -> None:
    dest = tmp_path / "schemas"
    (dest / "stages.schema.json").mkdir(parents=True)
    code, err = _bcc("schema", "--write", str(dest))
    assert code == 2 and "is a folder" in err
    assert [p.name for p in dest.iterdir()] == ["stages.schema.json"]


# ---------------------------------------------------------------- a full disk


@pytest.fixture
def full(tmp_path: Path) -> Iterator[Path]:
    """A 16 KiB tmpfs: too small for any export (needs root; skipped otherwise)."""
    where = tmp_path / "full"
    where.mkdir()
    try:
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=16k,mode=0755", "tmpfs", str(where)],
            capture_output=True,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        pytest.skip("cannot mount a tmpfs here")
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (not root?)")
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], capture_output=True, timeout=30)


@pytest.mark.parametrize("fmt", ["sqlite", "json", "csv"])
def test_an_export_on_a_full_disk_is_74_and_leaves_nothing(full: Path, fmt: str) -> None:
    target = full / f"out.{fmt}"
    code, err = _bcc("export", "--format", fmt, str(target))
    assert code == 74, err
    lines = err.splitlines()
    assert len(lines) == 1 and str(target) in lines[0], lines
    assert "database or disk is full" in lines[0] or "No space left on device" in lines[0], lines
    assert list(full.iterdir()) == []


def test_a_forced_export_on_a_full_disk_keeps_the_old_file(full: Path) -> None:
    target = full / "out.db"
    target.write_bytes(b"the old export")
    code, err = _bcc("export", "--format", "sqlite", str(target), "--force")
    assert code == 74 and str(target) in err
    assert target.read_bytes() == b"the old export"
    assert [p.name for p in full.iterdir()] == ["out.db"]


def test_data_init_on_a_full_disk_is_74_and_leaves_no_folder(full: Path) -> None:
    dest = full / "new" / "catalogue"
    code, err = _bcc("data", "init", str(dest))
    assert code == 74 and str(full / "new" / "catalogue") in err and "No space left" in err
    assert list(full.iterdir()) == []


def test_schema_write_on_a_full_disk_is_74_and_leaves_nothing(full: Path) -> None:
    code, err = _bcc("schema", "--write", str(full / "schemas"))
    assert code == 74 and str(full / "schemas") in err
    assert list(full.iterdir()) == []


def test_enospc_in_process_is_74_not_70(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a mount: opening a file for writing fails as on a full disk."""
    real_open = Path.open

    def full_open(self: Path, mode: str = "r", *args: object, **kwargs: object) -> object:
        if "w" in mode:
            raise OSError(28, os.strerror(28), str(self))
        return real_open(self, mode, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", full_open)
    target = tmp_path / "out.json"
    code, err = _bcc("export", "--format", "json", str(target))
    assert code == 74 and str(target) in err and "No space left on device" in err
    assert list(tmp_path.iterdir()) == []
