"""Pure queries over a Catalog: resolving filter values, filtering, choosing fields.

No I/O and no printing: every function takes records and returns records, or
raises UsageError with a "did you mean" and the valid choices.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bali_corruption_cli.core.errors import UsageError
from bali_corruption_cli.core.values import collect_strings as collect_strings
from bali_corruption_cli.core.values import strings as strings
from bali_corruption_cli.model import vocab

if TYPE_CHECKING:  # the loader is imported only when a catalogue is loaded (not for --help)
    from bali_corruption_cli.catalog import Catalog, Record
    from bali_corruption_cli.query import names


@dataclass(frozen=True)
class Choices:
    """The valid values of a filter: canonical value -> every spelling that means it."""

    option: str
    spellings: Mapping[str, tuple[str, ...]]

    def resolve(self, raw: str) -> str:
        wanted = vocab.fold(raw)
        for canonical, spellings in self.spellings.items():
            if any(vocab.fold(s) == wanted for s in (canonical, *spellings)):
                return canonical
        every = [s for canonical, spellings in self.spellings.items() for s in (canonical, *spellings)]
        hint = vocab.closest(raw, every) if raw.strip() else None
        if hint is not None:
            hint = self.resolve(hint)
        did = f" (did you mean '{hint}'?)" if hint else ""
        valid = ", ".join(self.spellings) or "none"
        raise UsageError(f"unknown value {raw!r} for --{self.option}{did}; valid values: {valid}")

    def resolve_all(self, raws: Iterable[str] | None) -> set[str]:
        return {self.resolve(raw) for raw in raws or ()}


def _vocab_choices(option: str, values: Sequence[str], aliases: Mapping[str, str]) -> Choices:
    spellings: dict[str, list[str]] = {v: [] for v in values}
    for alias, target in aliases.items():
        spellings[target].append(alias)
    return Choices(option, {k: tuple(v) for k, v in spellings.items()})


def sector_choices(option: str = "sector") -> Choices:
    return _vocab_choices(option, vocab.SECTORS, vocab.SECTOR_ALIASES)


def theme_choices() -> Choices:
    return _vocab_choices("theme", vocab.THEMES, vocab.THEME_ALIASES)


def event_kind_choices() -> Choices:
    return _vocab_choices("kind", vocab.EVENT_KINDS, vocab.EVENT_KIND_ALIASES)


def stakeholder_kind_choices() -> Choices:
    return _vocab_choices("kind", vocab.STAKEHOLDER_KINDS, vocab.STAKEHOLDER_KIND_ALIASES)


def plain_choices(option: str, values: Sequence[str]) -> Choices:
    return Choices(option, {v: () for v in values})


def country_choices(catalog: Catalog) -> names.CountryNames:
    """Countries and regions: the catalogue's spellings, then every ISO 3166-1 country
    (see `names.CountryNames`); each resolves to the name records use."""
    from bali_corruption_cli.query import names

    return names.CountryNames(catalog)


def record_choices(catalog: Catalog, collection: str, option: str, title: str) -> names.RecordNames:
    """Record ids; the title (or name), aliases and, for people, the surname are other
    spellings (see `names.RecordNames`). ``title`` is kept for the callers' sake."""
    from bali_corruption_cli.query import names

    del title  # the title field of each collection is known to `names`
    return names.RecordNames(catalog, collection, option)


def matches(record: Record, field: str, wanted: set[str]) -> bool:
    """True when no values are wanted, or the field (scalar or list) holds one of them."""
    if not wanted:
        return True
    value = record.get(field)
    if isinstance(value, list):
        return not wanted.isdisjoint(value)
    return value in wanted


def text_matches(record: Record, needles: Sequence[str]) -> bool:
    """Every needle appears (folded) somewhere in the record's text."""
    if not needles:
        return True
    haystack = vocab.fold(" ".join(strings(record)))
    return all(vocab.fold(n) in haystack for n in needles)


def filter_records(records: Iterable[Record], **conditions: set[str]) -> list[Record]:
    """Records meeting every condition (AND); each condition is a set of values (OR)."""
    active = [(f, wanted) for f, wanted in conditions.items() if wanted]  # empty: no condition
    if not active:
        return list(records)
    if len(active) == 1:  # the common case, without a generator per record
        ((f, wanted),) = active
        return [r for r in records if matches(r, f, wanted)]
    return [r for r in records if all(matches(r, f, wanted) for f, wanted in active)]


def event_date(event: Record) -> str:
    """An event's date for people: "2023-11-21 to 2023-11-22", "--05-30 (year unknown)", or ""."""
    start, end, month_day = event.get("start_date"), event.get("end_date"), event.get("month_day")
    if start:
        return f"{start} to {end}" if end and end != start else str(start)
    if month_day:
        return f"{month_day} (year unknown)"
    return ""


MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


_ISO_DAY = re.compile(r"(\d{4}|-)-(\d{2})-(\d{2})")


@functools.lru_cache(maxsize=8192)  # a timeline of 25,000 events repeats its dates
def _day_month(iso: str) -> tuple[str, str, str] | None:
    """("21", "November", "2023") of "2023-11-21"; the year is "" for "--05-30"; None otherwise."""
    found = _ISO_DAY.fullmatch(iso)
    if found is None or not 1 <= int(found[2]) <= 12:
        return None
    return str(int(found[3])), MONTHS[int(found[2]) - 1], "" if found[1] == "-" else found[1]


def date_words(iso: Any) -> str:
    """A date as people write it: "1 December 2023", "30 May (year not stated)"; any other
    text is given back as it is."""
    text = "" if iso is None else str(iso)
    parts = _day_month(text)
    if parts is None:
        return text
    day, month, year = parts
    return f"{day} {month} {year}" if year else f"{day} {month} (year not stated)"


def event_date_words(event: Record) -> str:
    """An event's date in words: "21–22 November 2023", "30 November – 2 December 2023",
    "30 May (year not stated)", or ""."""
    start, end, month_day = event.get("start_date"), event.get("end_date"), event.get("month_day")
    if not start:
        return date_words(month_day) if month_day else ""
    first, last = _day_month(str(start)), _day_month(str(end)) if end and end != start else None
    if first is None or last is None:
        return date_words(start) if not end or end == start else f"{date_words(start)} – {date_words(end)}"
    if first[1:] == last[1:]:
        return f"{first[0]}–{last[0]} {last[1]} {last[2]}"
    if first[2] == last[2]:
        return f"{first[0]} {first[1]} – {last[0]} {last[1]} {last[2]}"
    return f"{date_words(start)} – {date_words(end)}"


def event_years(event: Record) -> set[str]:
    return {d[:4] for d in (event.get("start_date"), event.get("end_date")) if d}


def select_fields(
    records: Sequence[Record], fields: Sequence[str] | None, valid: Sequence[str]
) -> list[Record]:
    """Keep only ``fields`` of each record, in that order; an unknown field is a UsageError."""
    if not fields:
        return list(records)
    check_fields(fields, valid)
    return [{name: r.get(name) for name in fields} for r in records]


def check_fields(fields: Sequence[str], valid: Sequence[str]) -> None:
    """A UsageError naming the first of ``fields`` that is not one of ``valid``."""
    for name in fields:
        if name not in valid:
            hint = vocab.closest(name, valid)
            did = f" (did you mean '{hint}'?)" if hint else ""
            raise UsageError(f"unknown field {name!r}{did}; valid fields: {', '.join(valid)}")


def parse_fields(raw: str | None) -> list[str] | None:
    if raw is None:
        return None
    fields = [f.strip() for f in raw.split(",") if f.strip()]
    if not fields:
        raise UsageError("--fields needs at least one field name, e.g. --fields id,title")
    return fields


def recommendation_kind_choices() -> Choices:
    return _vocab_choices("kind", vocab.RECOMMENDATION_KINDS, vocab.RECOMMENDATION_KIND_ALIASES)
