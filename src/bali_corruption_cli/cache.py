"""The validated catalogue's cache file, read lazily.

Layout (format 3), written once, atomically, and never changed:

* each collection's records as marshal chunks of CHUNK records;
* each collection's records as JSON (orjson's bytes, one after another) and their
  offsets, so a JSON answer needs no decoding at all;
* each collection's filter indexes: for each field holding short vocabulary-like
  strings (at most INDEX_MAX_VALUES distinct values), value -> record numbers;
* a marshal header (format, fields, warnings, where every section is), then its size.

`Reader` decodes only what is asked: the records of one collection, or the JSON
of the records matching some conditions (at 100,000 practices, a warm
``practices --sector private --json`` then decodes no record: 0.35 s less).
Any inconsistency raises `Corrupt`; the caller rebuilds from the YAML.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

FORMAT = 3  # 1: JSON; 2: marshal chunks; 3: + per-record JSON, indexes, lazy sections
SUFFIX = ".marshal"
CHUNK = 5000  # records a marshal chunk
INDEX_MAX_VALUES = 1000  # a field with more distinct values (ids, titles) is not indexed

Record = dict[str, Any]


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


class Corrupt(Exception):
    """The cache file is not what its header says: read the YAML instead."""


def _postings(records: Sequence[Record], fields: Sequence[str]) -> dict[str, dict[str, list[int]]]:
    """For each vocabulary-like field: value -> numbers of the records whose field is that
    string or a list holding it (as `query.matches` tests them).  A field with more than
    INDEX_MAX_VALUES distinct strings, or none in its first 1,000 records, is left out."""
    found: dict[str, dict[str, list[int]]] = {field: {} for field in fields}
    for number, record in enumerate(records):
        if number == 1000:
            found = {field: postings for field, postings in found.items() if postings}
        for field in list(found):
            value = record.get(field)
            postings = found[field]
            for item in value if type(value) is list else (value,):
                if type(item) is str:
                    numbers = postings.get(item)
                    if numbers is None:
                        if len(postings) >= INDEX_MAX_VALUES:
                            del found[field]
                            break
                        postings[item] = [number]
                    elif numbers[-1] != number:
                        numbers.append(number)
    return found


def write(
    fh: Any,
    collections: Mapping[str, Sequence[Record]],
    fields: Mapping[str, Sequence[str]],
    warnings: list[Any],
) -> None:
    """Write the cache to a binary file object (the caller makes it atomic)."""
    import marshal
    from array import array

    dumps: Any = None
    try:
        import orjson

        dumps, refused = orjson.dumps, orjson.JSONEncodeError
    except ImportError:  # pragma: no cover - a dependency; the cache then has no JSON sections
        pass
    at = 0

    def put(data: bytes) -> tuple[int, int]:
        nonlocal at
        fh.write(data)
        at += len(data)
        return at - len(data), len(data)

    sections: dict[str, dict[str, Any]] = {}
    for name, records in collections.items():
        section: dict[str, Any] = dict(count=len(records), chunks=[], json=None, offsets=None, index=None)
        for start in range(0, len(records), CHUNK):
            section["chunks"].append(put(marshal.dumps(list(records[start : start + CHUNK]))))
        if dumps is not None:
            # Each record's JSON straight to the file (never all of it in memory).
            offsets = array("Q", [0])
            start = at
            try:
                for record in records:
                    piece = dumps(record)
                    fh.write(piece)
                    offsets.append(offsets[-1] + len(piece))
                json_ok = True
            except refused:  # e.g. a lone surrogate: no JSON answers for this collection
                json_ok = False
            at = start + offsets[-1]  # what was written stays (unused if refused)
            if json_ok:
                section["json"] = (start, offsets[-1])
                section["offsets"] = put(offsets.tobytes())
                index = {
                    field: {value: array("I", numbers).tobytes() for value, numbers in postings.items()}
                    for field, postings in _postings(records, fields.get(name, ())).items()
                }
                section["index"] = put(marshal.dumps(index))
        sections[name] = section
    head = marshal.dumps(
        {"format": FORMAT, "fields": dict(fields), "warnings": warnings, "sections": sections, "size": at}
    )
    fh.write(head + len(head).to_bytes(8, "little"))


class Reader:
    """An open cache file; sections are read (pread) and decoded when first asked for."""

    def __init__(self, path: os.PathLike[str] | str) -> None:
        import marshal

        self.fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        try:
            size = os.fstat(self.fd).st_size
            if size < 8:
                raise Corrupt("too short")
            head_size = int.from_bytes(_pread(self.fd, 8, size - 8), "little")
            if head_size > size - 8:
                raise Corrupt("header size")
            head = marshal.loads(_pread(self.fd, head_size, size - 8 - head_size))
            if (
                type(head) is not dict
                or head.get("format") != FORMAT
                or head.get("size") != size - 8 - head_size
            ):
                raise Corrupt("format or size")
            self.sections: dict[str, dict[str, Any]] = head["sections"]
            self.fields: dict[str, list[str]] = head["fields"]
            self.warnings: list[Any] = head["warnings"]
            self.limit = head["size"]
        except (EOFError, ValueError, TypeError, KeyError) as exc:
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

    def _read(self, where: Any) -> bytes:
        try:
            start, length = where
            if start < 0 or length < 0 or start + length > self.limit:
                raise Corrupt("section out of range")
            data = _pread(self.fd, length, start)
        except (TypeError, ValueError, OSError) as exc:
            raise Corrupt(str(exc)) from exc
        if len(data) != length:
            raise Corrupt("short read")
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
                records.extend(marshal.loads(self._read(where)))
        except (EOFError, ValueError, TypeError, KeyError) as exc:
            raise Corrupt(str(exc)) from exc
        finally:
            if enabled:
                gc.enable()
        if len(records) != section["count"]:
            raise Corrupt("record count")
        return records

    def select_json(self, name: str, conditions: Mapping[str, set[str]]) -> list[bytes] | None:
        """The JSON of the records meeting every condition (a set of values: any of them),
        in catalogue order, as `query.filter_records` would select them; None when this
        collection has no JSON section or a condition's field has no index."""
        import marshal

        section = self.sections.get(name)
        if section is None or None in (section.get("json"), section.get("offsets"), section.get("index")):
            return None
        try:
            index = marshal.loads(self._read(section["index"]))
            active = [(field, wanted) for field, wanted in conditions.items() if wanted]
            if any(field not in index for field, _wanted in active):
                return None
            count = section["count"]
            chosen: set[int] | None = None  # None: every record
            for field, wanted in active:
                postings = index[field]
                matching: set[int] = set()
                for value in wanted:
                    if value in postings:
                        matching.update(memoryview(postings[value]).cast("I"))
                chosen = matching if chosen is None else chosen & matching
            numbers: Sequence[int] = range(count) if chosen is None else sorted(chosen)
            start, length = section["json"]
            offsets = memoryview(self._read(section["offsets"])).cast("Q")
            if len(offsets) != count + 1 or offsets[-1] != length:
                raise Corrupt("offsets")
            return self._slices(start, offsets, numbers)
        except (EOFError, ValueError, TypeError, KeyError, IndexError) as exc:
            raise Corrupt(str(exc)) from exc

    def _slices(self, base: int, offsets: Any, numbers: Sequence[int]) -> list[bytes]:
        """The records' JSON, read a window of at least 4 MiB at a time (no copy of the whole)."""
        out: list[bytes] = []
        window, low, high = b"", 0, 0
        total = offsets[-1]
        for number in numbers:
            start, end = offsets[number], offsets[number + 1]
            if not 0 <= start <= end <= total:
                raise Corrupt("offsets out of order")
            if start < low or end > high:
                low, high = start, min(total, max(end, start + (4 << 20)))
                window = self._read((base + low, high - low))
            out.append(window[start - low : end - low])
        return out
