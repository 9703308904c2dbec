"""Machine formats: JSON, JSON lines, CSV, TSV, YAML and Markdown, holding the data exactly.

Written with orjson or the standard library (PyYAML for YAML), never through Rich.
"""

from __future__ import annotations

import codecs
import os
import sys
from collections.abc import Iterator, Sequence
from enum import StrEnum
from typing import Any

from bali_corruption_cli.output.text import _utf_capable


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    tsv = "tsv"
    yaml = "yaml"
    markdown = "markdown"


class DocumentFormat(StrEnum):
    """The formats of one nested document (``show``, ``summary``)."""

    table = "table"
    json = "json"
    yaml = "yaml"
    markdown = "markdown"


def _flat(value: Any) -> str:
    """A CSV/TSV cell that reads back exactly: lists and structures as JSON (as sqlite-utils
    writes them), booleans as true/false, null as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        import json

        return json.dumps(value, ensure_ascii=False)
    return str(value)


def utf8_buffer() -> Any:
    """stdout's binary buffer when bytes of UTF-8 may go straight to it (stdout is UTF-8
    text over a buffer and newlines are "\n"); else None."""
    stream = sys.stdout
    buffer = getattr(stream, "buffer", None)
    if buffer is None or os.linesep != "\n":
        return None
    try:
        if codecs.lookup(getattr(stream, "encoding", None) or "").name != "utf-8":
            return None
    except LookupError:
        return None
    return buffer


def json_pieces_writable() -> bool:
    """Whether `write_json_pieces` can be used (see `utf8_buffer`)."""
    return utf8_buffer() is not None


def _orjson_pieces(records: Sequence[dict[str, Any]]) -> list[bytes] | None:
    """Each record as orjson's compact UTF-8 bytes (25,000 records: ~0.1 s against ~0.4 s
    for the standard library's C encoder); None without orjson or if it refuses a value
    (e.g. a lone surrogate)."""
    try:
        import orjson
    except ImportError:  # pragma: no cover - a dependency; the standard library does it then
        return None
    try:
        # Each piece copied to a bytes of its own size: orjson's own answers, kept by the
        # thousand, hold ~4 KB of the allocator's memory each (25,000 records of ~600
        # bytes: 98 MB held, against 16 MB copied; the copies cost ~13 ms).
        return [bytes(memoryview(piece)) for piece in map(orjson.dumps, records)]
    except orjson.JSONEncodeError:
        return None


# Pieces laid out and written at a time (about a mebibyte of JSON for 2,048 records).
_PIECES_A_WRITE = 2048


def _laid_out_blocks(pieces: Sequence[bytes], fmt: OutputFormat) -> Iterator[bytes]:
    """The layout of --json (an array, one record a line) and of JSON lines, a block of
    pieces at a time: joined, they are `_laid_out`'s bytes."""
    if fmt == OutputFormat.json:
        # indent= would force the standard library's pure-Python encoder (3x slower).
        if not pieces:
            yield b"[]\n"
            return
        for start in range(0, len(pieces), _PIECES_A_WRITE):
            yield (b"[\n" if start == 0 else b",\n") + b",\n".join(pieces[start : start + _PIECES_A_WRITE])
        yield b"\n]\n"
        return
    for start in range(0, len(pieces), _PIECES_A_WRITE):
        yield b"".join(piece + b"\n" for piece in pieces[start : start + _PIECES_A_WRITE])


def _laid_out(pieces: Sequence[bytes], fmt: OutputFormat) -> bytes:
    """The layout of --json (an array, one record a line) and of JSON lines."""
    return b"".join(_laid_out_blocks(pieces, fmt))


def write_json_pieces(pieces: Sequence[bytes], fmt: OutputFormat) -> None:
    """Records already encoded by orjson, laid out as `records_as` lays them out, written
    straight to stdout's buffer (`json_pieces_writable` must be true): no 14 MB str
    to decode and encode again for 25,000 records, nor one bytes of it all (a block of
    pieces is written at a time)."""
    from bali_corruption_cli.core import output

    sys.stdout.flush()
    buffer = utf8_buffer()
    for block in _laid_out_blocks(pieces, fmt):
        output.write_all(buffer, block)


def _json_as(records: Sequence[dict[str, Any]], fmt: OutputFormat) -> str:
    """`records_as` for JSON and JSON lines: orjson where stdout takes UTF-8, else the
    standard library with the same compact separators (non-ASCII escaped if needed)."""
    ascii_only = not _utf_capable(sys.stdout)
    pieces = None if ascii_only else _orjson_pieces(records)
    if pieces is None:
        import json

        encode = json.JSONEncoder(ensure_ascii=ascii_only, separators=(",", ":")).encode
        pieces = [encode(record).encode("utf-8", "surrogatepass") for record in records]
    return _laid_out(pieces, fmt).decode("utf-8", "surrogatepass")


def records_as(records: Sequence[dict[str, Any]], fmt: OutputFormat, columns: Sequence[str]) -> str:
    """Serialise records in a machine format; keys in ``columns`` order where it applies."""
    if fmt in (OutputFormat.json, OutputFormat.jsonl):
        return _json_as(records, fmt)
    if fmt in (OutputFormat.csv, OutputFormat.tsv):
        import csv
        import io

        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="," if fmt == OutputFormat.csv else "\t", lineterminator="\n")
        # Python 3.11's csv leaves a field with a lone "\r" unquoted when lines end in "\n", and a
        # reader then splits the record there: such rows are written with every field quoted.
        quoted = csv.writer(buffer, dialect=writer.dialect, quoting=csv.QUOTE_ALL)
        writer.writerow(columns)
        for record in records:
            row = [_flat(record.get(name)) for name in columns]
            (quoted if any("\r" in value for value in row) else writer).writerow(row)
        return buffer.getvalue()
    if fmt == OutputFormat.yaml:
        import yaml

        dumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
        if not records:
            return "[]\n"
        return yaml.dump(  # non-ASCII escaped where stdout cannot encode it, so it round-trips
            list(records),
            Dumper=dumper,
            allow_unicode=_utf_capable(sys.stdout),
            sort_keys=False,
            width=1_000_000,
        )
    if fmt == OutputFormat.markdown:
        from bali_corruption_cli.output import render_markdown

        return render_markdown.records_table(records, columns)
    raise ValueError(fmt)  # pragma: no cover - table is drawn, not serialised


def document_as(document: Any, fmt: OutputFormat) -> str:
    """One nested document (``show``, ``summary``) as JSON or YAML."""
    if fmt == OutputFormat.yaml:
        import yaml

        dumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
        unicode = _utf_capable(sys.stdout)
        return str(yaml.dump(document, Dumper=dumper, allow_unicode=unicode, sort_keys=False, width=10**6))
    import json

    return json.dumps(document, ensure_ascii=not _utf_capable(sys.stdout), indent=2) + "\n"
