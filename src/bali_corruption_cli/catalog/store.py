"""The cache entry of a catalogue: its name (a digest of code and data), reading, writing, pruning."""

from __future__ import annotations

import os
import re
import stat
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from bali_corruption_cli import __version__
from bali_corruption_cli.catalog.files import _digest_of, _File
from bali_corruption_cli.catalog.problems import Problem
from bali_corruption_cli.catalog.records import Catalog
from bali_corruption_cli.core.errors import UsageError
from bali_corruption_cli.store import cache
from bali_corruption_cli.store.cache_sections import Display

# The modules whose code decides what a validated catalogue looks like: a
# change to any of them (in development, without a version bump) must miss.
_SCHEMA_MODULES = (
    "core/__init__.py",
    "model/__init__.py",
    "store/__init__.py",
    "model/models.py",
    "model/vocab.py",
    "model/layout.py",
    "catalog/__init__.py",
    "catalog/problems.py",
    "catalog/records.py",
    "catalog/files.py",
    "catalog/store.py",
    "catalog/reader.py",
    "catalog/values.py",
    "catalog/fast_reader.py",
    "core/processes.py",
    "catalog/build.py",
    "catalog/integrity.py",
    "catalog/interrupts.py",
    "store/cache.py",
    "store/cache_shape.py",
    "store/cache_sections.py",  # what the cache keeps beside the records, and the modules computing it:
    "store/textindex.py",
    "core/values.py",
    "core/atomic.py",
    "model/derived.py",
    "model/overlay.py",
    "model/yaml12.py",
)


def _cache_key(files: Sequence[_File]) -> str:
    """The cache entry's name: a digest of bcc's schema code and of every file's digest."""
    digest = _digest_of(0)
    # The cache is marshal data, whose format belongs to the Python version.
    digest.update(f"bcc {__version__} cache {cache.FORMAT} {sys.version}\0".encode())
    here = Path(__file__).parent.parent  # the package bali_corruption_cli: module names are relative to it
    for module in _SCHEMA_MODULES:
        try:
            digest.update((here / module).read_bytes())
        except OSError:
            digest.update(module.encode())
    for f in files:
        digest.update(f"{f.collection}\0{f.path}\0{f.size}\0{f.digest}\0".encode())
    return str(digest.hexdigest())


# The names bcc writes in its cache folder, and the only ones it ever deletes there: an
# entry (its key is a 40-digit hexadecimal digest; .json: format 1) and its own temporary
# files, left by a run that was killed while writing (deleted once TEMP_STALE_SECONDS old).
_ENTRY_NAME = re.compile(r"catalog-[0-9a-f]{40}\.(?:marshal|json)")
_TEMP_NAME = re.compile(
    r"\.catalog-tmp-[a-z0-9_]{8}\.marshal"  # the name bcc used before cache format 7
    r"|\.catalog-[0-9a-f]{40}\.marshal\.tmp-[a-z0-9_]{8}"  # `core.atomic.temp_prefix`
)
TEMP_STALE_SECONDS = 3600


def _entry(where: Path, files: Sequence[_File]) -> Path:
    """The cache entry for these files in the cache directory ``where``."""
    return where / f"catalog-{_cache_key(files)}{cache.SUFFIX}"


def _read_cache(path: Path, rebuild: Callable[[], Catalog]) -> Catalog | None:
    """The cached catalogue (decoded lazily), or None when there is none, it is not a
    regular file of this user's, or it is corrupt (`cache.Reader` checks all three)."""
    try:
        reader = cache.Reader(path)
        warnings = [Problem(**w) for w in reader.warnings]
    except (cache.Corrupt, OSError, TypeError):
        return None  # missing or corrupt: rebuilt from the YAML
    return Catalog({}, reader.fields, {}, warnings, reader=reader, rebuild=rebuild)


def _ours(path: Path) -> bool:
    """Whether ``path`` is a regular file (not a link) owned by this user."""
    try:
        info = path.lstat()
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and (not hasattr(os, "geteuid") or info.st_uid == os.geteuid())


def _write_cache(path: Path, catalog: Catalog, display: Display | None = None) -> None:
    """Write the entry by the one atomic write (`core.atomic.replacing`: a temporary file,
    fsync, rename; removed on SIGTERM or Ctrl-C), readable by this user only; a failure only
    costs speed.  The layout is `cache.write`'s.  The folder, when bcc creates it, is private
    (0700); an entry's name held by something else than this user's regular file is left
    alone (SIGKILL leaves a temporary file: `_prune_cache` removes it, later)."""
    from bali_corruption_cli.core import atomic

    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if (path.exists() or path.is_symlink()) and not _ours(path):
            return
        with atomic.replacing(path, mode=0o600) as tmp, tmp.open("wb") as fh:
            cache.write(
                fh,
                catalog.collections,
                catalog.fields,
                [w.__dict__ for w in catalog.warnings],
                display,
            )
        _prune_cache(path.parent, keep=path)
    except (OSError, UsageError):  # UsageError: the name became something else meanwhile
        pass


def _prune_cache(directory: Path, keep: Path, limit: int = 16) -> None:
    """Keep the ``limit`` newest entries; delete this user's stale temporary files.  Only
    names bcc writes exactly (`_ENTRY_NAME`, `_TEMP_NAME`), only regular files of this
    user's: a user's own ``catalog-report.pdf`` in the same folder is never touched."""
    import time

    entries: list[tuple[float, Path]] = []
    stale_before = time.time() - TEMP_STALE_SECONDS
    for name in os.listdir(directory):
        path = directory / name
        is_entry = _ENTRY_NAME.fullmatch(name) is not None
        if not (is_entry or _TEMP_NAME.fullmatch(name)) or path == keep or not _ours(path):
            continue
        try:
            mtime = path.lstat().st_mtime
        except OSError:
            continue
        if is_entry:
            entries.append((mtime, path))
        elif mtime < stale_before:
            path.unlink(missing_ok=True)
    entries.sort(reverse=True)
    for _mtime, old in entries[limit - 1 :]:
        old.unlink(missing_ok=True)
