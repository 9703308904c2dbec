"""Naming a record the way people do: its id, name or title, an alias or acronym, a surname.

Used by ``show``, ``cite`` and every option that names a record (``--speaker``,
``--host``, ``--event``, ``--stage``, ``--by``), and for ``--country``, which also
takes any country or territory of ISO 3166-1 (the list comes from ``pycountry``,
imported only when a value is not one of the catalogue's own spellings).

A value is matched in tiers, the first that finds anything wins: the id itself;
then the name or title, an alias, alternative title, label or ISO code (case,
accents and dashes folded); then, for people, the surname. Two different records
found in the same tier are an ambiguity: a UsageError listing the candidates with
their ids.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from bali_corruption_cli.core.errors import UsageError
from bali_corruption_cli.model import layout, vocab

if TYPE_CHECKING:
    from bali_corruption_cli.catalog import Catalog, Record

# Fields holding other names of a record (besides its id and title field).
_OTHER_NAMES = ("aliases", "alt_titles", "label", "iso2", "iso3")
# Honorifics and post-nominals that are not a surname.
_NOT_SURNAMES = frozenset({"dr", "prof", "professor", "mr", "mrs", "ms", "miss", "sir", "jr", "sr"})


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, str) and value.strip():
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def names_of(collection: str, record: Record) -> list[str]:
    """The name or title and every other name of a record (not its id)."""
    out: list[str] = []
    title = layout.TITLE_FIELD.get(collection)
    if title and collection != "quotes":  # a quote's "title" is its text, not a name
        out.extend(_texts(record.get(title)))
    for field in _OTHER_NAMES:
        out.extend(_texts(record.get(field)))
    return out


def surnames_of(collection: str, record: Record) -> list[str]:
    """A person's surname(s): the last word of the name and of each alias."""
    if collection != "stakeholders" or record.get("kind") != "person":
        return []
    out = []
    for name in (*_texts(record.get("name")), *_texts(record.get("aliases"))):
        words = [w for w in vocab.fold(name).replace(".", " ").split() if w not in _NOT_SURNAMES]
        if len(words) > 1:
            out.append(words[-1])
    return out


class Candidate:
    """A record a value may name, with its collection."""

    __slots__ = ("collection", "record")

    def __init__(self, collection: str, record: Record) -> None:
        self.collection = collection
        self.record = record

    @property
    def id(self) -> str:
        return str(self.record["id"])

    def describe(self) -> str:
        title = layout.TITLE_FIELD.get(self.collection, "id")
        name = self.record.get(title) if self.collection != "quotes" else None
        kind = layout.SINGULAR.get(self.collection, self.collection)
        return f"{self.id} ({kind}: {name})" if name else f"{self.id} ({kind})"


def find(records: Iterable[tuple[str, Record]], raw: str) -> list[Candidate]:
    """The records ``raw`` names, from the first tier that finds any (see the module doc)."""
    pool = list(records)
    wanted = vocab.fold(raw)
    if not wanted:
        return []
    exact = raw.strip()
    ids = (exact, exact.lower())

    def by_id(c: str, r: Record) -> bool:
        return r["id"] in ids

    def by_name(c: str, r: Record) -> bool:
        return any(vocab.fold(n) == wanted for n in (r["id"], *names_of(c, r)))

    def by_surname(c: str, r: Record) -> bool:
        return wanted in surnames_of(c, r)

    for tier in (by_id, by_name, by_surname):
        found = {str(r["id"]): Candidate(c, r) for c, r in pool if tier(c, r)}
        if found:
            return list(found.values())
    return []


def ambiguous(raw: str, candidates: Sequence[Candidate], option: str | None) -> UsageError:
    where = f" for --{option}" if option else ""
    listed = "; ".join(c.describe() for c in sorted(candidates, key=lambda c: c.id))
    return UsageError(f"{raw!r}{where} could mean {len(candidates)} records: {listed}; give one of these ids")


class RecordNames:
    """The records of one collection as values of an option (``--speaker``, ``--event``...)."""

    # Plain classes, not dataclasses: three frozen dataclasses cost ~2 ms at import.
    __slots__ = ("catalog", "collection", "option")

    def __init__(self, catalog: Catalog, collection: str, option: str) -> None:
        self.catalog = catalog
        self.collection = collection
        self.option = option

    def resolve(self, raw: str) -> str:
        # every tier (id, name, surname) needs the record to hold the folded value: the
        # store's text index narrows to those, `find` decides
        found = find(((self.collection, r) for r in self.catalog.records_holding(self.collection, raw)), raw)
        if len(found) == 1:
            return found[0].id
        if found:
            raise ambiguous(raw, found, self.option)
        ids = self.catalog.ids(self.collection)
        hint = None
        if raw.strip() and len(ids) <= CLOSE_MAX:  # names too: the collection is small
            pool = [(self.collection, r) for r in self.catalog.records(self.collection)]
            every = [
                s
                for _c, r in pool
                for s in (r["id"], *names_of(self.collection, r), *surnames_of(self.collection, r))
            ]
            hint = vocab.closest(raw, every)
            if hint is not None:
                hint = find(pool, hint)[0].id
        elif raw.strip():
            hint = next(iter(near_ids([ids], raw, 1)), None)
        did = f" (did you mean '{hint}'?)" if hint else ""
        raise UsageError(
            f"unknown value {raw!r} for --{self.option}{did}; valid values: {listed(ids, self.collection)}"
        )

    def resolve_all(self, raws: Iterable[str] | None) -> set[str]:
        return {self.resolve(raw) for raw in raws or ()}


CLOSE_MAX = 5000  # a collection with more ids is searched for near ones by prefix, not one by one
LISTED_MAX = 40  # an error lists at most this many valid values; more are counted and pointed to


def near_ids(ids: Sequence[Sequence[str]], raw: str, n: int = 3) -> list[str]:
    """Up to ``n`` ids near ``raw``: those it begins (3 characters or more), else the close
    ones by difflib among the collections small enough for it (difflib over 100,000
    similar ids takes seconds; a large collection is searched by prefix only)."""
    import difflib

    wanted = raw.strip().lower()
    near = [i for some in ids for i in some if i.startswith(wanted)][:n] if len(wanted) >= 3 else []
    if not near:
        small = [i for some in ids if len(some) <= CLOSE_MAX for i in some]
        near = difflib.get_close_matches(wanted, small, n=n, cutoff=0.5)
    return near


def listed(ids: Sequence[str], collection: str) -> str:
    """The valid values for an error message: every id, or, past LISTED_MAX, how many there
    are and the command that lists them (a message of 100,000 ids helps no one)."""
    if not ids:
        return "none"
    if len(ids) <= LISTED_MAX:
        return ", ".join(ids)
    return f"the ids or names of {len(ids):,} {collection} (`bcc {collection}` lists them)"


def record(catalog: Catalog, raw: str) -> str | None:
    """The id of the one record ``raw`` names in any collection; None when it names none.

    Several records: a UsageError listing them (exit 2).
    """
    if not vocab.fold(raw):
        return None
    # Every tier (id, name, surname) needs the record to hold the folded value: the text
    # index narrows to those (a record decoded only if it may be named), `find` decides.
    pool = ((name, r) for name in catalog.names for r in catalog.records_holding(name, raw))
    found = find(pool, raw)
    if len(found) > 1:
        raise ambiguous(raw, found, None)
    return found[0].id if found else None


# ---------------------------------------------------------------- countries


def _iso_spellings() -> dict[str, tuple[str, str]]:
    """Folded spelling -> (ISO alpha-2, ISO short name) for every country of ISO 3166-1."""
    import pycountry

    out: dict[str, tuple[str, str]] = {}
    for country in pycountry.countries:
        for attr in ("alpha_2", "alpha_3", "name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                out.setdefault(vocab.fold(value), (country.alpha_2, country.name))
    return out


class CountryNames:
    """``--country`` values: the catalogue's countries and regions, then every ISO 3166-1 country.

    A value resolves to the name records use (``Viet Nam``); a country the catalogue
    has no record of resolves to its ISO short name, which matches no record.
    """

    __slots__ = ("catalog", "option")

    def __init__(self, catalog: Catalog, option: str = "country") -> None:
        self.catalog = catalog
        self.option = option

    def _catalogue(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for c in self.catalog.records("countries"):
            for spelling in (c["name"], c["id"], c.get("iso2"), c.get("iso3"), *c.get("aliases", ())):
                if spelling:
                    out.setdefault(vocab.fold(spelling), str(c["name"]))
        return out

    def resolve(self, raw: str) -> str:
        wanted = vocab.fold(raw)
        own = self._catalogue()
        if wanted in own:
            return own[wanted]
        valid = ", ".join(c["name"] for c in self.catalog.records("countries")) or "none"
        if not wanted:
            raise UsageError(f"unknown value {raw!r} for --{self.option}; valid values: {valid}")
        iso = _iso_spellings()
        if wanted in iso:
            code, name = iso[wanted]
            records = self.catalog.records("countries")
            by_code = {c.get("iso2"): str(c["name"]) for c in records if c.get("iso2")}
            return by_code.get(code, name)
        hint = vocab.closest(raw, [*own, *iso])
        if hint is not None:
            hint = own.get(hint) or iso[hint][1]
        did = f" (did you mean '{hint}'?)" if hint else ""
        raise UsageError(
            f"unknown value {raw!r} for --{self.option}{did}; valid values: {valid}, "
            "or any country of ISO 3166-1 (name or code)"
        )

    def resolve_all(self, raws: Iterable[str] | None) -> set[str]:
        return {self.resolve(raw) for raw in raws or ()}


def iso_country_names() -> list[str]:
    """Every ISO 3166-1 short name (for completion)."""
    import pycountry

    return sorted(c.name for c in pycountry.countries)
