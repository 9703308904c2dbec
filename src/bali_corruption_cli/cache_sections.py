"""What the cache keeps beside the records, built when it is written: filter indexes,
the text index (`textindex`) and the default table's rows (`table_cells`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bali_corruption_cli.cache_shape import CHUNK

INDEX_MAX_VALUES = 1000  # a field with more distinct values (ids, titles) is not indexed

Record = dict[str, Any]


def postings(records: Sequence[Record], fields: Sequence[str]) -> dict[str, dict[str, list[int]]]:
    """For each vocabulary-like field: value -> numbers of the records whose field is that
    string or a list holding it (as `query.matches` tests them).  Left out: a field with
    more than INDEX_MAX_VALUES distinct strings, or none in its first 1,000 records, or any
    value but a string, nothing, or a list of distinct strings (so that the postings also
    count the values exactly, as `explore.count` does)."""
    found: dict[str, dict[str, list[int]]] = {field: {} for field in fields}
    for number, record in enumerate(records):
        if number == 1000:
            found = {field: postings for field, postings in found.items() if postings}
        for field in list(found):
            value = record.get(field)
            if value is None:
                continue
            postings = found[field]
            for item in value if type(value) is list else (value,):
                if type(item) is not str:
                    del found[field]
                    break
                numbers = postings.get(item)
                if numbers is None:
                    if len(postings) >= INDEX_MAX_VALUES:
                        del found[field]
                        break
                    postings[item] = [number]
                elif numbers[-1] != number:
                    numbers.append(number)
                else:  # the same value twice in one list
                    del found[field]
                    break
    return found


def write_text(put: Any, section: dict[str, Any], records: Sequence[Record], fields: Sequence[str]) -> None:
    """The collection's text index (`textindex`): haystacks and field numbers in chunks of
    CHUNK records, then its words; none when a record cannot have one."""
    import marshal

    from bali_corruption_cli import textindex

    place = textindex.places(fields)
    if place is None:
        return
    where, words = [], set[str]()
    for start in range(0, len(records), CHUNK):
        made = [textindex.haystack(record, place) for record in records[start : start + CHUNK]]
        if None in made:
            return  # what was written stays, unused
        haystacks = [m[0] for m in made if m is not None]
        textindex.add_words(words, haystacks)
        where.append(put(marshal.dumps((haystacks, [m[1] for m in made if m is not None]))))
    section["text"] = where
    section["words"] = put(marshal.dumps(textindex.sorted_words(words)))


def write_rows(put: Any, section: dict[str, Any], name: str, records: Sequence[Record]) -> None:
    """The collection's default table (`table_cells`), in chunks of CHUNK records: each
    chunk's rows of cells, and a byte a row saying whether one of its cells is marked."""
    import marshal

    from bali_corruption_cli import layout, table_cells

    if name not in layout.COLLECTIONS:
        return
    where = []
    try:
        for start in range(0, len(records), CHUNK):
            made = [table_cells.default_row(name, record) for record in records[start : start + CHUNK]]
            where.append(put(marshal.dumps(([cells for cells, _ in made], bytes(m for _, m in made)))))
    except (AttributeError, TypeError, KeyError, ValueError):  # not records as validation gives them
        return
    section["rows"] = where
    section["columns"] = len(table_cells.default_columns(name))
