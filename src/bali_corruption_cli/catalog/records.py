"""The Catalog type: validated records by collection, decoded from the cache when first asked for."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

from bali_corruption_cli.catalog.problems import Problem
from bali_corruption_cli.core.errors import DataError, UsageError
from bali_corruption_cli.core.values import Record as Record
from bali_corruption_cli.store import cache

_T = TypeVar("_T")

# A collection of at most this many records is decoded whole (marshal, ~5 us a record) rather
# than record by record from its JSON: importing the JSON decoder alone costs ~2.5 ms at
# start-up, what 500 records take.
SMALL = 500


class Catalog:
    """Validated records by collection, with where each record was read (``origins``:
    filled when the YAML is read; a catalogue from the cache has none).

    From the cache, a collection is decoded when first asked for (`records`,
    `collections`); `select` decodes only the records its indexes cannot rule out.
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
        self._ids: dict[str, dict[str, int]] = {}  # a collection's ids from the cache: id -> number
        self._texts: dict[str, tuple[list[str], list[bytes], list[str]]] = {}  # text indexes (`text`)
        self._reader = reader
        self._rebuild = rebuild
        self.data_digest = ""  # of the files it was loaded from (`files.data_digest`), set by check()

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

    def _from_cache(
        self, read: Callable[[cache.Reader], _T | None], collection: str | None = None
    ) -> _T | None:
        """What ``read`` gets from the cache file; None without one (or once ``collection``
        is decoded), or when the file proves corrupt (the catalogue is then rebuilt)."""
        reader = self._reader
        if reader is None or (collection is not None and collection in self._collections):
            return None
        try:
            return read(reader)
        except cache.Corrupt:
            self._adopt_rebuilt()
            return None

    @property
    def names(self) -> list[str]:
        """The collections' names, in the catalogue's order, without decoding any."""
        if self._reader is not None:
            return self._reader.names
        return list(self._collections)

    def count(self, collection: str) -> int:
        """How many records the collection holds (from the cache: without decoding them)."""
        reader = self._reader
        if reader is not None and collection not in self._collections and collection in reader.sections:
            return int(reader.sections[collection]["count"])
        return len(self.records(collection))

    def _value_counts(
        self, collection: str, field: str, numbers: Sequence[int]
    ) -> dict[str | None, int] | None:
        """`Found.value_counts` from the store's filter postings; None when it keeps none
        for ``field``."""
        return self._from_cache(lambda reader: reader.counts(collection, field, numbers))

    def record_ids(self, collection: str) -> list[str] | None:
        """The collection's ids in order, from the cache without decoding a record; None
        when that cannot be done."""
        return self._from_cache(lambda reader: reader.ids(collection))

    def ids(self, collection: str) -> list[str]:
        """The collection's ids in order: from the cache without decoding a record where it can."""
        kept = self.record_ids(collection)
        return kept if kept is not None else [str(r["id"]) for r in self.records(collection)]

    def records_holding(self, collection: str, needle: str) -> list[Record]:
        """The records whose strings hold ``needle`` (folded, as `--search` has it), and maybe
        others: the store's text index narrows, decoding only the records it keeps; without
        one, every record.  The caller's own test decides (an index may narrow, the record
        decides)."""
        from bali_corruption_cli.store import textindex

        text = self._kept_text(collection) if needle.strip() else None
        if text is None:
            return self.records(collection)
        return self.records_at(collection, textindex.needle_numbers(text[0], [needle]))

    def text(self, collection: str) -> tuple[list[str], list[bytes], list[str]]:
        """The collection's text index (`textindex`: haystacks, field numbers, words): the
        store's, or, without one, made from the records by the code that makes the store's
        (and remembered).  Every collection has one: `bcc search` has one path."""
        made = self._kept_text(collection)
        if made is None:
            from bali_corruption_cli.store import textindex

            made = textindex.index(self.records(collection), self.fields[collection])
            self._texts[collection] = made
        return made

    def _kept_text(self, collection: str) -> tuple[list[str], list[bytes], list[str]] | None:
        """The collection's text index if one is at hand: one made already, or the store's
        (read each time: kept, a search of every collection would hold them all at once);
        None else (enough to narrow by, not worth making for that alone)."""
        made = self._texts.get(collection)
        return made if made is not None else self._from_cache(lambda reader: reader.text(collection))

    def records_at(self, collection: str, numbers: Sequence[int]) -> list[Record]:
        """The records of these numbers (their places in the collection), in that order,
        decoding only them when the collection is still in the cache (a small collection
        whole instead: see SMALL)."""
        reader = self._reader
        small = self.count(collection) <= SMALL
        if reader is not None and collection not in self._collections and not small:
            try:
                found = reader.records_at(collection, numbers)
                if found is not None:
                    return found
            except cache.Corrupt:
                self._adopt_rebuilt()
        records = self.records(collection)
        return [records[n] for n in numbers if n < len(records)]

    def select(
        self,
        collection: str,
        conditions: Mapping[str, set[str]],
        needles: Sequence[str] | None,
        decide: Callable[[list[Record]], list[Record]] | None,
    ) -> Found:
        """The one path by which a list command finds its records, for every collection.

        The store's indexes narrow (the filter postings for ``conditions``, the text index
        for ``needles``: each only ever drops records that cannot match), then ``decide``
        (the query's own test, every filter and needle) keeps or drops each candidate
        record, and may order them.  ``decide`` None: nothing to decide, every record in
        the catalogue's order, none decoded yet."""
        if decide is None:
            return Found(self, collection, range(self.count(collection)))
        numbers = self._narrowed(collection, conditions, needles)
        records = self.records(collection) if numbers is None else self.records_at(collection, numbers)
        kept = decide(records)
        places = range(len(records)) if numbers is None else numbers
        number_of = {id(r): n for n, r in zip(places, records, strict=True)}
        return Found(self, collection, [number_of[id(r)] for r in kept], kept)

    def _narrowed(
        self, collection: str, conditions: Mapping[str, set[str]], needles: Sequence[str] | None
    ) -> list[int] | None:
        """The numbers of the records that may meet the conditions and hold every needle,
        by the store's indexes; None when there is nothing to narrow with."""

        def read(reader: cache.Reader) -> list[int] | None:
            chosen = reader.select(collection, conditions) if any(conditions.values()) else None
            text = reader.text(collection) if needles else None
            if text is not None and needles:
                from bali_corruption_cli.store import textindex

                found = textindex.needle_numbers(text[0], needles)
                chosen = found if chosen is None else sorted(set(chosen).intersection(found))
            return None if chosen is None else list(chosen)

        return self._from_cache(read, collection)

    def _rows(
        self, collection: str, numbers: Sequence[int], version: str
    ) -> tuple[list[tuple[list[str], bool]], list[tuple[int, int] | None] | None] | None:
        """`Found.rows`: the kept rows and, for every record, the kept widths."""

        def read(reader: cache.Reader) -> tuple[Any, Any] | None:
            rows = reader.rows(collection, numbers, version)
            if rows is None:
                return None
            every = isinstance(numbers, range) and len(numbers) == reader.sections[collection]["count"]
            return rows, reader.widths(collection, version) if every else None

        return self._from_cache(read)  # kept whether or not the collection has been decoded since

    def _json(self, collection: str, numbers: Sequence[int]) -> list[bytes] | None:
        """`Found.json`: the kept JSON of these records (kept whether or not the collection
        has been decoded since: the same records)."""
        return self._from_cache(lambda reader: reader.json_at(collection, numbers))

    @property
    def index(self) -> dict[str, tuple[str, Record]]:
        if self._index is None:
            self._index = {rec["id"]: (name, rec) for name, recs in self.collections.items() for rec in recs}
        return self._index

    def get(self, record_id: str) -> tuple[str, Record] | None:
        """The record of this id, and its collection; from the cache, only that record is
        decoded (with each collection's ids)."""
        if self._index is None and self._reader is not None:
            try:
                known, found = self._get_from_cache(record_id)
            except cache.Corrupt:
                self._adopt_rebuilt()
            else:
                if known:
                    return found
        return self.index.get(record_id)

    def get_many(self, record_ids: Iterable[str]) -> dict[str, tuple[str, Record]]:
        """`get` of each of these ids (those no record has are left out); from the cache,
        each collection's records read together, in the order they are kept (a block of
        the store read and checked once, not once an id)."""
        wanted = set(record_ids)
        if self._index is None and self._reader is not None:
            try:
                found = self._get_many_from_cache(wanted)
            except cache.Corrupt:
                self._adopt_rebuilt()
            else:
                if found is not None:
                    return found
        index = self.index
        return {i: index[i] for i in wanted if i in index}

    def _get_many_from_cache(self, wanted: set[str]) -> dict[str, tuple[str, Record]] | None:
        """`get_many` through the cache's ids; None when a collection has none kept."""
        reader = self._reader
        assert reader is not None
        out: dict[str, tuple[str, Record]] = {}
        left = set(wanted)
        for name in reader.names:
            if not left:
                break
            numbers = self._ids.get(name)
            if numbers is None:
                ids = reader.ids(name)
                if ids is None:
                    return None
                numbers = self._ids[name] = {value: n for n, value in enumerate(ids)}
            here = sorted((numbers[i], i) for i in left if i in numbers)
            if here:
                records = self.records_at(name, [n for n, _i in here])
                out.update((i, (name, record)) for (_n, i), record in zip(here, records, strict=True))
                left.difference_update(i for _n, i in here)
        return out

    def _get_from_cache(self, record_id: str) -> tuple[bool, tuple[str, Record] | None]:
        """(True, `get`) through the cache's ids; (False, None) when a collection has none kept."""
        reader = self._reader
        assert reader is not None
        for name in reader.names:
            numbers = self._ids.get(name)
            if numbers is None:
                ids = reader.ids(name)
                if ids is None:
                    return False, None
                numbers = self._ids[name] = {value: n for n, value in enumerate(ids)}
            n = numbers.get(record_id)
            if n is not None:
                return True, (name, self.records_at(name, [n])[0])
        return True, None

    def all_records(self) -> Iterator[tuple[str, Record]]:
        for name, recs in self.collections.items():
            for rec in recs:
                yield name, rec


class Found:
    """The records a list command keeps (`Catalog.select`): their numbers in the
    collection, and the records themselves, decoded when first asked for.  What the store
    keeps of each record for display (its default table row, its JSON) is read by number:
    a copy of what the record itself would give, made by the caller's own code."""

    __slots__ = ("_catalog", "_records", "collection", "numbers")

    def __init__(
        self, catalog: Catalog, collection: str, numbers: Sequence[int], records: list[Record] | None = None
    ) -> None:
        self._catalog = catalog
        self.collection = collection
        self.numbers = numbers
        self._records = records

    def records(self) -> list[Record]:
        if self._records is None:
            every = isinstance(self.numbers, range) and len(self.numbers) == self._catalog.count(
                self.collection
            )
            self._records = (
                self._catalog.records(self.collection)
                if every
                else self._catalog.records_at(self.collection, self.numbers)
            )
        return self._records

    def keeping(self, kept: list[Record]) -> Found:
        """These records (some of this one's, in any order: --sort, --limit) as a `Found`."""
        number_of = {id(r): n for n, r in zip(self.numbers, self.records(), strict=True)}
        return Found(self._catalog, self.collection, [number_of[id(r)] for r in kept], kept)

    def rows(
        self, version: str
    ) -> tuple[list[tuple[list[str], bool]], list[tuple[int, int] | None] | None] | None:
        """The default table's rows the store keeps (made by the display of this
        ``version``: `cache_sections.Display`), and, when they are every record's, its
        columns' widths; None when none are kept (the caller makes them from the records)."""
        return self._catalog._rows(self.collection, self.numbers, version)

    def json(self) -> list[bytes] | None:
        """Each record as orjson writes it, as the store keeps it; None when none is kept."""
        return self._catalog._json(self.collection, self.numbers)

    def value_counts(self, field: str) -> dict[str | None, int]:
        """How many of these records hold each value of ``field`` (a list's values each;
        None: how many hold none), only values held: from the store's filter postings when
        it keeps them for ``field`` (no record decoded), else from the records
        (`value_counts`); the postings count exactly what it does (`cache_sections.postings`)."""
        kept = self._catalog._value_counts(self.collection, field, self.numbers)
        return kept if kept is not None else value_counts(self.records(), field)


def value_counts(records: Sequence[Record], field: str) -> dict[str | None, int]:
    """How many of ``records`` hold each value of ``field`` (as text; a list's values each;
    None: how many hold none or an empty list); UsageError for a structured value."""
    counts: dict[str | None, int] = {}
    for record in records:
        value = record.get(field)
        values = value if isinstance(value, list) else [value]
        if values == []:
            values = [None]
        for v in values:
            if isinstance(v, (dict, list)):
                raise UsageError(f"cannot count by {field!r}: its values are structured, not plain values")
            key = None if v is None else str(v)
            counts[key] = counts.get(key, 0) + 1
    return counts
