"""What the cache keeps beside the records: filter indexes, the text index (`textindex`),
the default table's rows and its columns' widths (made by a `Display` the caller hands in:
the store knows nothing of tables) and the ids; built when it is written (the writer's
helpers), and read back checked (`Reads`, a part of `cache.Reader`)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

from bali_corruption_cli.core.values import Record
from bali_corruption_cli.store.cache_shape import CHUNK, Corrupt


class Display:
    """What the cache keeps for the default tables, handed in by its caller (the output
    layer's `table_cells.display`).  ``version`` names the code that makes the cells: rows
    kept by another version are not served (`Reads.rows`), so a change of display never
    invalidates the data.  (A plain class: a dataclass costs a millisecond at start-up.)"""

    __slots__ = ("columns", "row", "version", "widths")

    def __init__(
        self,
        version: str,
        columns: Callable[[str], int | None],  # a collection's number of default columns (None: no table)
        row: Callable[[str, Record], tuple[list[str], bool]],  # a record's cells, and whether one is marked
        widths: Callable[[Sequence[str]], tuple[int, int] | None],  # a whole column's (widest text, word)
    ) -> None:
        self.version = version
        self.columns = columns
        self.row = row
        self.widths = widths


INDEX_MAX_VALUES = 1000  # a field with more distinct values (ids, titles) is not indexed


def postings(records: Sequence[Record], fields: Sequence[str]) -> dict[str, dict[str, list[int]]]:
    """For each vocabulary-like field: value -> numbers of the records whose field is that
    string or a list holding it (as `query.matches` tests them).  Left out: a field with
    more than INDEX_MAX_VALUES distinct strings, or none in its first 1,000 records, or any
    value but a string, nothing, or a list of distinct strings (so that the postings also
    count the values exactly, as the catalogue counts them from the records)."""
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
    CHUNK records, then its words; none when the records are not the collection's (the
    catalogue then makes it in memory, by the same code: `textindex.index`)."""
    import marshal

    from bali_corruption_cli.store import textindex

    place = textindex.places(fields)
    if place is None:
        return
    where, words = [], set[str]()
    try:
        for start in range(0, len(records), CHUNK):
            made = textindex.chunk(records[start : start + CHUNK], place)
            if made is None:
                return  # what was written stays, unused
            textindex.add_words(words, made[0])
            where.append(put(marshal.dumps(made)))
    except (RecursionError, TypeError, ValueError):  # not records as validation gives them (cycles)
        return
    section["text"] = where
    section["words"] = put(marshal.dumps(textindex.sorted_words(words)))


def write_rows(
    put: Any, section: dict[str, Any], name: str, records: Sequence[Record], display: Display | None
) -> None:
    """The collection's default table (made by ``display``), in chunks of CHUNK records: each
    chunk's rows of cells, and a byte a row saying whether one of its cells is marked."""
    import marshal

    count = display.columns(name) if display is not None else None
    if display is None or count is None:
        return
    where = []
    widths: list[tuple[int, int] | None] = [(0, 0)] * count  # of each whole column, chunk by chunk
    try:
        for start in range(0, len(records), CHUNK):
            made = [display.row(name, record) for record in records[start : start + CHUNK]]
            where.append(put(marshal.dumps(([cells for cells, _ in made], bytes(m for _, m in made)))))
            for n, known in enumerate(widths):
                more = display.widths([cells[n] for cells, _ in made]) if known else None
                widths[n] = (max(known[0], more[0]), max(known[1], more[1])) if known and more else None
    except (
        AttributeError,
        TypeError,
        KeyError,
        ValueError,
        RecursionError,
    ):  # not records as validation gives them
        return
    section["rows"] = where
    section["display"] = display.version
    section["columns"] = count
    section["widths"] = widths


HELPED = 20_000  # a collection of at least this many records has its kept sections made by a second process


def start_kept(
    name: str, records: Sequence[Record], fields: Sequence[str], display: Display | None
) -> tuple[int, Any] | None:
    """Fork a process that makes the collection's text index and table rows (`write_text`,
    `write_rows`: the Python-heavy part of a cache write) while this one writes the rest.
    It writes them, as they are made, to an anonymous temporary file (unlinked at once:
    nothing is left, whatever happens); (pid, that file), or None when there is no second
    CPU, the collection is small, or no process or file could be made."""
    import tempfile

    from bali_corruption_cli.core import processes

    if len(records) < HELPED or processes.workers() < 2:
        return None
    try:
        spool = tempfile.TemporaryFile()  # noqa: SIM115 - `finish_kept` closes it
    except OSError:
        return None

    def work() -> None:
        import marshal

        made = 0

        def keep(data: bytes) -> tuple[int, int, int]:  # (its number, -1, -1): placed later
            nonlocal made
            spool.write(len(data).to_bytes(8, "little") + data)
            made += 1
            return made - 1, -1, -1

        part: dict[str, Any] = {}
        write_text(keep, part, records, fields)
        write_rows(keep, part, name, records, display)
        tail = marshal.dumps(part)
        spool.write(tail + len(tail).to_bytes(8, "little"))
        spool.flush()

    pid = processes.fork(work)
    if pid is None:
        spool.close()
        return None
    return pid, spool


def finish_kept(
    put: Any,
    section: dict[str, Any],
    name: str,
    records: Sequence[Record],
    fields: Sequence[str],
    helper: Any,
    display: Display | None,
) -> None:
    """Put the pieces `start_kept`'s process made into the file (``put``), in order, and their
    places in ``section``; if it failed, make them here."""
    import marshal
    import os

    from bali_corruption_cli.core import processes

    pid, spool = helper
    with spool:
        try:
            if not processes.succeeded(pid):
                raise ValueError("the second process failed")
            spool.seek(-8, os.SEEK_END)
            size = int.from_bytes(spool.read(8), "little")
            spool.seek(-8 - size, os.SEEK_END)
            part = marshal.loads(spool.read(size))
            spool.seek(0)
            places = []
            for _ in range(sum(len(v) for k, v in part.items() if k in ("text", "rows")) + ("words" in part)):
                length = int.from_bytes(spool.read(8), "little")
                places.append(put(spool.read(length)))
        except (EOFError, ValueError, TypeError, OSError):
            write_text(put, section, records, fields)  # (what was put stays, unused)
            write_rows(put, section, name, records, display)
            return
    for key, value in part.items():
        if key in ("text", "rows"):
            section[key] = [places[where[0]] for where in value]
        elif key == "words":
            section[key] = places[value[0]]
        else:  # display, columns, widths
            section[key] = value


class Reads:
    """The cache `Reader`'s reads of these sections (each checked for shape; `Corrupt` else)."""

    sections: dict[str, dict[str, Any]]
    fields: dict[str, list[str]]

    def _read(self, where: tuple[int, int, int]) -> bytes:  # pragma: no cover - the Reader's
        raise NotImplementedError

    def counts(
        self, name: str, field: str, numbers: Sequence[int] | None = None
    ) -> dict[str | None, int] | None:
        """How many of the records of these ``numbers`` (all by default) hold each value of
        ``field`` (None: how many hold none), only values held, from its filter index (each
        posting intersected with the numbers: no record decoded); None when the field has none."""
        import marshal

        section = self.sections.get(name)
        if section is None or section.get("index") is None:
            return None
        count = section["count"]
        try:
            index = marshal.loads(self._read(section["index"]))
            postings = index.get(field) if type(index) is dict else None
            if postings is None:
                return None
            if type(postings) is not dict or set(map(type, postings.values())) - {bytes}:
                raise Corrupt("index")
            chosen = None if numbers is None or numbers == range(count) else frozenset(numbers)
            counts: dict[str | None, int] = {}
            holding: set[int] = set()
            for value, posting in postings.items():
                view = memoryview(posting).cast("I")
                if view and max(view) >= count:
                    raise Corrupt("index out of range")
                held = view if chosen is None else chosen.intersection(view)
                if held:
                    counts[value] = len(held)
                    holding.update(held)
        except (EOFError, ValueError, TypeError) as exc:
            raise Corrupt(str(exc)) from exc
        none = (count if chosen is None else len(chosen)) - len(holding)
        if none:
            counts[None] = none
        return counts

    def ids(self, name: str) -> list[str] | None:
        """The collection's record ids, in order; None when it has none kept."""
        import marshal

        section = self.sections.get(name)
        if section is None or section.get("ids") is None:
            return None
        try:
            ids = marshal.loads(self._read(section["ids"]))
        except (EOFError, ValueError, TypeError) as exc:
            raise Corrupt(str(exc)) from exc
        if type(ids) is not list or len(ids) != section["count"] or set(map(type, ids)) - {str}:
            raise Corrupt("ids")
        return ids

    def rows(self, name: str, numbers: Sequence[int], version: str) -> list[tuple[list[str], bool]] | None:
        """The default table's rows (`Display.row`) of these records; None when the collection
        has none kept, or kept by another ``version`` of the display."""
        import marshal

        section = self.sections.get(name)
        if section is None or section.get("rows") is None or section.get("display") != version:
            return None
        cells: list[list[str]] = []
        marks = bytearray()
        try:
            for where in section["rows"]:
                chunk = marshal.loads(self._read(where))
                if type(chunk) is not tuple or len(chunk) != 2 or type(chunk[1]) is not bytes:
                    raise Corrupt("rows")
                if type(chunk[0]) is not list or len(chunk[0]) != len(chunk[1]):
                    raise Corrupt("rows")
                cells += chunk[0]
                marks += chunk[1]
            if len(cells) != section["count"]:
                raise Corrupt("rows count")
            if set(map(type, cells)) - {list} or set(map(len, cells)) - {section["columns"]}:
                raise Corrupt("row shape")
            if set(map(type, itertools.chain.from_iterable(cells))) - {str}:
                raise Corrupt("cell")
            if not isinstance(numbers, range):
                cells = [cells[n] for n in numbers]
                marks = bytearray(marks[n] for n in numbers)
        except (EOFError, ValueError, TypeError, KeyError, IndexError) as exc:
            raise Corrupt(str(exc)) from exc
        return list(zip(cells, map(bool, marks), strict=True))

    def widths(self, name: str, version: str) -> list[tuple[int, int] | None] | None:
        """The default table's (widest text, widest word) of each whole column whose cells
        are all printable ASCII (`Display.widths`); None when none are kept (by ``version``)."""
        section = self.sections.get(name)
        if section is None or section.get("rows") is None or section.get("widths") is None:
            return None
        if section.get("display") != version:
            return None
        widths = section["widths"]
        if type(widths) is not list or len(widths) != section["columns"]:
            raise Corrupt("widths")
        for known in widths:
            if known is not None and not (
                type(known) is tuple and len(known) == 2 and all(type(n) is int and n >= 0 for n in known)
            ):
                raise Corrupt("widths")
        return widths

    def text(self, name: str) -> tuple[list[str], list[bytes], list[str]] | None:
        """The collection's text index (`textindex`): haystacks, field numbers and words;
        None when it has none."""
        import marshal

        from bali_corruption_cli.store import textindex

        section = self.sections.get(name)
        if section is None or section.get("text") is None or section.get("words") is None:
            return None
        try:
            haystacks: list[str] = []
            numbers: list[bytes] = []
            for where in section["text"]:
                more, more_numbers = textindex.check(marshal.loads(self._read(where)), len(self.fields[name]))
                haystacks += more
                numbers += more_numbers
            if len(haystacks) != section["count"]:
                raise Corrupt("text index size")
            words = textindex.check_words(marshal.loads(self._read(section["words"])))
        except (EOFError, ValueError, TypeError) as exc:
            raise Corrupt(str(exc)) from exc
        return haystacks, numbers, words
