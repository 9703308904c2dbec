"""Read a catalogue: YAML files -> validated, cross-checked records.

The fast path reads a cache (marshal) of the validated catalogue, keyed by a hash
of every data file's bytes (and of bcc's version), so it can never be stale.
Only when the cache misses are PyYAML and Pydantic imported.  Reading never
writes to a data directory.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import stat
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bali_corruption_cli import __version__, cache, derived, layout, overlay, vocab, yaml12
from bali_corruption_cli.errors import EXIT_TERMINATED, DataError

if TYPE_CHECKING:
    import yaml

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 64

Record = dict[str, Any]


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a warning) in a catalogue."""

    file: str
    line: int | None
    column: int | None
    id: str | None
    field: str | None
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        parts = [where]
        if self.id:
            parts.append(f"record '{self.id}'")
        if self.field:
            parts.append(self.field)
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{': '.join(parts)}: {prefix}{self.message}"


class Catalog:
    """Validated records by collection, with where each record was read (``origins``:
    filled when the YAML is read; a catalogue from the cache has none).

    From the cache, a collection is decoded when first asked for (`records`,
    `collections`), and `select_json` may answer without decoding any record.
    Should the cache file prove corrupt then, the catalogue is rebuilt from the YAML.
    """

    def __init__(
        self,
        collections: dict[str, list[Record]],
        fields: dict[str, list[str]],
        origins: dict[str, tuple[str, int | None]] | None = None,
        warnings: list[Problem] | None = None,
        *,
        reader: cache.Reader | None = None,
        rebuild: Callable[[], Catalog] | None = None,
    ) -> None:
        self._collections = collections
        self.fields = fields
        self.origins = origins if origins is not None else {}
        self.warnings = warnings if warnings is not None else []
        self._index: dict[str, tuple[str, Record]] | None = None
        self._reader = reader
        self._rebuild = rebuild

    def _adopt_rebuilt(self) -> None:
        """The cache file broke while being read: take the catalogue from the YAML."""
        self._reader = None
        if self._rebuild is None:
            raise DataError("the catalogue's cache is unreadable; delete it and try again")
        fresh = self._rebuild()
        self._collections, self.fields = fresh.collections, fresh.fields
        self.origins, self.warnings = fresh.origins, fresh.warnings

    def records(self, collection: str) -> list[Record]:
        reader = self._reader
        if reader is not None and collection not in self._collections and collection in reader.sections:
            import gc

            try:
                self._collections[collection] = reader.records(collection)
                gc.freeze()  # they live until exit: later collections need not walk them
            except cache.Corrupt:
                self._adopt_rebuilt()
        return self._collections.get(collection, [])

    @property
    def collections(self) -> dict[str, list[Record]]:
        reader = self._reader
        if reader is not None:
            for name in reader.names:
                self.records(name)
            if self._reader is not None:  # not rebuilt meanwhile: the file's order
                self._collections = {name: self._collections[name] for name in reader.names}
                self._reader = None
        return self._collections

    def select_json(self, collection: str, conditions: dict[str, set[str]]) -> list[bytes] | None:
        """Each record meeting the conditions as orjson would write it, straight from the
        cache (see `cache.Reader.select_json`); None when that cannot be done."""
        if self._reader is None or collection in self._collections:
            return None
        try:
            return self._reader.select_json(collection, conditions)
        except cache.Corrupt:
            self._adopt_rebuilt()
            return None

    @property
    def index(self) -> dict[str, tuple[str, Record]]:
        if self._index is None:
            self._index = {rec["id"]: (name, rec) for name, recs in self.collections.items() for rec in recs}
        return self._index

    def get(self, record_id: str) -> tuple[str, Record] | None:
        return self.index.get(record_id)

    def all_records(self) -> Iterator[tuple[str, Record]]:
        for name, recs in self.collections.items():
            for rec in recs:
                yield name, rec


# ---------------------------------------------------------------- locations


def shipped_data_dir() -> Path:
    """The catalogue inside the installed package (or the checkout's data/)."""
    here = Path(__file__).resolve().parent
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


# ---------------------------------------------------------------- loading


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


# The modules whose code decides what a validated catalogue looks like: a
# change to any of them (in development, without a version bump) must miss.
_SCHEMA_MODULES = (
    "models.py",
    "vocab.py",
    "layout.py",
    "catalog.py",
    "cache.py",
    "derived.py",
    "overlay.py",
)


# Above this many bytes of YAML, hashing dominates OpenSSL's import cost.
_OPENSSL_HASH_OVER_BYTES = 4 * 1024 * 1024


def _cache_key(files: Sequence[_File]) -> str:
    """The cache entry's name: a digest of bcc's schema code and of every file's digest."""
    digest = _digest_of(0)
    # The cache is marshal data, whose format belongs to the Python version.
    digest.update(f"bcc {__version__} cache {cache.FORMAT} {sys.version}\0".encode())
    here = Path(__file__).parent
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
_TEMP_PREFIX = ".catalog-tmp-"
_TEMP_NAME = re.compile(r"\.catalog-tmp-[a-z0-9_]{8}\.marshal")
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


def _write_cache(path: Path, catalog: Catalog) -> None:
    """Write atomically (temporary file + rename); a failure only costs speed.
    The layout is `cache.write`'s.  The folder, when bcc creates it, is private (0700);
    an entry's name held by something else than this user's regular file is left alone;
    SIGTERM during the write removes the temporary file (SIGKILL: `_prune_cache` does,
    later)."""
    import signal
    import tempfile

    def terminated(_signum: int, _frame: Any) -> None:
        raise SystemExit(EXIT_TERMINATED)

    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if (path.exists() or path.is_symlink()) and not _ours(path):
            return
        try:
            previous: Any = signal.signal(signal.SIGTERM, terminated)
        except (ValueError, OSError, AttributeError):  # not the main thread, or no SIGTERM here
            previous = None
        try:
            fd, tmp = tempfile.mkstemp(prefix=_TEMP_PREFIX, suffix=cache.SUFFIX, dir=path.parent)
            try:
                with os.fdopen(fd, "wb") as fh:
                    cache.write(
                        fh, catalog.collections, catalog.fields, [w.__dict__ for w in catalog.warnings]
                    )
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)
        _prune_cache(path.parent, keep=path)
    except OSError:
        pass


def _share_strings(records: list[Record], canon: dict[str, str] | None = None) -> None:
    """Make equal short strings (sectors, ids cited...) one object, in place: they take
    memory once, marshal writes each once and a warm run decodes it once (-30 MB at 100k)."""
    share = ({} if canon is None else canon).setdefault
    stack: list[Any] = [records]
    while stack:
        item = stack.pop()
        pairs = item.items() if type(item) is dict else enumerate(item)
        for key, value in pairs:
            kind = type(value)
            if kind is str:
                if len(value) <= 64:
                    item[key] = share(value, value)
            elif kind is dict or kind is list:
                stack.append(value)


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


def load(data_dir: Path | None = None, overlays: Sequence[Path] = ()) -> Catalog:
    """Load the active catalogue (plus overlays); raise DataError if it is not valid."""
    catalog, problems = check(data_dir, overlays)
    return _valid(catalog, problems)


def _valid(catalog: Catalog | None, problems: Sequence[Problem]) -> Catalog:
    """The catalogue, or DataError naming the first error (and how many more there are)."""
    errors = [p for p in problems if p.severity == "error"]
    if errors or catalog is None:
        first = errors[0]
        more = (
            f" (and {len(errors) - 1} more problem(s); run 'bcc validate' to list them)"
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
    data_dir: Path | None = None, overlays: Sequence[Path] = (), *, cache: bool = True
) -> tuple[Catalog | None, list[Problem]]:
    """Load and check a catalogue, returning every problem found (errors and warnings).

    ``cache=False`` (``bcc validate``) always re-checks the YAML and neither
    reads nor writes the cache.
    """
    dirs = [active_data_dir(data_dir), *overlays]
    where = cache_dir() if cache else None
    if where is None:
        return _from_yaml(dirs, overlays, None)
    # With a cache the files are first only hashed: a hit needs no more.
    files, problems = _read_files(dirs, contents=False)
    if problems:
        return None, problems
    cached = _read_cache(
        _entry(where, files),
        lambda: _valid(*_from_yaml(dirs, overlays, where)),  # should a section prove corrupt
    )
    if cached is not None:
        return cached, [*cached.warnings, *_empty_overlays(overlays, files)]
    return _from_yaml(dirs, overlays, where)


def _from_yaml(
    dirs: Sequence[Path], overlays: Sequence[Path], where: Path | None
) -> tuple[Catalog | None, list[Problem]]:
    """Read, check and (if ``where``) cache the catalogue from its YAML files: after a
    cache miss, or when a cache entry broke while read (it is then written again).

    The entry is named after the bytes parsed here, so a file edited since the
    digest that missed is never cached under its old digest."""
    files, problems = _read_files(dirs)
    if problems:
        return None, problems
    empty = _empty_overlays(overlays, files)
    cache_path = _entry(where, files) if where is not None else None
    from bali_corruption_cli import render

    # A big catalogue takes seconds to validate: after a second, say so on a terminal.
    with render.slow_work("reading and checking the catalogue (later runs use a cache)"), _interrupts():
        catalog, problems = _build(files)
        del files  # the YAML bytes (50 MB for 100k practices) need not outlive the build
        if catalog is not None and cache_path is not None:
            _write_cache(cache_path, catalog)
    return catalog, [*problems, *empty]


_INTERRUPTED: list[int] = []  # SIGINTs noted while a catalogue is being read


def _stop_if_interrupted() -> None:
    """Raise KeyboardInterrupt (from here, a safe place) if Ctrl-C came during the load."""
    if _INTERRUPTED:
        _INTERRUPTED.clear()
        raise KeyboardInterrupt


@contextlib.contextmanager
def _interrupts() -> Iterator[None]:
    """While validating, Ctrl-C is only noted, and the load stops at its next record or
    batch (`_stop_if_interrupted`): raised inside a validator, KeyboardInterrupt would be
    swallowed by Pydantic (a pattern check reported as failing, with a traceback on
    stderr) and the interrupted load reported as invalid data."""
    import signal

    try:
        previous = signal.signal(signal.SIGINT, lambda signum, _frame: _INTERRUPTED.append(signum))
    except (ValueError, OSError, TypeError):  # not the main thread, or no signals here
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    _stop_if_interrupted()


# ---------------------------------------------------------------- YAML


def _loader_class() -> type[yaml.SafeLoader]:
    import yaml

    base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[misc]
        """Safe loader (libyaml's C parser where available) that rejects repeated keys."""

        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            if not isinstance(node, yaml.MappingNode):  # e.g. "!!set a": PyYAML raises the error
                return super().construct_mapping(node, deep=deep)
            seen: dict[Any, Any] = {}
            for key_node, _value in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    key = key_node.value
                    if key in seen:
                        raise _RepeatedKey(key, seen[key], key_node.start_mark)
                    seen[key] = key_node.start_mark
            return super().construct_mapping(node, deep=deep)

        def construct_object(self, node: Any, deep: bool = False) -> Any:
            # PyYAML's constructors raise plain ValueError/KeyError on values such as
            # 2020-02-30, "!!int abc" or a 5000-digit integer: make them YAML errors at the node.
            try:
                value = super().construct_object(node, deep=deep)
                if type(value) is int and value.bit_length() > 64:  # 0x... with 5000 digits: no repr
                    raise yaml.constructor.ConstructorError(
                        None, None, "integer too large (more than 64 bits)", node.start_mark
                    )
                if node.tag in yaml12.KINDS and not node.style and type(node) is yaml.ScalarNode:
                    why = yaml12.problem(node.value, node.tag, value)  # 010, 0b11, 1:30, yes...
                    if why is not None:
                        raise yaml.constructor.ConstructorError(None, None, why, node.start_mark)
                return value
            except (yaml.YAMLError, _RepeatedKey, RecursionError):
                raise
            except Exception as exc:  # ValueError, IndexError, AttributeError... from a scalar's constructor
                shown = repr(node.value[:60]) if isinstance(node.value, str) else "this value"
                kind = str(node.tag).rsplit(":", 1)[-1]
                raise yaml.constructor.ConstructorError(
                    None, None, f"{shown} is not a valid {kind} ({exc})", node.start_mark
                ) from exc

    return Loader


class _RepeatedKey(Exception):
    def __init__(self, key: str, first: Any, again: Any) -> None:
        super().__init__(key)
        self.key = key
        self.first = first
        self.again = again


def _check_shape(node: Any, path: str) -> Problem | None:
    """Refuse anchors/aliases (no expansion bombs) and absurd nesting, without recursion."""
    seen: set[int] = set()
    stack: list[tuple[Any, int]] = [(node, 1)]
    while stack:
        current, depth = stack.pop()
        mark = current.start_mark
        if id(current) in seen:
            return Problem(
                path,
                mark.line + 1,
                mark.column + 1,
                None,
                None,
                "anchors and aliases are not allowed in catalogue files",
            )
        seen.add(id(current))
        if depth > MAX_DEPTH:
            return Problem(
                path, mark.line + 1, mark.column + 1, None, None, f"nested more than {MAX_DEPTH} levels deep"
            )
        if isinstance(current.value, list):
            for child in current.value:
                if isinstance(child, tuple):
                    stack.append((child[0], depth + 1))
                    stack.append((child[1], depth + 1))
                else:
                    stack.append((child, depth + 1))
    return None


# Building PyYAML's node tree costs some 300 bytes a node: a 64 MiB file of "[1,1,1,..."
# would need gigabytes.  Files over a mebibyte (which can hold a million nodes) are
# first counted, streaming, and refused past MAX_NODES.
MAX_NODES = 1_000_000
# What PyYAML's constructors raise on values they cannot build (e.g. 2023-02-30, !!int abc).
_CONSTRUCT_ERRORS = (ValueError, TypeError, LookupError, AttributeError, ArithmeticError)
_COUNT_NODES_OVER_BYTES = 1024 * 1024


def _too_many_nodes(text: str, path: str) -> Problem | None:
    import yaml

    base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    starts = (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent, yaml.AliasEvent)
    count = 0
    try:
        for event in yaml.parse(text, Loader=base):
            if isinstance(event, starts):
                count += 1
                if count > MAX_NODES:
                    mark = event.start_mark
                    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
                    return Problem(
                        path,
                        line,
                        column,
                        None,
                        None,
                        f"more than {MAX_NODES:,} values in one file; split it",
                    )
    except (yaml.YAMLError, RecursionError):
        return None  # the parse proper reports it, with its place
    return None


def _parse(f: _File) -> tuple[Any, Any, list[Problem]]:
    """YAML bytes -> (python data, node tree); problems instead of exceptions."""
    import yaml

    path = str(f.path)
    try:
        text = f.data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = f.data[: exc.start].count(b"\n") + 1
        bad = f"byte 0x{f.data[exc.start]:02x} at offset {exc.start}"
        return None, None, [Problem(path, line, None, None, None, f"not valid UTF-8 ({bad})")]
    if "\t" in text:
        for n, line_text in enumerate(text.splitlines(), 1):
            stripped = line_text.lstrip(" ")
            if stripped.startswith("\t"):
                return (
                    None,
                    None,
                    [
                        Problem(
                            path,
                            n,
                            len(line_text) - len(stripped) + 1,
                            None,
                            None,
                            "tab used for indentation; YAML indents with spaces",
                        )
                    ],
                )
    if len(f.data) > _COUNT_NODES_OVER_BYTES:
        too_many = _too_many_nodes(text, path)
        if too_many is not None:
            return None, None, [too_many]
    loader = _loader_class()(text)
    try:
        node = loader.get_single_node()
        if node is None or (
            isinstance(node, yaml.ScalarNode)
            and node.value == ""
            and not node.style
            and node.tag == "tag:yaml.org,2002:null"
        ):
            return [], None, []  # no document, or an empty one ("---" alone): an empty collection
        shape = _check_shape(node, path)
        if shape is not None:
            return None, None, [shape]
        data = loader.construct_document(node)
        return data, node, []
    except _RepeatedKey as exc:
        return (
            None,
            None,
            [
                Problem(
                    path,
                    exc.again.line + 1,
                    exc.again.column + 1,
                    None,
                    exc.key,
                    f"key repeated in one mapping (first at line {exc.first.line + 1})",
                )
            ],
        )
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or exc.context or "invalid YAML"
        if mark is None:
            return None, None, [Problem(path, None, None, None, None, f"invalid YAML: {what}")]
        return (
            None,
            None,
            [Problem(path, mark.line + 1, mark.column + 1, None, None, f"invalid YAML: {what}")],
        )
    except yaml.YAMLError as exc:
        return None, None, [Problem(path, None, None, None, None, f"invalid YAML: {exc}")]
    except RecursionError:
        return None, None, [Problem(path, None, None, None, None, "document nested too deeply")]
    except _CONSTRUCT_ERRORS as exc:  # from PyYAML
        return None, None, [Problem(path, None, None, None, None, f"invalid YAML: {exc}")]
    finally:
        loader.dispose()


def _node_at(node: Any, loc: Sequence[Any]) -> Any:
    """The YAML node at a Pydantic error location (as deep as it can be followed)."""
    import yaml

    current = node
    for part in loc:
        if isinstance(current, yaml.SequenceNode) and isinstance(part, int) and part < len(current.value):
            current = current.value[part]
        elif isinstance(current, yaml.MappingNode):
            for key_node, value_node in current.value:
                if getattr(key_node, "value", None) == part:
                    current = value_node
                    break
            else:
                return current
        else:
            return current
    return current


def _line_of(node: Any, loc: Sequence[Any]) -> tuple[int | None, int | None]:
    if isinstance(node, _LazyBatch):
        node = node.node()
    if node is None:
        return None, None
    target = _node_at(node, loc)
    return target.start_mark.line + 1, target.start_mark.column + 1


def _field_name(loc: Sequence[Any]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _pydantic_message(err: dict[str, Any], collection: str) -> str:
    kind = err["type"]
    value = err.get("input")
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        choices = [c.strip().strip("'") for c in expected.replace(" or ", ", ").split(",") if c.strip()]
        hint = vocab.closest(str(value), choices)
        did = f" (did you mean '{hint}'?)" if hint else ""
        return f"unknown value {value!r}{did}; valid: {', '.join(choices)}"
    if kind == "extra_forbidden":
        from bali_corruption_cli.models import MODELS

        model = MODELS[collection]
        fields = list(model.model_fields)
        hint = vocab.closest(str(err["loc"][-1]), fields)
        did = f" (did you mean '{hint}'?)" if hint else ""
        return f"unknown key{did}"
    if kind == "missing":
        return "required key is missing"
    msg = str(err.get("msg", "invalid value"))
    if value is not None and not isinstance(value, (dict, list)):
        shown = repr(value)
        if len(shown) > 60:
            shown = shown[:57] + "..."
        return f"{msg} (got {shown})"
    return msg


def _computed_key(kind: str, loc: Sequence[Any]) -> bool:
    """An event's hosts/funders key, which the loader computes and a file must not hold."""
    return kind == "extra_forbidden" and len(loc) == 1 and loc[0] in derived.EVENT_PARTIES


def _duplicate(path: str, line: int | None, rid: str, first: tuple[str, int | None], base: bool) -> Problem:
    """The problem of an id read twice (``first``: where it was read before)."""
    hint = (
        "rename one"
        if base or first[0] == path
        else "rename one, or add 'patch: true' (merge these fields into it) or 'replace: true' here"
    )
    return Problem(
        path,
        line,
        None,
        rid,
        "id",
        f"duplicate id; first defined at {first[0]}:{first[1]} "
        f"(ids are unique across the catalogue and its overlays; {hint})",
    )


def _overlay_target(
    f: _File, base: bool, rid: str | None, places: dict[str, tuple[str, Any]], records: list[Record]
) -> int:
    """Where, in its collection, the record an overlay's marked record changes is;
    overlay.MarkerError saying why when there is none."""
    if base:
        raise overlay.MarkerError(
            "'patch' and 'replace' belong in an overlay (--with DIR), not in the catalogue itself"
        )
    if rid is None:
        raise overlay.MarkerError("a record that patches or replaces another needs that record's id")
    if rid not in places:
        raise overlay.MarkerError(
            f"no record '{rid}' to change: 'patch'/'replace' change a record of the catalogue "
            "or of an earlier overlay (leave the marker out to add a new record)"
        )
    for n in range(len(records) - 1, -1, -1):
        if records[n]["id"] == rid:
            return n
    raise overlay.MarkerError(
        f"record '{rid}' is not one of the {f.collection}; patch it in its own collection's file"
    )


def _build(files: Sequence[_File], batched: bool = True) -> tuple[Catalog | None, list[Problem]]:
    import gc

    from pydantic import ValidationError

    from bali_corruption_cli.models import MODELS

    problems: list[Problem] = []
    collections: dict[str, list[Record]] = {name: [] for name in layout.COLLECTIONS}
    origins: dict[str, tuple[str, int | None]] = {}
    places: dict[str, tuple[str, Any]] = {}  # id -> (file, node) for integrity messages
    broken: set[str] = set()  # ids (and names) of records that exist but failed validation
    invalid: list[tuple[str, Record, str | None, str, Any, int]] = []  # those records, as read
    in_batches: set[str] = set()  # files read a batch at a time: their nodes are parsed if needed
    seen: dict[str, tuple[str, int | None]] = {}  # every id read (valid or not) -> where first
    bases: dict[str, str] = {}  # collection -> the catalogue's own file (the others are overlays)
    changes: dict[str, list[dict[str, Any]]] = {}  # id -> how overlays changed that record
    unparsed: dict[str, str] = {}  # collection -> a file of it that could not be read as records

    def add(f: _File) -> None:
        """Parse, validate and place one file's records (or one batch of a large file)."""
        path = str(f.path)
        data, node, parse_problems = _parse(f)
        if parse_problems:
            rescued = _repeated_keys(f)
            if rescued is None:
                problems.extend(parse_problems)
                unparsed.setdefault(f.collection, path)
                return
            # Report every repeated key, then check the rest of the file (last value wins).
            data, node, repeated = rescued
            at = {(p.line, p.column) for p in repeated}
            problems.extend(p for p in parse_problems if (p.line, p.column) not in at)
            problems.extend(repeated)
        if not isinstance(data, list):
            line, col = _line_of(node, ())
            got = type(data).__name__ if data is not None else "nothing"
            problems.append(
                Problem(
                    path, line, col, None, None, f"expected a list of {f.collection} records, got a {got}"
                )
            )
            unparsed.setdefault(f.collection, path)
            return
        model = MODELS[f.collection]
        base = bases.setdefault(f.collection, path) == path  # the catalogue's own file, not an overlay
        for i, raw in enumerate(data):
            _stop_if_interrupted()
            rid = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else None
            rec_line, _ = _line_of(node, (i,))
            action: str | None = None
            target: int | None = None
            candidate: Any = raw
            if isinstance(raw, dict) and any(m in raw for m in overlay.MARKERS):
                try:
                    action = overlay.marker(raw)
                    target = _overlay_target(f, base, rid, places, collections[f.collection])
                except overlay.MarkerError as exc:
                    problems.append(Problem(path, rec_line, None, rid, None, str(exc)))
                    if rid is not None:
                        broken.add(rid)
                    continue
                if action == "patch":
                    candidate = overlay.patched(model, collections[f.collection][target], raw)
                else:
                    candidate = overlay.without_marker(raw)
            try:
                record = model.model_validate(candidate).model_dump(mode="json")
            except ValidationError as exc:
                if rid is not None:
                    broken.add(rid)  # it exists: references to it are not "unknown"
                if isinstance(raw, dict):
                    invalid.append((f.collection, raw, rid, path, node, i))
                    if isinstance(raw.get("name"), str):
                        broken.add(raw["name"])
                for err in exc.errors():
                    loc = (i, *err["loc"])
                    line, col = _line_of(node, loc)
                    message = _pydantic_message(dict(err), f.collection)
                    if tuple(err["loc"]) == ("sources",) and err["type"] in ("missing", "too_short"):
                        message = (
                            "record cites no source; add one, e.g. "
                            "sources: [{source: SOURCE-ID, at: 'para 2'}]"
                        )
                    field_name = _field_name(err["loc"]) or None
                    if f.collection == "events" and _computed_key(err["type"], err["loc"]):
                        message = derived.written_link_hint(str(err["loc"][0]), rid)
                    problems.append(Problem(path, line, col, rid, field_name, message))
                # Still one pass: an invalid record's id can clash too (its references and
                # dates are checked with the others, from `invalid`).
                if rid is not None and action is None:
                    if rid in seen:
                        problems.append(_duplicate(path, rec_line, rid, seen[rid], base))
                    else:
                        seen[rid] = (path, rec_line)
                continue
            if action is not None and target is not None:
                collections[f.collection][target] = record
                places[record["id"]] = (path, (node, i))
                changes.setdefault(record["id"], []).append(overlay.change(path, rec_line, action, raw))
                continue
            if record["id"] in seen:
                problems.append(_duplicate(path, rec_line, record["id"], seen[record["id"]], base))
                continue
            seen[record["id"]] = (path, rec_line)
            places[record["id"]] = (path, (node, i))
            origins[record["id"]] = (path, rec_line)
            collections[f.collection].append(record)

    gc_was_enabled = gc.isenabled()
    gc.disable()  # large loads make the cyclic GC super-linear; nothing here builds cycles
    try:
        for f in files:
            _stop_if_interrupted()
            path = str(f.path)
            if batched and len(f.data) > BATCH_MIN_BYTES:
                base = bases.setdefault(f.collection, path) == path
                model = MODELS[f.collection]
                found = _add_batched(f, model, collections, origins, places, seen, base, add)
                if found is not None:
                    problems.extend(found)
                    in_batches.add(path)
                    continue
            for part in _parts(f):
                add(part)
        shared = {f.collection for f in files if str(f.path) in in_batches}  # done batch by batch
        for name, records in collections.items():
            if name not in shared:
                _share_strings(records)
        fields = {name: list(MODELS[name].model_fields) for name in layout.COLLECTIONS}
        derived.add_event_parties(collections["events"], collections["stakeholders"])
        fields["events"] = derived.event_fields(fields["events"])
        if changes:
            for records in collections.values():
                for record in records:
                    if record["id"] in changes:
                        record[overlay.FIELD] = changes[record["id"]]
        catalog = Catalog(collections, fields, origins)
        problems.extend(_integrity(catalog, places, broken, invalid, unparsed))
    finally:
        if gc_was_enabled:
            gc.enable()
    _LazyBatch._last = None
    catalog.warnings = [p for p in problems if p.severity == "warning"]
    if any(p.severity == "error" for p in problems):
        return None, problems
    return catalog, problems


# Files larger than this that are a plain top-level block sequence are read a
# batch of records at a time, so that only one batch's node tree (some 12 KB a
# record) is alive at once; a batch stays within the size the node-count guard
# lets through whole.
BATCH_MIN_BYTES = 1 << 20
BATCH_RECORDS = 2000


def _parts(f: _File) -> Iterator[_File]:
    """The file whole, or, when it is large, its batches as files of their own.

    Each batch is preceded by as many newlines as the lines before it, so the
    parser's line numbers are the file's: messages stay exact while no single
    parse holds more than a batch (and the per-parse node cap keeps holding).
    """
    parts = _batches(f) if len(f.data) > BATCH_MIN_BYTES else None
    if parts is None:
        yield f
        return
    for begin, end, lines_before, _count in parts:
        yield _File(f.collection, f.path, b"\n" * lines_before + f.data[begin:end])


def _batches(f: _File) -> list[tuple[int, int, int, int]] | None:
    """Split a plain top-level block sequence into (start, end, lines before, records).

    Offsets are in the file's bytes, which are decoded a batch at a time (the
    whole text, and its slices, would each cost the file's size again).

    None when the file is not that simple (tabs, document markers, anything but
    '- ', comments and indented lines at column 0) or a record is too large: it
    is then read whole.
    """
    import re

    data = f.data
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0  # its first line is then checked as the head
    # A line may start only with "- " (or a lone "-"), a space, "#" or its end ("---" is out).
    # The patterns start with a literal "\n", which re finds fast (re.M "^": 8x slower);
    # the first line is checked on its own.
    bad = rb"(?:[^-# \r\n]|-[^ \r\n])"
    if b"\t" in data or re.compile(bad).match(data, bom) or re.compile(rb"\n" + bad).search(data, bom):
        return None
    first = [bom] if re.compile(rb"-(?= |\r?\n|\r?$)").match(data, bom) else []
    starts = first + [m.start() + 1 for m in re.compile(rb"\n-(?= |\r?\n|\r?$)").finditer(data, bom)]
    try:
        head = data[: starts[0]].decode("utf-8-sig").splitlines() if starts else []
    except UnicodeDecodeError:
        return None
    if not starts or any(t.strip() and not t.lstrip().startswith("#") for t in head):
        return None  # nothing but blank lines and comments before the first record
    starts.append(len(data))
    out: list[tuple[int, int, int, int]] = []
    line = data.count(b"\n", 0, starts[0])
    k = 0
    while k < len(starts) - 1:
        n = 1
        while (
            n < BATCH_RECORDS
            and k + n < len(starts) - 1
            and starts[k + n + 1] - starts[k] <= _COUNT_NODES_OVER_BYTES
        ):
            n += 1
        begin, end = starts[k], starts[k + n]
        if end - begin > _COUNT_NODES_OVER_BYTES:
            return None  # one record over a MiB: the whole-file path counts its nodes
        out.append((begin, end, line, n))
        line += data.count(b"\n", begin, end)
        k += n
    return out


_TAG = "tag:yaml.org,2002:"
_T_STR, _T_SEQ, _T_MAP, _T_NULL, _T_BOOL = (_TAG + t for t in ("str", "seq", "map", "null", "bool"))


class _Slow(Exception):
    """The fast reader met something it leaves to the full one (which then reports it exactly)."""


def _plain_events(
    loader: Any, canon: dict[str, str], tags: dict[str, str] | None = None
) -> tuple[list[Any], list[int]]:
    """A block sequence's items, built straight from libyaml's events, and their lines.

    The data is what PyYAML's full loader builds (`_check_shape` + the strict
    constructor: tests/test_fast_reader.py holds them to it), for the plain cases
    only: untagged str, int, float, bool, null and dates, lists, and mappings with
    scalar keys.  Anything else raises _Slow (an anchor or alias, an explicit tag,
    a complex or repeated key, nesting deeper than MAX_DEPTH, a value its
    constructor refuses, a second document): the caller then reads the file with
    the full loader, which reports any problem with its line.  Skipping PyYAML's
    node tree saves about a quarter of the reading time (no node, no resolver call
    for most strings).  Equal strings of up to 64 characters become one object
    (``canon``, as `_share_strings` does); ``tags`` remembers the resolver's answer for
    short plain scalars it must be asked about (keys such as "title", "themes").
    """
    import yaml

    get = loader.get_event
    share = canon.setdefault
    scalar_event = yaml.ScalarEvent
    mapping_start, sequence_start = yaml.MappingStartEvent, yaml.SequenceStartEvent
    ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    resolve = loader.resolve
    tags = {} if tags is None else tags
    starts = _implicit_starts(loader)
    fast = starts is not None
    constructors = {
        _T_BOOL: loader.construct_yaml_bool,
        _TAG + "int": loader.construct_yaml_int,
        _TAG + "float": loader.construct_yaml_float,
        _TAG + "timestamp": loader.construct_yaml_timestamp,
    }
    no_key = _NO_KEY

    def expect(kind: Any) -> Any:
        event = get()
        if type(event) is not kind:
            raise _Slow
        return event

    expect(yaml.StreamStartEvent)
    expect(yaml.DocumentStartEvent)
    first = expect(sequence_start)
    if first.anchor is not None or first.tag not in (None, "!"):
        raise _Slow
    root: list[Any] = []
    lines: list[int] = []
    stack: list[Any] = [root]
    top: Any = root
    is_map = False
    key: Any = no_key
    while True:
        event = get()
        kind = type(event)
        if kind is scalar_event:
            value = event.value
            tag = event.tag
            if event.anchor is not None or len(stack) >= MAX_DEPTH or tag not in (None, "!"):
                raise _Slow
            implicit = event.implicit
            if fast and (not implicit[0] or (value and value[0] not in starts)):  # type: ignore[operator]
                tag = _T_STR  # what the resolver would answer, without calling it
            elif fast and len(value) <= 32:
                # Without path resolvers a plain scalar's tag depends on its text alone.
                tag = tags.get(value)
                if tag is None:
                    tag = resolve(yaml.ScalarNode, value, implicit)
                    if len(tags) < 4096:
                        tags[value] = tag
            else:
                tag = resolve(yaml.ScalarNode, value, implicit)
            if tag == _T_STR:
                if len(value) <= 64:
                    value = share(value, value)
            elif tag == _T_NULL:
                value = None
            else:
                make = constructors.get(tag)
                if make is None:
                    raise _Slow  # "<<" (merge), "=" (value) and the like
                value_text = value
                node = yaml.ScalarNode(tag, value, event.start_mark, event.end_mark, event.style)
                try:
                    value = make(node)
                except _CONSTRUCT_ERRORS as exc:
                    raise _Slow from exc
                if type(value) is int and value.bit_length() > 64:
                    raise _Slow
                if yaml12.problem(value_text, tag, value) is not None:
                    raise _Slow  # a YAML 1.1-only form: the full loader says which
            if is_map:
                if key is no_key:
                    if value in top or type(value) is not str:
                        # A repeated key, or a key that is not text ("true" and 'true'
                        # are one key to the full loader's check): the full loader decides.
                        raise _Slow
                    key = value
                    continue
                top[key] = value
                key = no_key
            else:
                if top is root:
                    lines.append(event.start_mark.line)
                top.append(value)
        elif kind is mapping_start or kind is sequence_start:
            if event.anchor is not None or event.tag not in (None, "!") or len(stack) >= MAX_DEPTH:
                raise _Slow
            new: Any = {} if kind is mapping_start else []
            if is_map:
                if key is no_key:
                    raise _Slow  # a mapping or list as a key
                top[key] = new
            else:
                if top is root:
                    lines.append(event.start_mark.line)
                top.append(new)
            stack.append(new)
            top, is_map, key = new, kind is mapping_start, no_key
        elif kind in ends:
            if top is root:
                break
            stack.pop()
            top = stack[-1]
            is_map, key = type(top) is dict, no_key
        else:
            raise _Slow  # an alias
    expect(yaml.DocumentEndEvent)
    expect(yaml.StreamEndEvent)
    return root, lines


_NO_KEY = object()


def _implicit_starts(loader: Any) -> frozenset[str] | None:
    """First characters of plain scalars that an implicit resolver may claim (int, bool, date...):
    any other plain scalar, and any quoted or block one, is a string (BaseResolver.resolve).
    None (always ask the resolver) if one claims any first character, or paths are resolved."""
    resolvers = loader.yaml_implicit_resolvers
    if None in resolvers or loader.yaml_path_resolvers:
        return None
    return frozenset(k for k in resolvers if k)


def _read_batches(f: _File, parts: Sequence[tuple[int, int, int, int]], model: Any) -> Any:
    """For each of some batches of a large file, its (records, lines), or None when it has a
    problem of any kind (the full reader then reads that batch, and reports it exactly)."""
    import yaml
    from pydantic import ValidationError

    loader_class: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    tags: dict[str, str] = {}
    # model_validate(raw).model_dump(mode="json") without its Python wrappers (~5 us a record)
    validate = model.__pydantic_validator__.validate_python
    dump = model.__pydantic_serializer__.to_python
    results: list[tuple[list[Record], list[int]] | None] = []
    canon: dict[str, str] = {}
    for begin, end, offset, count in parts:
        _stop_if_interrupted()
        results.append(None)
        try:
            chunk = f.data[begin:end].decode("utf-8")
        except UnicodeDecodeError:
            continue
        loader = loader_class(chunk)
        try:
            data, item_lines = _plain_events(loader, canon, tags)
        except (yaml.YAMLError, _Slow, RecursionError):
            continue
        finally:
            loader.dispose()
        if len(data) != count:
            continue
        records: list[Record] = []
        try:
            records.extend(dump(validate(raw), mode="json") for raw in data)
        except ValidationError:
            continue
        results[-1] = (records, [offset + line + 1 for line in item_lines])
        del data
    # Equal short strings were made one object as they were read (Pydantic keeps them):
    # no _share_strings walk needed (it cost ~9 us a record).
    return results


def workers() -> int:
    """Processes that read a large file's batches: BCC_WORKERS, else up to 4 of the CPUs
    this process may use, on Linux (where fork is cheap and safe here); 1 elsewhere."""
    from bali_corruption_cli import env

    wanted = env.workers()  # UsageError if set and not a number from 1 to env.MAX_WORKERS
    if wanted is None:
        try:
            wanted = min(4, len(os.sched_getaffinity(0)))
        except (AttributeError, OSError):
            wanted = 1
    return wanted if sys.platform.startswith("linux") and hasattr(os, "fork") else 1


def _read_batches_parallel(f: _File, parts: Sequence[tuple[int, int, int, int]], model: Any) -> Any:
    """`_read_batches` with the batches shared among forked processes (parsing YAML is most
    of a cold load). Each child sends its results back through a pipe as marshal; a child
    that fails for any reason other than the data is redone here.  The results are in the
    order of ``parts``."""
    import marshal

    count = min(workers(), len(parts) // 2)
    if count < 2:
        return _read_batches(f, parts, model)
    sizes = [end - begin for begin, end, _lines, _n in parts]
    total = sum(sizes)
    shares: list[list[tuple[int, int, int, int]]] = [[] for _ in range(count)]
    # Contiguous shares by bytes; this process takes a little less (0.9 of a share):
    # it also receives and merges the others' answers.
    weight = 0.9 + (count - 1)
    bounds = [(0.9 + k) / weight for k in range(count)]
    done = 0
    for part, size in zip(parts, sizes, strict=True):
        middle = (done + size / 2) / total
        shares[next((k for k, bound in enumerate(bounds) if middle < bound), count - 1)].append(part)
        done += size
    children: list[tuple[int, int, list[tuple[int, int, int, int]]]] = []
    received: set[int] = set()  # children whose answer was read whole
    try:
        for share in shares[1:]:
            r, w = os.pipe()
            try:
                pid = os.fork()
            except OSError:
                os.close(r)
                os.close(w)
                shares[0].extend(share)  # no process to spare: read it here
                continue
            if pid == 0:  # the child: read its share, send it, and leave without any clean-up
                code = 1
                try:
                    os.close(r)
                    for _pid, other, _share in children:
                        os.close(other)
                    payload = marshal.dumps(_read_batches(f, share, model))
                    with open(w, "wb") as out:
                        out.write(payload)
                    code = 0
                finally:
                    os._exit(code)
            os.close(w)
            children.append((pid, r, share))
        found: dict[int, Any] = dict(
            zip((p[0] for p in shares[0]), _read_batches(f, shares[0], model), strict=True)
        )
        for pid, r, share in children:
            _stop_if_interrupted()
            with open(r, "rb", closefd=False) as fh:
                payload = fh.read()
            received.add(pid)
            try:
                theirs = marshal.loads(payload)
            except (EOFError, ValueError, TypeError):
                theirs = None
            if not isinstance(theirs, list) or len(theirs) != len(share):
                theirs = _read_batches(f, share, model)  # the child died: do its share here
            found.update(zip((p[0] for p in share), theirs, strict=True))
            del payload, theirs
        return [found[begin] for begin, _end, _lines, _n in parts]
    finally:  # also on Ctrl-C, or at a problem: no worker outlives the load
        import signal

        for pid, r, _share in children:
            os.close(r)
            if pid not in received:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)


class _LazyBatch:
    """The node tree of one batch of a large file, parsed only when a message needs a line
    (one batch's tree is kept at a time)."""

    _last: tuple[_LazyBatch, Any] | None = None

    def __init__(self, f: _File, part: tuple[int, int, int, int]) -> None:
        self.file, self.part = f, part  # nothing copied until needed

    def batch(self) -> _File:
        """The batch as a file of its own (see `_parts`): its line numbers are the file's."""
        begin, end, lines_before, _count = self.part
        return _File(self.file.collection, self.file.path, b"\n" * lines_before + self.file.data[begin:end])

    def node(self) -> Any:
        last = _LazyBatch._last
        if last is not None and last[0] is self:
            return last[1]
        _data, node, _problems = _parse(self.batch())
        _LazyBatch._last = (self, node)
        return node


def _add_batched(
    f: _File,
    model: Any,
    collections: dict[str, list[Record]],
    origins: dict[str, tuple[str, int | None]],
    places: dict[str, tuple[str, Any]],
    seen: dict[str, tuple[str, int | None]],
    base: bool,
    add: Callable[[_File], None],
) -> list[Problem] | None:
    """Add a large file's records, read in batches (in parallel), keeping only their lines.

    A batch with a problem of any kind is given to ``add`` (the full reader, which
    reports it exactly); the others are not read again.  Returns the duplicate ids
    found, or None, with nothing added, when the file is not read in batches.
    """
    parts = _batches(f)
    if parts is None:
        return None
    results = _read_batches_parallel(f, parts, model)
    path = str(f.path)
    records_of = collections[f.collection]
    problems: list[Problem] = []
    for part, result in zip(parts, results, strict=True):
        lazy = _LazyBatch(f, part)
        if result is None:
            add(lazy.batch())
            continue
        for k, (record, line) in enumerate(zip(*result, strict=True)):
            rid = record["id"]
            if rid in seen:
                problems.append(_duplicate(path, line, rid, seen[rid], base))
                continue
            seen[rid] = (path, line)
            places[rid] = (path, (lazy, k))
            origins[rid] = (path, line)
            records_of.append(record)
    return problems


def _repeated_keys(f: _File) -> tuple[Any, Any, list[Problem]] | None:
    """Every key repeated in one mapping of a file, with its data (the last value wins).

    Called when the strict parse failed: if repeated keys were the reason, they
    are all reported and the rest of the file is still checked.  None otherwise.
    """
    import yaml

    try:
        text = f.data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if len(f.data) > _COUNT_NODES_OVER_BYTES and _too_many_nodes(text, str(f.path)) is not None:
        return None  # refused by _parse as too large to build: not built here either
    base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader = base(text)
    path = str(f.path)
    try:
        node = loader.get_single_node()
        if node is None or _check_shape(node, path) is not None:
            return None
        problems: list[Problem] = []
        stack: list[tuple[Any, str | None]] = []
        if isinstance(node, yaml.SequenceNode):
            for item in node.value:
                rid = None
                if isinstance(item, yaml.MappingNode):
                    for key_node, value_node in item.value:
                        is_id = getattr(key_node, "value", None) == "id"
                        if is_id and isinstance(value_node, yaml.ScalarNode):
                            rid = value_node.value
                stack.append((item, rid))
        else:
            stack.append((node, None))
        while stack:
            current, rid = stack.pop()
            if isinstance(current, yaml.MappingNode):
                seen: dict[Any, Any] = {}
                for key_node, value_node in current.value:
                    if isinstance(key_node, yaml.ScalarNode):
                        key = key_node.value
                        if key in seen:
                            mark = key_node.start_mark
                            problems.append(
                                Problem(
                                    path,
                                    mark.line + 1,
                                    mark.column + 1,
                                    rid,
                                    key,
                                    "key repeated in one mapping "
                                    f"(first at line {seen[key].line + 1}); keep one",
                                )
                            )
                        else:
                            seen[key] = key_node.start_mark
                    stack.append((value_node, rid))
            elif isinstance(current, yaml.SequenceNode):
                stack.extend((child, rid) for child in current.value)
        if not problems:
            return None
        data = loader.construct_document(node)
        problems.sort(key=lambda p: (p.line or 0, p.column or 0))
        return data, node, problems
    except (yaml.YAMLError, RecursionError, *_CONSTRUCT_ERRORS):
        return None  # e.g. 2020-02-30: PyYAML raises ValueError; _parse has reported it
    finally:
        loader.dispose()


def _place(places: dict[str, tuple[str, Any]], rid: str) -> tuple[str, Any, int]:
    path, (node, index) = places[rid]
    return path, node, index


def _texts(paths: Iterable[str]) -> list[bytes]:
    out = []
    for path in set(paths):
        with contextlib.suppress(OSError):
            out.append(Path(path).read_bytes())
    return out


def _integrity(
    catalog: Catalog,
    places: dict[str, tuple[str, Any]],
    broken: set[str] | frozenset[str] = frozenset(),
    invalid: Sequence[tuple[str, Record, str | None, str, Any, int]] = (),
    unparsed: dict[str, str] | None = None,
) -> list[Problem]:
    """Cross-record checks: references, date order, unused sources.

    ``broken`` holds the ids and names of records that failed validation: they
    are already reported, so references to them are not reported again.
    ``invalid`` holds those records as read (collection, data, id, file, node,
    index): their references are still checked.
    ``unparsed`` holds, by collection, a file that could not be read as records: a
    reference that might point into it is not reported one by one, but counted
    in one line that names the cause.
    """
    problems: list[Problem] = []
    unparsed = unparsed or {}
    unchecked: dict[str, int] = {}  # collection that did not parse -> references not checked
    ids = {name: {r["id"] for r in recs} for name, recs in catalog.collections.items()}
    names = {"countries": {r["name"] for r in catalog.records("countries")}}
    cited: set[str] = set()

    def where(rid: str, loc: Sequence[Any]) -> tuple[str, int | None, int | None]:
        path, (node, index) = places[rid]
        if node is None:  # read in batches (only on the way to a re-read whole): the record's line
            return path, catalog.origins[rid][1], None
        line, col = _line_of(node, (index, *loc))
        return path, line, col

    for ref in layout.REFERENCES:
        targets = ids[ref.target] if ref.by == "id" else names[ref.target]
        records = catalog.records(ref.collection)
        raws = [entry for entry in invalid if entry[0] == ref.collection]
        values = layout.strings_at([*records, *(entry[1] for entry in raws)], ref.path)
        if ref.target == "sources":
            cited.update(values)
        if values <= targets or not values - targets - broken:
            continue  # the usual case: every reference resolves, no record need be walked
        checked: list[tuple[Record, str | None, str, Any, int]] = [
            (rec, rec["id"], *_place(places, rec["id"])) for rec in records
        ]
        checked += [(raw, rid, path, node, index) for _name, raw, rid, path, node, index in raws]
        for rec, rid, path, node, index in checked:
            for loc, value in layout.locate(rec, ref.path):
                if not isinstance(value, str):
                    continue  # a wrong type: reported by validation
                if ref.target == "sources":
                    cited.add(value)
                if value in targets or value in broken:
                    continue
                if ref.target in unparsed:
                    unchecked[ref.target] = unchecked.get(ref.target, 0) + 1
                    continue
                line, col = _line_of(node, (index, *loc))
                hint = vocab.closest(value, targets)
                did = f" (did you mean '{hint}'?)" if hint else ""
                what = "name" if ref.by == "name" else "id"
                problems.append(
                    Problem(
                        path, line, col, rid, _field_name(loc), f"unknown {ref.target} {what} {value!r}{did}"
                    )
                )

    for target, count in unchecked.items():
        filename = Path(unparsed[target]).name
        what = "reference" if count == 1 else "references"
        problems.append(
            Problem(
                unparsed[target],
                None,
                None,
                None,
                None,
                f"{count} {what} into {filename} not checked: it did not parse",
                severity="warning",
            )
        )
    dated: list[tuple[Any, Any, str | None, str, int | None, int | None]] = []
    for event in catalog.records("events"):
        if event["start_date"] and event["end_date"] and event["end_date"] < event["start_date"]:
            dated.append(
                (event["start_date"], event["end_date"], event["id"], *where(event["id"], ("end_date",)))
            )
    for collection, raw, rid, path, node, index in invalid:  # an invalid event's dates, if they are dates
        start, end = raw.get("start_date"), raw.get("end_date")
        if collection == "events" and isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            dated.append(
                (start.isoformat(), end.isoformat(), rid, path, *_line_of(node, (index, "end_date")))
            )
    for start, end, rid, path, line, col in dated:
        problems.append(
            Problem(path, line, col, rid, "end_date", f"end date {end} is before start date {start}")
        )
    unread = _texts(unparsed.values())  # a source named in a file that did not parse may be cited there
    for source in catalog.records("sources"):
        if source["id"] not in cited and not any(source["id"].encode() in text for text in unread):
            path, line, col = where(source["id"], ())
            problems.append(
                Problem(
                    path, line, col, source["id"], None, "source is cited by no record", severity="warning"
                )
            )
    return problems
