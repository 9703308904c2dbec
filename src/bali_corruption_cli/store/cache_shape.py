"""What a cache entry may hold: its header's shape and its decoded records', checked before use.

A crafted entry with valid checksums but odd contents is refused here (`Corrupt`):
the caller then reads the YAML instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

FORMAT = 7  # 1: JSON; 2: marshal chunks; 3: + per-record JSON, indexes, lazy sections; 4: + checksums;
# 5: + text index; 6: + the default table's column widths; 7: + the display's version
CHUNK = 5000  # records a marshal chunk
JSON_BLOCK = 1 << 20  # the JSON section has a checksum for each mebibyte
# What a decoded record may hold: the JSON types, as the validated YAML gives them.
_LEAF_TYPES = frozenset({str, int, float, bool, type(None)})
_VALUE_TYPES = _LEAF_TYPES | {list, dict}
MAX_LEVELS = 64  # a record nested deeper is not one that validation gave


class Corrupt(Exception):
    """The cache file is not what its header says: read the YAML instead."""


def _is_where(value: Any) -> bool:
    """(start, length, checksum): three non-negative ints."""
    return type(value) is tuple and len(value) == 3 and all(type(n) is int and n >= 0 for n in value)


def check_head(head: Any, size: int) -> None:
    """Raise Corrupt unless the header has the shape `write` gives it."""
    if type(head) is not dict or head.get("format") != FORMAT or head.get("size") != size:
        raise Corrupt("format or size")
    fields, sections, warnings = head.get("fields"), head.get("sections"), head.get("warnings")
    if type(fields) is not dict or type(sections) is not dict or type(warnings) is not list:
        raise Corrupt("header shape")
    for name, names in fields.items():
        if type(name) is not str or type(names) is not list or any(type(f) is not str for f in names):
            raise Corrupt("fields")
    for warning in warnings:
        if type(warning) is not dict or any(
            type(k) is not str or type(v) not in (str, int, type(None)) for k, v in warning.items()
        ):
            raise Corrupt("warnings")
    for name, section in sections.items():
        if type(name) is not str or name not in fields or type(section) is not dict:
            raise Corrupt("section")
        count, chunks, json = section.get("count"), section.get("chunks"), section.get("json")
        if type(count) is not int or count < 0 or type(chunks) is not list:
            raise Corrupt("section count")
        if len(chunks) != -(-count // CHUNK) or not all(map(_is_where, chunks)):
            raise Corrupt("section chunks")
        for key in ("offsets", "index", "words", "ids"):
            if section.get(key) is not None and not _is_where(section[key]):
                raise Corrupt(f"section {key}")
        for key in ("text", "rows"):
            where = section.get(key)
            if where is not None and (type(where) is not list or not all(map(_is_where, where))):
                raise Corrupt(f"section {key}")
        if section.get("rows") is not None and type(section.get("columns")) is not int:
            raise Corrupt("section columns")
        if section.get("rows") is not None and type(section.get("display")) is not str:
            raise Corrupt("section display")
        if json is not None:
            if not (type(json) is tuple and len(json) == 3 and type(json[2]) is list):
                raise Corrupt("section json")
            start, length, sums = json
            if not (type(start) is int and type(length) is int and start >= 0 and length >= 0):
                raise Corrupt("section json")
            if len(sums) != -(-length // JSON_BLOCK) or any(type(n) is not int for n in sums):
                raise Corrupt("section json checksums")


def check_records(records: Any, fields: Sequence[str], budget: int) -> None:
    """Raise Corrupt unless ``records`` is a list of records as validation gives them: dicts
    of known fields with a string id, holding only JSON values (str, int, float, bool,
    None, lists, dicts with string keys), at most MAX_LEVELS deep and at most ``budget``
    values in all (the bytes they were decoded from: a crafted entry's shared or cyclic
    lists cannot make the walk endless).  Walks a level at a time, in C (map, compress):
    ~0.1 s for 100,000 practices against ~0.4 s to decode them (bench/checksums.py)."""
    from itertools import chain, compress, repeat
    from operator import is_, itemgetter

    if type(records) is not list or set(map(type, records)) - {dict}:
        raise Corrupt("records")
    known = frozenset(fields)
    if not all(map(known.issuperset, records)):  # and so every key a string
        raise Corrupt("unknown field")
    try:
        if set(map(type, map(itemgetter("id"), records))) - {str}:
            raise Corrupt("record id")
    except KeyError as exc:
        raise Corrupt("record without an id") from exc
    values = [*chain.from_iterable(map(dict.values, records))]
    for _level in range(MAX_LEVELS):
        budget -= len(values)
        if budget < 0:
            raise Corrupt("more values than bytes")
        kinds = set(map(type, values))
        if kinds - _VALUE_TYPES:
            raise Corrupt("a value of an unknown type")
        if not kinds & {dict, list}:
            return
        dicts = list(compress(values, map(is_, repeat(dict), map(type, values)))) if dict in kinds else []
        lists = list(compress(values, map(is_, repeat(list), map(type, values)))) if list in kinds else []
        if set(map(type, chain.from_iterable(dicts))) - {str}:
            raise Corrupt("a key that is not a string")
        values = [*chain.from_iterable(map(dict.values, dicts)), *chain.from_iterable(lists)]
    raise Corrupt("nested too deeply")
