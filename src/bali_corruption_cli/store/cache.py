"""The validated catalogue's cache file, read lazily and trusted only once verified.

Layout (format 5), written once, atomically, and never changed:

* each collection's records as marshal chunks of CHUNK records;
* each collection's records as JSON (orjson's bytes, one after another) and their
  offsets, so a JSON answer needs no decoding at all;
* each collection's filter indexes: for each field holding short vocabulary-like
  strings (at most INDEX_MAX_VALUES distinct values), value -> record numbers (they
  narrow; the query's own test decides: `catalog.Catalog.select`);
* each collection's text index (`textindex`): every record's strings folded once, and
  the collection's words, for ``--search`` and ``bcc search``;
* each collection's default table for people (`table_cells`): every record's cells,
  so that ``bcc practices`` lays out a table without decoding a record;
* a marshal header (format, fields, warnings, where every section is and its
  checksum), then the header's checksum and its size.

Every section carries a CRC-32 (``zlib.crc32``; the JSON one for each JSON_BLOCK of
it), checked when the section is read: a damaged byte anywhere is found before it is
used (bench/checksums.py measures the cost).  The header is checked for shape, and
decoded records too (`check_records`): a crafted entry with valid checksums but odd
contents is refused as well.

`Reader` decodes only what is asked: the records of one collection, the numbers of
the records that may meet some conditions, or the records, JSON or table rows of
given numbers.
Any inconsistency raises `Corrupt`; the caller rebuilds from the YAML.

The file is opened without following a symbolic link and without blocking, and
used only if it is a regular file owned by the user running bcc.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping, Sequence
from typing import Any

from bali_corruption_cli.core.values import Record
from bali_corruption_cli.store import cache_sections
from bali_corruption_cli.store.cache_shape import (
    CHUNK,
    FORMAT,
    JSON_BLOCK,
    Corrupt,
    check_head,
    check_records,
)

__all__ = ["CHUNK", "FORMAT", "JSON_BLOCK", "Corrupt", "Reader", "check_records", "write"]

SUFFIX = ".marshal"


def _pread(fd: int, length: int, offset: int) -> bytes:
    """``length`` bytes at ``offset`` (fewer at the end of the file); Windows has no os.pread."""
    if hasattr(os, "pread"):
        return os.pread(fd, length, offset)
    os.lseek(fd, offset, os.SEEK_SET)  # pragma: no cover - Windows
    chunks = []  # pragma: no cover
    while length > 0 and (chunk := os.read(fd, length)):  # pragma: no cover
        chunks.append(chunk)
        length -= len(chunk)
    return b"".join(chunks)  # pragma: no cover


def write(
    fh: Any,
    collections: Mapping[str, Sequence[Record]],
    fields: Mapping[str, Sequence[str]],
    warnings: list[Any],
    display: cache_sections.Display | None = None,
) -> None:
    """Write the cache to a binary file object (the caller makes it atomic); ``display``:
    what to keep for the default tables (none without it)."""
    import marshal
    from array import array
    from zlib import crc32

    dumps: Any = None
    try:
        import orjson

        dumps, refused = orjson.dumps, orjson.JSONEncodeError
    except ImportError:  # pragma: no cover - a dependency; the cache then has no JSON sections
        pass
    at = 0

    def put(data: bytes) -> tuple[int, int, int]:
        nonlocal at
        fh.write(data)
        at += len(data)
        return at - len(data), len(data), crc32(data)

    sections: dict[str, dict[str, Any]] = {}
    for name, records in collections.items():
        helper = cache_sections.start_kept(name, records, fields.get(name, ()), display)
        section: dict[str, Any] = dict(
            count=len(records),
            chunks=[],
            json=None,
            offsets=None,
            index=None,
            text=None,
            words=None,
            rows=None,
            ids=None,
        )
        for start in range(0, len(records), CHUNK):
            section["chunks"].append(put(marshal.dumps(list(records[start : start + CHUNK]))))
        if dumps is not None:
            # Each record's JSON straight to the file (never all of it in memory),
            # with a checksum for each JSON_BLOCK bytes of it.
            offsets = array("Q", [0])
            start = at
            sums: list[int] = []
            block, filled = 0, 0
            try:
                for record in records:
                    piece = dumps(record)
                    fh.write(piece)
                    offsets.append(offsets[-1] + len(piece))
                    view = memoryview(piece)
                    while view:
                        take = view[: JSON_BLOCK - filled]
                        block, filled = crc32(take, block), filled + len(take)
                        view = view[len(take) :]
                        if filled == JSON_BLOCK:
                            sums.append(block)
                            block, filled = 0, 0
                if filled:
                    sums.append(block)
                json_ok = True
            except refused:  # e.g. a lone surrogate: no JSON answers for this collection
                json_ok = False
            at = start + offsets[-1]  # what was written stays (unused if refused)
            if json_ok:
                section["json"] = (start, offsets[-1], sums)
                section["offsets"] = put(offsets.tobytes())
                index = {
                    field: {value: array("I", numbers).tobytes() for value, numbers in postings.items()}
                    for field, postings in cache_sections.postings(records, fields.get(name, ())).items()
                }
                section["index"] = put(marshal.dumps(index))
        if helper is not None:  # made meanwhile by a second process
            cache_sections.finish_kept(put, section, name, records, fields.get(name, ()), helper, display)
        else:
            cache_sections.write_text(put, section, records, fields.get(name, ()))
            cache_sections.write_rows(put, section, name, records, display)
        ids = [record.get("id") if type(record) is dict else None for record in records]
        if all(type(i) is str for i in ids):
            section["ids"] = put(marshal.dumps(ids))
        sections[name] = section
    head = marshal.dumps(
        {
            "format": FORMAT,
            "fields": {name: list(names) for name, names in fields.items()},
            "warnings": warnings,
            "sections": sections,
            "size": at,
        }
    )
    fh.write(head + crc32(head).to_bytes(4, "little") + len(head).to_bytes(8, "little"))


def _open_regular(path: os.PathLike[str] | str) -> int:
    """A descriptor on ``path``: never through a symbolic link, never blocking (a FIFO),
    and only a regular file owned by this user; else Corrupt (OSError if it cannot be opened)."""
    flags = (
        os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    )
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Corrupt("not a regular file")
        if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
            raise Corrupt("not owned by this user")
    except BaseException:
        os.close(fd)
        raise
    return fd


class Reader(cache_sections.Reads):
    """An open cache file; sections are read (pread), checked and decoded when first asked for."""

    def __init__(self, path: os.PathLike[str] | str) -> None:
        import marshal
        from zlib import crc32

        self.fd = _open_regular(path)
        try:
            size = os.fstat(self.fd).st_size
            if size < 12:
                raise Corrupt("too short")
            trailer = _pread(self.fd, 12, size - 12)
            head_size = int.from_bytes(trailer[4:], "little")
            if head_size > size - 12:
                raise Corrupt("header size")
            raw = _pread(self.fd, head_size, size - 12 - head_size)
            if len(raw) != head_size or crc32(raw) != int.from_bytes(trailer[:4], "little"):
                raise Corrupt("header checksum")
            head = marshal.loads(raw)
            check_head(head, size - 12 - head_size)
            self.sections: dict[str, dict[str, Any]] = head["sections"]
            self.fields: dict[str, list[str]] = head["fields"]
            self.warnings: list[Any] = head["warnings"]
            self.limit = head["size"]
        except (EOFError, ValueError, TypeError, KeyError, OSError) as exc:
            os.close(self.fd)
            raise Corrupt(str(exc)) from exc
        except BaseException:
            os.close(self.fd)
            raise

    def __del__(self, _close: Any = os.close) -> None:
        # At interpreter exit module globals may already be None: nothing but the default.
        fd, self.fd = getattr(self, "fd", -1), -1
        if fd >= 0:
            try:  # noqa: SIM105 - contextlib may be gone by then
                _close(fd)
            except OSError:  # pragma: no cover
                pass

    @property
    def names(self) -> list[str]:
        return list(self.sections)

    def _raw(self, start: int, length: int) -> bytes:
        """The bytes at ``start`` (within the sections), all ``length`` of them, or Corrupt."""
        try:
            if start < 0 or length < 0 or start + length > self.limit:
                raise Corrupt("section out of range")
            data = _pread(self.fd, length, start)
        except (TypeError, ValueError, OSError) as exc:
            raise Corrupt(str(exc)) from exc
        if len(data) != length:
            raise Corrupt("short read")
        return data

    def _read(self, where: tuple[int, int, int]) -> bytes:
        """A section's bytes at (start, length, checksum), checked against their checksum."""
        from zlib import crc32

        start, length, expected = where
        data = self._raw(start, length)
        if crc32(data) != expected:
            raise Corrupt("checksum")
        return data

    def records(self, name: str) -> list[Record]:
        """Every record of a collection (GC paused while decoding: no cycles in them)."""
        import gc
        import marshal

        section = self.sections.get(name)
        if section is None:
            return []
        records: list[Record] = []
        enabled = gc.isenabled()
        gc.disable()
        try:
            for where in section["chunks"]:
                chunk = marshal.loads(self._read(where))
                if type(chunk) is not list:
                    raise Corrupt("chunk")
                records.extend(chunk)
            check_records(records, self.fields[name], sum(where[1] for where in section["chunks"]))
        except (EOFError, ValueError, TypeError, KeyError) as exc:
            raise Corrupt(str(exc)) from exc
        finally:
            if enabled:
                gc.enable()
        if len(records) != section["count"]:
            raise Corrupt("record count")
        return records

    def select(self, name: str, conditions: Mapping[str, set[str]]) -> Sequence[int] | None:
        """The numbers of the records meeting every condition (a set of values: any of them),
        in catalogue order, as `query.filter_records` would select them; None when this
        collection has no index or a condition's field has none."""
        import marshal

        section = self.sections.get(name)
        if section is None or section.get("index") is None:
            return None
        try:
            index = marshal.loads(self._read(section["index"]))
            if type(index) is not dict:
                raise Corrupt("index")
            active = [(field, wanted) for field, wanted in conditions.items() if wanted]
            if any(field not in index for field, _wanted in active):
                return None
            count = section["count"]
            chosen: set[int] | None = None  # None: every record
            for field, wanted in active:
                postings = index[field]
                if type(postings) is not dict:
                    raise Corrupt("index")
                matching: set[int] = set()
                for value in wanted:
                    if value in postings:
                        if type(postings[value]) is not bytes:
                            raise Corrupt("index")
                        matching.update(memoryview(postings[value]).cast("I"))
                chosen = matching if chosen is None else chosen & matching
            if chosen and max(chosen) >= count:
                raise Corrupt("index out of range")
            return range(count) if chosen is None else sorted(chosen)
        except (EOFError, ValueError, TypeError, KeyError, IndexError) as exc:
            raise Corrupt(str(exc)) from exc

    def json_at(self, name: str, numbers: Sequence[int]) -> list[bytes] | None:
        """The JSON of the records of these numbers, in that order; None when this
        collection has no JSON section."""
        section = self.sections.get(name)
        if section is None or None in (section.get("json"), section.get("offsets")):
            return None
        if any(not 0 <= n < section["count"] for n in numbers):
            raise Corrupt("record number")
        return self._json_at(section, numbers)

    def _json_at(self, section: dict[str, Any], numbers: Sequence[int]) -> list[bytes]:
        """The JSON of the records of these numbers (each checked against the count)."""
        try:
            count = section["count"]
            start, length, sums = section["json"]
            offsets = memoryview(self._read(section["offsets"])).cast("Q")
            if len(offsets) != count + 1 or offsets[-1] != length:
                raise Corrupt("offsets")
            return self._slices(start, offsets, numbers, sums)
        except (ValueError, TypeError, KeyError, IndexError) as exc:
            raise Corrupt(str(exc)) from exc

    def records_at(self, name: str, numbers: Sequence[int]) -> list[Record] | None:
        """The records of these numbers (in that order), decoded from their JSON alone;
        None when the collection has no JSON section."""
        import orjson

        section = self.sections.get(name)
        if section is None or None in (section.get("json"), section.get("offsets")):
            return None
        if any(not 0 <= n < section["count"] for n in numbers):
            raise Corrupt("record number")
        pieces = self._json_at(section, numbers)
        try:
            records = [orjson.loads(piece) for piece in pieces]
        except ValueError as exc:  # orjson.JSONDecodeError
            raise Corrupt(str(exc)) from exc
        check_records(records, self.fields[name], sum(map(len, pieces)) + len(pieces))
        return records

    def _slices(self, base: int, offsets: Any, numbers: Sequence[int], sums: Sequence[int]) -> list[bytes]:
        """The records' JSON, read whole JSON_BLOCKs at a time (a window of at least 4 MiB),
        each checked against its checksum (no copy of the whole)."""
        from zlib import crc32

        out: list[bytes] = []
        window, low, high = b"", 0, 0
        total = offsets[-1]
        for number in numbers:
            start, end = offsets[number], offsets[number + 1]
            if not 0 <= start <= end <= total:
                raise Corrupt("offsets out of order")
            if start < low or end > high:
                low = start // JSON_BLOCK * JSON_BLOCK
                high = min(total, -(-max(end, low + (4 << 20)) // JSON_BLOCK) * JSON_BLOCK)
                window = self._raw(base + low, high - low)
                view = memoryview(window)
                for at in range(0, high - low, JSON_BLOCK):
                    if crc32(view[at : at + JSON_BLOCK]) != sums[(low + at) // JSON_BLOCK]:
                        raise Corrupt("checksum")
            out.append(window[start - low : end - low])
        return out
