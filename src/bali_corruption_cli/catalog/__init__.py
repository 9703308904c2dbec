"""Read a catalogue: YAML files -> validated, cross-checked records (`load`, `check`).

The fast path reads a cache (marshal) of the validated catalogue, keyed by a hash
of every data file's bytes (and of bcc's code that shapes records), so it can never
be stale: only `problems`, `records`, `files` and `store` are imported for it.  Only
when the cache misses are the readers (`reader`, `fast_reader`, `build`,
`integrity`), PyYAML and Pydantic imported.  Reading never writes to a data
directory.  Progress is reported through the ``progress`` callback the caller
passes in (the command line's spinner): nothing here draws on a terminal.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bali_corruption_cli.catalog.files import MAX_FILE_BYTES as MAX_FILE_BYTES
from bali_corruption_cli.catalog.files import _File as _File
from bali_corruption_cli.catalog.files import _read_data_file as _read_data_file
from bali_corruption_cli.catalog.files import _read_files as _read_files
from bali_corruption_cli.catalog.files import data_digest as data_digest
from bali_corruption_cli.catalog.files import read_collection_file as read_collection_file
from bali_corruption_cli.catalog.problems import Problem
from bali_corruption_cli.catalog.records import Catalog
from bali_corruption_cli.catalog.records import Found as Found
from bali_corruption_cli.catalog.records import Record as Record
from bali_corruption_cli.catalog.store import TEMP_STALE_SECONDS as TEMP_STALE_SECONDS
from bali_corruption_cli.catalog.store import _entry as _entry
from bali_corruption_cli.catalog.store import _read_cache as _read_cache
from bali_corruption_cli.catalog.store import _write_cache
from bali_corruption_cli.core.errors import DataError
from bali_corruption_cli.model import layout
from bali_corruption_cli.store.cache_sections import Display

__all__ = [
    "MAX_FILE_BYTES",
    "TEMP_STALE_SECONDS",
    "Catalog",
    "Problem",
    "Progress",
    "Record",
    "active_data_dir",
    "cache_dir",
    "check",
    "load",
    "shipped_data_dir",
    "workers",
]

# Reports slow work: called with a message, it gives a context manager held while the
# work lasts (the command line passes `render.slow_work`, a spinner after a second).
Progress = Callable[[str], contextlib.AbstractContextManager[None]]


def _quiet(_message: str) -> contextlib.AbstractContextManager[None]:
    """The default progress: nothing shown."""
    return contextlib.nullcontext()


# The readers' names, for tests and tools (``catalog._parse``): imported when first asked
# for, so that a warm run never imports the readers.  To replace one in a test, set it on
# the module that defines it (e.g. ``catalog.reader._parse``): that is where it is looked up.
_LAZY = {
    **dict.fromkeys(
        (
            "_CONSTRUCT_ERRORS",
            "MAX_DEPTH",
            "MAX_NODES",
            "_check_shape",
            "_loader_class",
            "_parse",
            "_RepeatedKey",
        ),
        "reader",
    ),
    **dict.fromkeys(
        ("BATCH_MIN_BYTES", "BATCH_RECORDS", "_batches", "_plain_events", "_read_batches", "_Slow"),
        "fast_reader",
    ),
    "_integrity": "integrity",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


# ---------------------------------------------------------------- locations


def shipped_data_dir() -> Path:
    """The catalogue inside the installed package (or the checkout's data/)."""
    here = Path(__file__).resolve().parent.parent  # the package bali_corruption_cli
    inside = here / "data"
    if inside.is_dir():
        return inside
    return here.parent.parent / "data"


def active_data_dir(data_dir: Path | None) -> Path:
    if data_dir is not None:
        return data_dir
    env = os.environ.get("BCC_DATA_DIR")
    if env:
        return Path(env)
    return shipped_data_dir()


def cache_dir() -> Path | None:
    """Where validated catalogues are cached; None when caching is off."""
    env = os.environ.get("BCC_CACHE_DIR")
    if env is not None:
        return Path(env) if env else None
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("bcc", appauthor=False))


def workers() -> int:
    """Processes that read a large file's batches (see `processes.workers`)."""
    from bali_corruption_cli.core import processes

    return processes.workers()


DisplayMaker = Callable[[], Display]  # what the cache keeps for display, made when it is written

# ---------------------------------------------------------------- loading


def load(
    data_dir: Path | None = None,
    overlays: Sequence[Path] = (),
    *,
    progress: Progress = _quiet,
    display: DisplayMaker | None = None,
) -> Catalog:
    """Load the active catalogue (plus overlays); raise DataError if it is not valid.
    ``display``: what the cache keeps for display, should it be written (see `check`)."""
    catalog, problems = check(data_dir, overlays, progress=progress, display=display)
    return _valid(catalog, problems)


def _valid(catalog: Catalog | None, problems: Sequence[Problem]) -> Catalog:
    """The catalogue, or DataError naming the first error (and how many more there are)."""
    errors = [p for p in problems if p.severity == "error"]
    if errors or catalog is None:
        first = errors[0]
        more = (
            f" (and {len(errors) - 1} more problem{'' if len(errors) == 2 else 's'}; "
            "run 'bcc validate' to list them)"
            if len(errors) > 1
            else ""
        )
        raise DataError(f"invalid data: {first}{more}", details="\n".join(str(p) for p in errors[1:]))
    return catalog


def _empty_overlays(overlays: Sequence[Path], files: Sequence[_File]) -> list[Problem]:
    names = ", ".join(filename for filename, _columns in layout.COLLECTIONS.values())
    return [
        Problem(
            str(d),
            None,
            None,
            None,
            None,
            f"overlay directory holds none of the collection files ({names}); it adds nothing",
            severity="warning",
        )
        for d in overlays
        if not any(f.path.parent == d for f in files)
    ]


def check(
    data_dir: Path | None = None,
    overlays: Sequence[Path] = (),
    *,
    cache: bool = True,
    progress: Progress = _quiet,
    display: DisplayMaker | None = None,
) -> tuple[Catalog | None, list[Problem]]:
    """Load and check a catalogue, returning every problem found (errors and warnings).

    ``cache=False`` (``bcc validate``) always re-checks the YAML and neither
    reads nor writes the cache.  ``progress`` is told when the YAML is read
    (slow for a big catalogue).  ``display`` makes what the cache keeps for the default
    tables (the output layer's `table_cells.display`), called only when an entry is written:
    the store knows nothing of tables.
    """
    dirs = [active_data_dir(data_dir), *overlays]
    where = cache_dir() if cache else None
    if where is None:
        return _from_yaml(dirs, overlays, None, progress, display)
    # With a cache the files are first only hashed: a hit needs no more.
    files, problems = _read_files(dirs, contents=False)
    if problems:
        return None, problems
    cached = _read_cache(
        _entry(where, files),
        # should a section prove corrupt:
        lambda: _valid(*_from_yaml(dirs, overlays, where, progress, display)),
    )
    if cached is not None:
        cached.data_digest = data_digest(files)
        return cached, [*cached.warnings, *_empty_overlays(overlays, files)]
    return _from_yaml(dirs, overlays, where, progress, display)


def _build(files: Sequence[_File], batched: bool = True) -> tuple[Catalog | None, list[Problem]]:
    """Records to a Catalog (`build._build`), the readers imported only now."""
    from bali_corruption_cli.catalog import build

    return build._build(files, batched)


def _from_yaml(
    dirs: Sequence[Path],
    overlays: Sequence[Path],
    where: Path | None,
    progress: Progress = _quiet,
    display: DisplayMaker | None = None,
) -> tuple[Catalog | None, list[Problem]]:
    """Read, check and (if ``where``) cache the catalogue from its YAML files: after a
    cache miss, or when a cache entry broke while read (it is then written again).

    The entry is named after the bytes parsed here, so a file edited since the
    digest that missed is never cached under its old digest."""
    from bali_corruption_cli.catalog.interrupts import _interrupts

    files, problems = _read_files(dirs)
    if problems:
        return None, problems
    empty = _empty_overlays(overlays, files)
    cache_path = _entry(where, files) if where is not None else None
    # A big catalogue takes seconds to validate: the caller may say so (on a terminal).
    with progress("reading and checking the catalogue (later runs use a cache)"), _interrupts():
        catalog, problems = _build(files)
        if catalog is not None:
            catalog.data_digest = data_digest(files)
        del files  # the YAML bytes (50 MB for 100k practices) need not outlive the build
        if catalog is not None and cache_path is not None:
            _write_cache(cache_path, catalog, display() if display is not None else None)
    return catalog, [*problems, *empty]
