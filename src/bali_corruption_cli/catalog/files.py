"""Reading a catalogue's collection files within limits, and hashing their bytes."""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bali_corruption_cli.catalog.problems import Problem
from bali_corruption_cli.model import layout

MAX_FILE_BYTES = 64 * 1024 * 1024

# Above this many bytes of YAML, hashing dominates OpenSSL's import cost.
_OPENSSL_HASH_OVER_BYTES = 4 * 1024 * 1024


@dataclass
class _File:
    collection: str
    path: Path
    data: bytes  # b"" when only the digest was taken (`_read_files(contents=False)`)
    size: int = -1
    digest: str = ""


class _Unreadable(Exception):
    """A collection file that cannot be read as one; the message says why."""


def _digest_of(size: int) -> Any:
    """A fresh hash for a file of ``size`` bytes: OpenSSL's SHA-256 for large ones
    (~35 ms for 52 MB where blake2b takes ~95 ms), blake2b without loading OpenSSL
    (-4 ms of start-up) for the rest."""
    if size > _OPENSSL_HASH_OVER_BYTES:
        import hashlib

        return hashlib.sha256()
    try:
        from _blake2 import blake2b  # hashlib's own blake2b
    except ImportError:  # pragma: no cover
        from hashlib import blake2b
    return blake2b(digest_size=20)


def _read_data_file(path: Path, contents: bool = True) -> tuple[bytes, int, str]:
    """(bytes, size, digest) of a collection file, or _Unreadable / OSError.

    With ``contents=False`` the bytes are hashed as they are read, 1 MiB at a time,
    and not kept (b""): a cache hit then never holds the YAML in memory (52 MB at
    100k records: as many page faults as a quarter of the cache's decoding).

    Opened without blocking and checked once open: a FIFO cannot hang the load,
    and a device (``/dev/zero``) or a file that grows while read cannot fill memory.
    """
    if path.is_dir():
        raise _Unreadable("is a directory, not a file")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        too_large = f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB"
        if stat.S_ISDIR(info.st_mode):
            raise _Unreadable("is a directory, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise _Unreadable("is not a regular file (a device, pipe or socket)")
        if info.st_size > MAX_FILE_BYTES:
            raise _Unreadable(too_large)
        digest = _digest_of(info.st_size)
        if not contents:
            buffer = bytearray(min(1 << 20, info.st_size + 1))
            view = memoryview(buffer)
            size = 0
            reader = os.fdopen(fd, "rb", buffering=0, closefd=False)  # readinto: no os.readv on Windows
            while n := reader.readinto(buffer):
                size += n
                if size > MAX_FILE_BYTES:  # grew while read
                    raise _Unreadable(too_large)
                digest.update(view[:n])
            return b"", size, digest.hexdigest()
        # One read of the whole size (no copy to join); then more only if it grew.
        chunks = [os.read(fd, info.st_size + 1)] if info.st_size else []
        size = len(chunks[0]) if chunks else 0
        while chunk := os.read(fd, 1 << 20):
            size += len(chunk)
            if size > MAX_FILE_BYTES:  # grew while read
                raise _Unreadable(too_large)
            chunks.append(chunk)
        if size > MAX_FILE_BYTES:
            raise _Unreadable(too_large)
        data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        digest.update(data)
        return data, size, digest.hexdigest()
    finally:
        os.close(fd)


def read_collection_file(path: Path) -> bytes:
    """A collection file's bytes within the loader's limits (a regular file, at most
    MAX_FILE_BYTES, opened without blocking), b"" when there is none; a DataError (exit 3)
    at once for a FIFO, a device, a folder or a file too large (`bcc new` reads it so)."""
    from bali_corruption_cli.core.errors import DataError

    try:
        data, _size, _digest = _read_data_file(path)
    except FileNotFoundError:
        return b""
    except _Unreadable as exc:
        raise DataError(f"cannot read {path}: {exc}") from exc
    except OSError as exc:
        raise DataError(f"cannot read {path}: {exc.strerror or exc}") from exc
    return data


def _read_again(f: _File) -> bytes | None:
    """A file's bytes read again, put back in ``f.data``, after the fast reader let them go
    (`fast_reader._add_batched`: 50 MB at 100,000 practices, not held while the records
    are checked); None when the file is no longer the one read (another digest) or
    cannot be read now."""
    try:
        data, size, digest = _read_data_file(f.path)
    except (_Unreadable, OSError):
        return None
    if size != f.size or digest != f.digest:
        return None
    f.data = data
    return data


def data_digest(files: Sequence[_File]) -> str:
    """SHA-256 over each data file's (collection, size, digest), in order: the same data
    gives the same value on any machine and in any folder (the report prints it)."""
    import hashlib

    digest = hashlib.sha256()
    for f in files:
        digest.update(f"{f.collection}\0{f.size}\0{f.digest}\n".encode())
    return digest.hexdigest()


def _read_files(dirs: Sequence[Path], contents: bool = True) -> tuple[list[_File], list[Problem]]:
    files: list[_File] = []
    problems: list[Problem] = []
    for n, directory in enumerate(dirs):
        what = "data directory" if n == 0 else "overlay directory"
        try:
            if not directory.exists():
                problems.append(Problem(str(directory), None, None, None, None, f"{what} not found"))
                continue
            if not directory.is_dir():
                problems.append(Problem(str(directory), None, None, None, None, f"{what} is not a directory"))
                continue
        except OSError as exc:  # e.g. a parent directory that cannot be searched
            problems.append(
                Problem(str(directory), None, None, None, None, f"cannot read {what}: {exc.strerror or exc}")
            )
            continue
        for name, (filename, _columns) in layout.COLLECTIONS.items():
            path = directory / filename
            try:
                if not path.exists():
                    if n == 0:
                        problems.append(
                            Problem(
                                str(path), None, None, None, None, f"missing collection file for '{name}'"
                            )
                        )
                    continue
                files.append(_File(name, path, *_read_data_file(path, contents)))
            except _Unreadable as exc:
                problems.append(Problem(str(path), None, None, None, None, str(exc)))
            except IsADirectoryError:
                problems.append(Problem(str(path), None, None, None, None, "is a directory, not a file"))
            except OSError as exc:
                problems.append(
                    Problem(str(path), None, None, None, None, f"cannot read: {exc.strerror or exc}")
                )
    return files, problems
