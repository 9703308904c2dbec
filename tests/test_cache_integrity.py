"""The cache is trusted only when verified, and bcc deletes only what it wrote there.

* a byte changed in any section (or the header) is noticed: the answer is the YAML's;
* a crafted entry (valid checksums, odd records) is refused, not served nor a crash;
* an entry that is a FIFO, a symbolic link, or another user's file is ignored, left alone;
* the folder bcc creates is private; pruning spares a user's own ``catalog-*`` files;
* a temporary file is removed on SIGTERM, and a stale one by the next write.
"""

from __future__ import annotations

import marshal
import os
import signal
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import pytest

from bali_corruption_cli import catalog
from bali_corruption_cli.cli.app import table_display
from bali_corruption_cli.store import cache, cache_sections
from conftest_hostile import copy_data, run, run_process, subprocess_env

COMMANDS = (
    ["practices", "--json"],
    ["practices", "--sector", "private", "--json"],
    ["events", "--format", "csv"],
)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return copy_data(tmp_path)


def _answers(data: Path, where: Path | str) -> list[tuple[int, str]]:
    out = []
    for args in COMMANDS:
        result = run("--data-dir", str(data), *args, env={"BCC_CACHE_DIR": str(where)})
        out.append((result.code, result.out))
    return out


def _expected(data: Path) -> list[tuple[int, str]]:
    answers = _answers(data, "")
    assert all(code == 0 for code, _out in answers)
    return answers


def _entry_path(data: Path, where: Path) -> Path:
    files, problems = catalog._read_files([data], contents=False)
    assert not problems
    return catalog._entry(where, files)


def _warm(data: Path, where: Path) -> Path:
    assert run("--data-dir", str(data), "stages", env={"BCC_CACHE_DIR": str(where)}).code == 0
    entry = _entry_path(data, where)
    assert entry.is_file()
    return entry


def _places(entry: Path) -> dict[str, int]:
    """An offset in the middle of each part of the entry."""
    reader = cache.Reader(entry)
    size = entry.stat().st_size
    section = reader.sections["practices"]
    events = reader.sections["events"]
    places = {
        "practices chunk": section["chunks"][0][0] + section["chunks"][0][1] // 2,
        "practices JSON": section["json"][0] + section["json"][1] // 2,
        "practices offsets": section["offsets"][0] + 9,
        "practices index": section["index"][0] + section["index"][1] // 2,
        "events chunk": events["chunks"][0][0] + events["chunks"][0][1] // 3,
        "header": reader.limit + 20,
        "header checksum": size - 11,
    }
    del reader
    return places


def test_one_changed_byte_anywhere_gives_the_yaml_answer(data: Path, tmp_path: Path) -> None:
    expected = _expected(data)
    where = tmp_path / "cache"
    entry = _warm(data, where)
    good = entry.read_bytes()
    for part, at in _places(entry).items():
        for flip in (0x01, 0x20):  # inside a string, a JSON byte: the same length, other text
            damaged = bytearray(good)
            damaged[at] ^= flip
            entry.write_bytes(bytes(damaged))
            assert _answers(data, where) == expected, (part, at, flip)


def _craft(entry: Path, change: Any) -> None:
    """Rewrite ``entry`` with its practices changed by ``change`` and every checksum valid."""
    reader = cache.Reader(entry)
    collections = {name: reader.records(name) for name in reader.names}
    change(collections["practices"])
    fields, warnings = reader.fields, reader.warnings
    del reader
    real = cache_sections.postings
    cache_sections.postings = lambda records, fields: {}  # type: ignore[assignment]  # no index: any record
    try:
        with entry.open("wb") as fh:
            cache.write(fh, collections, fields, warnings, table_display())
    finally:
        cache_sections.postings = real  # type: ignore[assignment]


CRAFTED = {
    "a set": lambda recs: recs[0].update(sectors={"private"}),
    "a tuple": lambda recs: recs[0].update(sectors=("private",)),
    "bytes": lambda recs: recs[1].update(title=b"x"),
    "a complex": lambda recs: recs[1].update(title=1j),
    "no id": lambda recs: recs[0].pop("id"),
    "an int id": lambda recs: recs[0].update(id=5),
    "an unknown field": lambda recs: recs[0].update(extra="x"),
    "an int key deep": lambda recs: recs[0]["sources"][0].update({1: "x"}),
    "a record that is a list": lambda recs: recs.__setitem__(0, ["id", "x"]),
    "a list holding itself": lambda recs: recs[0]["sectors"].append(recs[0]["sectors"]),
}


@pytest.mark.parametrize("kind", list(CRAFTED))
def test_a_crafted_entry_is_rebuilt_not_served(data: Path, tmp_path: Path, kind: str) -> None:
    expected = _expected(data)
    where = tmp_path / "cache"
    entry = _warm(data, where)
    _craft(entry, CRAFTED[kind])
    with pytest.raises(cache.Corrupt):
        cache.Reader(entry).records("practices")
    assert _answers(data, where)[2:] == expected[2:]  # events: the practices are not read
    table = run("--data-dir", str(data), "practices", "--format", "csv", env={"BCC_CACHE_DIR": str(where)})
    plain = run("--data-dir", str(data), "practices", "--format", "csv", env={"BCC_CACHE_DIR": ""})
    assert (table.code, table.out) == (0, plain.out)


def test_shared_or_cyclic_lists_cannot_make_the_check_endless() -> None:
    cyclic: list[Any] = []
    cyclic.append(cyclic)
    with pytest.raises(cache.Corrupt):
        cache.check_records([{"id": "x", "sources": cyclic}], ["id", "sources"], 10**6)
    shared: Any = ["leaf"]
    for _ in range(40):  # 2**40 values if walked naively
        shared = [shared, shared]
    with pytest.raises(cache.Corrupt):
        cache.check_records([{"id": "x", "sources": shared}], ["id", "sources"], 10**6)


def _lying_entry(data: Path, where: Path) -> bytes:
    """A well-formed entry whose first practice has another title."""
    entry = _warm(data, where)

    def retitle(recs: list[dict[str, Any]]) -> None:
        recs[0]["title"] = "A TITLE THAT IS NOT IN THE YAML"

    _craft(entry, retitle)
    return entry.read_bytes()


def test_an_entry_that_is_a_fifo_does_not_hang(data: Path, tmp_path: Path) -> None:
    where = tmp_path / "cache"
    where.mkdir()
    entry = _entry_path(data, where)
    os.mkfifo(entry)
    env = subprocess_env(BCC_CACHE_DIR=str(where))
    proc = run_process("--data-dir", str(data), "practices", "--json", env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode() == _expected(data)[0][1]
    assert entry.is_fifo()  # left alone


def test_an_entry_that_is_a_symbolic_link_is_not_followed(data: Path, tmp_path: Path) -> None:
    expected = _expected(data)
    lying = tmp_path / "elsewhere" / "entry.marshal"
    lying.parent.mkdir()
    lying.write_bytes(_lying_entry(data, tmp_path / "scratch"))
    where = tmp_path / "cache"
    where.mkdir()
    entry = _entry_path(data, where)
    entry.symlink_to(lying)
    assert _answers(data, where) == expected
    assert lying.read_bytes() == (tmp_path / "elsewhere" / "entry.marshal").read_bytes()


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="chown needs root")
def test_an_entry_of_another_user_is_ignored_and_left_alone(data: Path, tmp_path: Path) -> None:
    expected = _expected(data)
    where = tmp_path / "cache"
    where.mkdir()
    lying = _lying_entry(data, tmp_path / "scratch")
    entry = _entry_path(data, where)
    entry.write_bytes(lying)
    os.chown(entry, 4321, 4321)
    assert _answers(data, where) == expected
    assert entry.read_bytes() == lying and entry.stat().st_uid == 4321


def test_the_cache_folder_bcc_creates_is_private(data: Path, tmp_path: Path) -> None:
    where = tmp_path / "new" / "cache"
    _warm(data, where)
    assert where.stat().st_mode & 0o777 == 0o700


def test_pruning_spares_a_users_own_files(data: Path, tmp_path: Path) -> None:
    where = tmp_path / "cache"
    where.mkdir()
    mine = [where / f"catalog-report-{n}.pdf" for n in range(1, 21)]
    mine += [where / "catalog-notes.marshal", where / ("catalog-" + "g" * 40 + ".marshal")]
    mine += [where / ".tmp-abcdefgh.marshal", where / ".catalog-tmp-notmine.txt"]
    for path in mine:
        path.write_text("mine")
        os.utime(path, (1, 1))  # older than any entry and any stale limit
    old_entries = [where / f"catalog-{n:040x}.marshal" for n in range(20)]
    for n, path in enumerate(old_entries):
        path.write_bytes(b"old")
        os.utime(path, (1000 + n, 1000 + n))
    stale = where / ".catalog-tmp-abcd1234.marshal"
    stale.write_bytes(b"left by a killed run")
    os.utime(stale, (1, 1))
    fresh = where / ".catalog-tmp-efgh5678.marshal"
    fresh.write_bytes(b"being written now")
    _warm(data, where)
    assert all(path.read_text() == "mine" for path in mine)
    assert not stale.exists() and fresh.exists()
    kept = [path for path in old_entries if path.exists()]
    assert kept == old_entries[-15:]  # 15 newest old ones + the new entry: 16


_KILL_WHILE_WRITING = """
import os, signal, sys
from bali_corruption_cli import cli
from bali_corruption_cli.store import cache
real = cache.write
def write(fh, *args):
    fh.write(b"x" * 100000)
    fh.flush()
    os.kill(os.getpid(), signal.SIGTERM)
    real(fh, *args)
cache.write = write
sys.argv = ["bcc", "--data-dir", sys.argv[1], "stages"]
cli.main()
"""


def test_sigterm_during_a_cache_write_leaves_no_temporary_file(data: Path, tmp_path: Path) -> None:
    where = tmp_path / "cache"
    env = subprocess_env(BCC_CACHE_DIR=str(where))
    proc = subprocess.run(
        [sys.executable, "-c", _KILL_WHILE_WRITING, str(data)], env=env, capture_output=True, timeout=120
    )
    assert proc.returncode in (143, -signal.SIGTERM), proc.stderr
    assert where.is_dir()
    assert list(where.iterdir()) == []


def test_the_header_is_checked_for_shape(tmp_path: Path) -> None:
    """A header with a valid checksum but the wrong shape is Corrupt, not a TypeError later."""
    for head in (
        {"format": cache.FORMAT, "size": 0, "fields": [], "sections": {}, "warnings": []},
        {"format": cache.FORMAT, "size": 0, "fields": {}, "sections": {"x": {}}, "warnings": []},
        {
            "format": cache.FORMAT,
            "size": 0,
            "fields": {"x": []},
            "warnings": [],
            "sections": {"x": {"count": 1, "chunks": [(0, 5)]}},
        },
    ):
        raw = marshal.dumps(head)
        path = tmp_path / "entry"
        path.write_bytes(raw + zlib.crc32(raw).to_bytes(4, "little") + len(raw).to_bytes(8, "little"))
        with pytest.raises(cache.Corrupt):
            cache.Reader(path)


def test_a_live_write_is_never_stale() -> None:
    """A write in progress refreshes its file's time every few milliseconds; an hour apart
    from the last change, the writer is gone (SIGKILL)."""
    assert catalog.TEMP_STALE_SECONDS >= 600
