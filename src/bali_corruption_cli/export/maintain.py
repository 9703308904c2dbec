"""Keeping a catalogue: writing the JSON Schemas, ``data init`` and ``export``.

Pure functions: they return what they did and raise :class:`UsageError` when
asked for something that cannot be; they never print.  Imported only by
the commands that need it; Pydantic and sqlite3 are imported inside the
functions that use them.

Everything that writes goes through a temporary file or folder in the target's
own directory and a rename, so an interrupted run leaves no half-written file.
A file is never replaced by a folder nor a folder by a file (nor a symbolic link
followed or replaced), even with ``--force``; a failed write (a full disk: exit 74,
naming the path) removes what it had written and the folders it had created.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bali_corruption_cli.core import atomic
from bali_corruption_cli.core.errors import UsageError
from bali_corruption_cli.export.sqlite_export import _text, sqlite_tables
from bali_corruption_cli.export.sqlite_write import _write_sqlite
from bali_corruption_cli.model import layout
from bali_corruption_cli.model.edition import EDITION_FILE
from bali_corruption_cli.model.schemas import (
    REGENERATE,
    SCHEMA_COMMENT,
    all_schemas,
    collection_name,
    schema_filename,
    schema_for,
    schema_text,
)

if TYPE_CHECKING:
    from bali_corruption_cli.catalog import Catalog


# maintain is the face of keeping a catalogue: these come from schemas.py and sqlite_export.py.
__all__ = [
    "REGENERATE",
    "all_schemas",
    "collection_name",
    "export",
    "export_to_stream",
    "guess_format",
    "init_catalogue",
    "schema_for",
    "schema_text",
    "sqlite_tables",
    "write_schemas",
]

EXPORT_FORMATS = ("sqlite", "json", "csv", "datapackage")


def write_schemas(
    directory: Path, collections: Iterable[str] | None = None, force: bool = False
) -> list[Path]:
    """Write <collection>.schema.json files into ``directory`` (created if needed); an
    existing schema file is replaced only with ``force``."""
    if (directory.exists() or directory.is_symlink()) and not directory.is_dir():
        raise UsageError(f"{directory} is not a folder")
    plan = [
        (directory / schema_filename(name), schema_text(name).encode("utf-8"))
        for name in collections or layout.COLLECTIONS
    ]
    _check_plan(plan)
    existing = [path for path, _data in plan if path.exists() or path.is_symlink()]
    if existing and not force:
        shown = ", ".join(p.name for p in existing[:3]) + (
            f" and {len(existing) - 3} more" if len(existing) > 3 else ""
        )
        raise UsageError(
            f"{directory} already has {shown}; not overwriting them (use --force to replace them)"
        )
    _write_files(plan)
    return [path for path, _data in plan]


# ---------------------------------------------------------------- data init


def init_catalogue(dest: Path, source: Path, force: bool = False) -> list[Path]:
    """Copy the catalogue in ``source`` (the shipped one) into ``dest``, with its edition and schemas.

    The files' first-line schema comments are pointed at ``dest/schema/`` so an
    editor with the YAML language server checks them as they are typed.
    Existing files are only overwritten with ``force``.
    """
    if dest.exists() and not dest.is_dir():
        raise UsageError(f"{dest} exists and is not a folder")
    if dest.exists() and dest.resolve() == source.resolve():
        raise UsageError(f"{dest} is the shipped catalogue itself; choose another folder")
    plan: list[tuple[Path, bytes]] = []
    for name, (filename, _columns) in layout.COLLECTIONS.items():
        try:
            data = (source / filename).read_bytes()
        except OSError as exc:
            raise UsageError(
                f"cannot read the shipped catalogue: {exc.strerror}: {source / filename}"
            ) from exc
        plan.append((dest / filename, _point_schema_comment(data, f"schema/{schema_filename(name)}")))
    edition = source / EDITION_FILE  # the edition the copy starts from (`bcc info`, `bcc diff`)
    if edition.is_file():
        plan.append((dest / EDITION_FILE, edition.read_bytes()))
    for name in layout.COLLECTIONS:
        plan.append((dest / "schema" / schema_filename(name), schema_text(name).encode("utf-8")))
    _check_plan(plan)
    existing = [path for path, _data in plan if path.exists() or path.is_symlink()]
    if existing and not force:
        shown = ", ".join(str(p.relative_to(dest)) for p in existing[:6])
        more = f" and {len(existing) - 6} more" if len(existing) > 6 else ""
        raise UsageError(
            f"{dest} already has {shown}{more}; not overwriting them (use --force to replace them)"
        )
    _write_files(plan)
    return [path for path, _data in plan]


def _point_schema_comment(data: bytes, target: str) -> bytes:
    first, sep, rest = data.partition(b"\n")
    if first.startswith(SCHEMA_COMMENT.encode()):
        return (SCHEMA_COMMENT + target).encode() + sep + rest
    return data


# ---------------------------------------------------------------- export


@dataclass(frozen=True)
class ExportResult:
    path: Path
    format: str
    records: int
    tables: list[str]


def guess_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".db", ".sqlite", ".sqlite3"):
        return "sqlite"
    if suffix == ".json":
        return "json"
    raise UsageError(f"cannot tell the format from {path.name!r}; give --format sqlite, json or csv")


def export(
    catalog: Catalog,
    fmt: str,
    path: Path,
    force: bool = False,
    protected: Sequence[Path] = (),
    edition: dict[str, Any] | None = None,
) -> ExportResult:
    """Write the whole catalogue to ``path`` as sqlite, json, csv (a folder) or datapackage (a
    folder: the CSV files and ``datapackage.json``, with ``edition``), by the one write policy
    (`core.atomic`): never over an existing file without ``force``, never over a folder,
    device, FIFO, socket, symbolic link or a file of ``protected`` (the catalogue's)."""
    from functools import partial

    from bali_corruption_cli.export import datapackage

    writers: dict[str, Callable[[Catalog, Path], list[str]]] = {
        "sqlite": _write_sqlite,
        "json": _write_json,
        "csv": _write_csv,
        "datapackage": partial(
            datapackage.write, edition=edition, write_csv=_write_csv, encode=json_document
        ),
    }
    if fmt not in writers:
        raise UsageError(f"unknown export format {fmt!r}; valid: {', '.join(EXPORT_FORMATS)}")
    folder = fmt in ("csv", "datapackage")
    atomic.check_target(path, force=force, folder=folder, protected=protected, ours=_is_our_csv)
    write = writers[fmt]
    try:
        with atomic.replacing(path, folder=folder) as tmp:
            tables = write(catalog, tmp)
    except OSError as exc:
        raise atomic.write_error(path, exc) from exc
    except Exception as exc:  # sqlite3.Error: "database or disk is full", "disk I/O error"
        if type(exc).__module__ != "sqlite3":
            raise
        raise atomic.write_error(path, exc) from exc
    total = sum(len(recs) for recs in catalog.collections.values())
    return ExportResult(path, fmt, total, tables)


def check_metadata_target(metadata: Path, database: Path, force: bool, protected: Sequence[Path]) -> None:
    """UsageError (nothing written) unless Datasette's metadata may be written to ``metadata``."""
    if metadata.resolve() == database.resolve():
        raise UsageError(f"--metadata {metadata} is the database itself; give another file")
    atomic.check_target(metadata, force=force, protected=protected)


def write_metadata(catalog: Catalog, edition: dict[str, Any] | None, database: Path, metadata: Path) -> None:
    """Datasette's metadata for the export ``database`` (named after its file) written to ``metadata``."""
    from bali_corruption_cli.export import datasette

    doc = datasette.metadata(catalog, edition, database.stem)
    atomic.write_bytes(metadata, json_document(doc))


def _is_our_csv(path: Path) -> bool:
    """Whether ``path``, in a folder a CSV export (or a data package) would replace, is one of
    the files it writes."""
    ours = {f"{name}.csv" for name in layout.COLLECTIONS} | {"datapackage.json"}
    return path.name in ours and path.is_file() and not path.is_symlink()


def export_to_stream(catalog: Catalog, fmt: str, stream: Any) -> None:
    """``bcc export --format json|sqlite -``: the export's bytes on a binary stream (stdout).
    JSON is made in memory; SQLite is built in a private temporary file first (it needs a
    file), then copied.  A failure to write stdout names standard output."""
    from bali_corruption_cli.core import output

    if fmt == "json":
        document = {name: catalog.records(name) for name in layout.COLLECTIONS}
        output.write_all(stream, json_document(document))
        return
    with tempfile.TemporaryDirectory(prefix="bcc-export-") as folder:
        target = Path(folder) / f"export.{fmt}"
        try:
            _write_sqlite(catalog, target)
        except Exception as exc:  # OSError, sqlite3.Error ("disk I/O error" at a file-size limit)
            if not isinstance(exc, OSError) and type(exc).__module__ != "sqlite3":
                raise
            raise atomic.write_error(target, exc) from exc
        with target.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                output.write_all(stream, chunk)


def _check_kinds(plan: Sequence[tuple[Path, bytes]]) -> None:
    """UsageError if a file would replace a folder or a symbolic link, or a folder a file."""
    for path, _data in plan:
        if path.is_symlink():
            raise UsageError(f"{path} is a symbolic link; not replacing it, even with --force")
        if path.is_dir():
            raise UsageError(f"{path} is a folder; not replacing it with a file, even with --force")
        for folder in path.parents:
            if folder.is_dir():
                break
            if folder.exists() or folder.is_symlink():
                raise UsageError(f"{folder} is a file; not replacing it with a folder, even with --force")


def _check_plan(plan: Sequence[tuple[Path, bytes]]) -> None:
    """UsageError unless every target may be replaced with --force (the write policy, its
    kinds first: a FIFO is refused as one, not asked for --force)."""
    _check_kinds(plan)
    for path, _data in plan:
        if path.parent.is_dir():
            atomic.check_target(path, force=True)


def _write_files(plan: Sequence[tuple[Path, bytes]]) -> None:
    """Every file written, or none (`atomic.write_all`), once each target passed the write
    policy's kinds (its callers have required --force where a file exists)."""
    _check_plan(plan)
    atomic.write_all(plan)


def _write_json(catalog: Catalog, path: Path) -> list[str]:
    document = {name: catalog.records(name) for name in layout.COLLECTIONS}
    with path.open("wb") as fh:
        fh.write(json_document(document))
    return list(document)


def json_document(document: Any) -> bytes:
    """``json.dumps(document, ensure_ascii=False, indent=2)`` and a newline, as UTF-8: made by
    orjson where it gives those bytes (the standard library's encoder is pure Python once
    indented: 100,000 records ~3 s, against ~0.2 s), else by the standard library (a lone
    surrogate, an integer past 64 bits, a float, whose text orjson writes otherwise)."""
    try:
        import orjson

        if not _has_float(document):
            return orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    except (ImportError, TypeError, ValueError):  # orjson.JSONEncodeError is a TypeError
        pass
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _has_float(value: Any) -> bool:
    """Whether a float is anywhere in a JSON value (validated records hold none: ints only);
    a level at a time, map and compress doing the walk (100,000 records: ~0.1 s)."""
    from itertools import chain, compress, repeat
    from operator import is_

    level = [value]
    while level:
        kinds = list(map(type, level))
        present = set(kinds)
        if float in present:
            return True
        dicts = compress(level, map(is_, kinds, repeat(dict))) if dict in present else ()
        lists = compress(level, map(is_, kinds, repeat(list))) if list in present else ()
        level = [*chain.from_iterable(map(dict.values, dicts)), *chain.from_iterable(lists)]
    return False


def _write_csv(catalog: Catalog, folder: Path) -> list[str]:
    import csv

    written = []
    for name in layout.COLLECTIONS:
        columns = catalog.fields[name]
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(columns)
            for record in catalog.records(name):
                writer.writerow(["" if record.get(c) is None else _text(record.get(c)) for c in columns])
        written.append(f"{name}.csv")
    return written
