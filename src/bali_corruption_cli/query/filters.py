"""Every filter option of every collection, declared once, and how its values resolve.

The list commands (``bcc practices --sector ...``), ``count``, ``timeline`` and
``report`` build their options from ``FILTERS``; their completion and README's
filter table are made from it too.  Adding a filter is one line here (plus its test).

No I/O and no printing: values resolve through query.py's forgiving matchers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from bali_corruption_cli.core.errors import UsageError
from bali_corruption_cli.model import vocab

if TYPE_CHECKING:
    from bali_corruption_cli.catalog import Catalog, Record


class Filter(NamedTuple):
    """``--option`` keeps the records whose ``field`` holds one of the resolved values.

    ``values`` says where valid values come from: ``vocab:NAME`` (a fixed vocabulary),
    ``records:COLLECTION:FIELD`` (a record's id, or its FIELD, alias or acronym),
    ``country`` (a country or region), ``year`` (a year of the record's dates).
    """

    option: str
    field: str
    values: str
    help: str
    metavar: str


def _sector(field: str = "sector", what: str = "Sector, e.g. private, government.") -> Filter:
    return Filter("sector", field, "vocab:sectors", what, "S")


_THEME = Filter("theme", "themes", "vocab:themes", "Theme, e.g. due-diligence.", "T")
_STAGE = Filter("stage", "stages", "records:stages:title", "Stage of the chain (id or title).", "ST")
_COUNTRY = Filter("country", "country", "country", "Country or region: name, alias or ISO code.", "C")

FILTERS: dict[str, tuple[Filter, ...]] = {
    "practices": (
        _sector("sectors"),
        _THEME,
        _STAGE,
        Filter("event", "origin_event", "records:events:title", "Event it came from (id or title).", "E"),
    ),
    "events": (
        _COUNTRY,
        Filter("kind", "kind", "vocab:event-kinds", "regional-conference, national-roundtable, ...", "K"),
        Filter("year", "start_date", "year", "Year of the event.", "Y"),
        Filter(
            "host", "hosts", "records:stakeholders:name", "Host organisation (id, name or acronym).", "ORG"
        ),
    ),
    "stakeholders": (
        _sector(what="Sector, e.g. government, international."),
        _COUNTRY,
        Filter("kind", "kind", "vocab:stakeholder-kinds", "organisation, person or group.", "K"),
        Filter("role", "roles", "vocab:roles", "Role played, e.g. host, funder, speaker.", "R"),
        Filter("event", "roles", "records:events:title", "Event they took part in (id or title).", "E"),
    ),
    "recommendations": (
        Filter("kind", "kind", "vocab:recommendation-kinds", "next-step or call.", "K"),
        _THEME,
        Filter("by", "made_by", "records:stakeholders:name", "Who made it (stakeholder id or name).", "WHO"),
    ),
    "stages": (),
    "sources": (
        Filter("kind", "kind", "vocab:source-kinds", "article, news, story, press-release or report.", "K"),
    ),
    "quotes": (
        Filter("speaker", "speaker", "records:stakeholders:name", "Speaker (id, name or surname).", "WHO"),
        Filter("event", "event", "records:events:title", "Event (id or title).", "E"),
        Filter("kind", "kind", "vocab:quote-kinds", "direct, paraphrase or topic.", "K"),
    ),
    "findings": (_STAGE,),
    "countries": (Filter("kind", "kind", "vocab:country-kinds", "country or region.", "K"),),
}

VOCABULARIES: dict[str, tuple[str, ...]] = {
    "sectors": tuple(vocab.SECTORS),
    "themes": tuple(vocab.THEMES),
    "roles": tuple(vocab.ROLES),
    "event-kinds": tuple(vocab.EVENT_KINDS),
    "stakeholder-kinds": tuple(vocab.STAKEHOLDER_KINDS),
    "recommendation-kinds": tuple(vocab.RECOMMENDATION_KINDS),
    "source-kinds": tuple(vocab.SOURCE_KINDS),
    "quote-kinds": tuple(vocab.QUOTE_KINDS),
    "country-kinds": tuple(vocab.COUNTRY_KINDS),
}


def kinds() -> dict[str, tuple[str, ...]]:
    """Each collection's ``--kind`` vocabulary."""
    return {
        c: VOCABULARIES[f.values.split(":")[1]] for c, fs in FILTERS.items() for f in fs if f.option == "kind"
    }


# ``--kind`` where any collection's kind may be meant (``count``, ``report``): every vocabulary.
VOCABULARIES["all-kinds"] = tuple(dict.fromkeys(k for vocabulary in kinds().values() for k in vocabulary))
ANY_KIND = Filter("kind", "kind", "vocab:all-kinds", "Kind of record, e.g. national-roundtable, person.", "K")


def options() -> dict[str, Filter]:
    """Every option name once, for commands that filter any collection (``count``): the first
    declaration of each, but ``--kind``, which takes every collection's kinds."""
    seen: dict[str, Filter] = {"kind": ANY_KIND}
    for declared in FILTERS.values():
        for f in declared:
            seen.setdefault(f.option, f)
    return seen


def fields_of(option: str) -> dict[str, str]:
    """collection -> the field ``--option`` tests in it."""
    return {c: f.field for c, fs in FILTERS.items() for f in fs if f.option == option}


def collections_taking(option: str) -> list[str]:
    return [c for c, declared in FILTERS.items() if any(f.option == option for f in declared)]


def find(collection: str, option: str) -> Filter:
    for f in FILTERS[collection]:
        if f.option == option:
            return f
    takes = ", ".join(f"--{f.option}" for f in FILTERS[collection]) or "no filter"
    raise UsageError(f"--{option} does not apply to {collection}; it takes {takes}")


def resolve(catalog: Catalog, collection: str, f: Filter, raws: Sequence[str]) -> set[str]:
    """The canonical values ``raws`` mean for ``f`` (a UsageError, with suggestions, if one means nothing)."""
    from bali_corruption_cli.query import query

    kind, _, rest = f.values.partition(":")
    if kind == "vocab":
        if rest == "sectors":
            return query.sector_choices().resolve_all(raws)
        if rest == "themes":
            return query.theme_choices().resolve_all(raws)
        if rest == "event-kinds":
            return query.event_kind_choices().resolve_all(raws)
        if rest == "stakeholder-kinds":
            return query.stakeholder_kind_choices().resolve_all(raws)
        if rest == "recommendation-kinds":
            return query.recommendation_kind_choices().resolve_all(raws)
        return query.plain_choices(f.option, VOCABULARIES[rest]).resolve_all(raws)
    if kind == "records":
        target, by = rest.split(":")
        return query.record_choices(catalog, target, f.option, by).resolve_all(raws)
    if kind == "country":
        return query.country_choices(catalog).resolve_all(raws)
    return {str(raw) for raw in raws}  # year: compared with the record's dates


# option -> (its filter, the canonical values asked for)
Chosen = dict[str, tuple[Filter, set[str]]]


def choose(catalog: Catalog, collection: str, given: Mapping[str, Sequence[Any] | None]) -> Chosen:
    """The filter options given to a command, each with the values it resolves to (a
    UsageError for an option the collection lacks, or a value that means nothing)."""
    chosen: Chosen = {}
    for option, raws in given.items():
        if raws:
            f = find(collection, option)
            chosen[option] = (f, resolve(catalog, collection, f, [str(raw) for raw in raws]))
    return chosen


def _field_test(f: Filter) -> bool:
    """Whether ``f`` keeps a record by one field's value (not years, not stakeholders' roles)."""
    return f.values != "year" and f.field != "roles"


def keep(
    catalog: Catalog, collection: str, chosen: Chosen, records: Sequence[Record] | None = None
) -> list[Record]:
    """The records of ``collection`` (or those of ``records``) that the chosen filters keep
    (every option AND-ed, the values of one option OR-ed): what its list command lists."""
    from bali_corruption_cli.query import query

    records = query.filter_records(
        catalog.records(collection) if records is None else records,
        **{f.field: values for f, values in chosen.values() if _field_test(f)},
    )
    years = chosen.get("year", (None, set()))[1]
    if years:
        records = [r for r in records if query.event_years(r) & years]
    roles = chosen.get("role", (None, set()))[1] if collection == "stakeholders" else set()
    at = chosen.get("event", (None, set()))[1] if collection == "stakeholders" else set()
    if roles or at:  # a role, and the event it was played at, are one condition
        records = [
            r
            for r in records
            if any((not roles or x["role"] in roles) and (not at or x["event"] in at) for x in r["roles"])
        ]
    return records


def index_conditions(chosen: Chosen) -> dict[str, set[str]]:
    """The chosen filters that test one field, as {field: values}: what the store's filter
    indexes can narrow by (the rest, years and stakeholders' roles, only `keep` decides)."""
    return {f.field: values for f, values in chosen.values() if _field_test(f)}


def decider(
    catalog: Catalog, collection: str, chosen: Chosen, search: Sequence[str] | None
) -> Callable[[list[Record]], list[Record]] | None:
    """What decides which records a list command keeps (the filters, then every --search
    needle), for `Catalog.select`; None when nothing was chosen."""
    if not search and not any(values for _f, values in chosen.values()):
        return None

    def decide(records: list[Record]) -> list[Record]:
        from bali_corruption_cli.query import query

        kept = keep(catalog, collection, chosen, records)
        return [r for r in kept if query.text_matches(r, search)] if search else kept

    return decide


def completion_values(f: Filter, catalog: Catalog | None) -> list[str]:
    """What the shell may complete for ``f`` (record ids and names need the catalogue)."""
    kind, _, rest = f.values.partition(":")
    if kind == "vocab":
        return list(VOCABULARIES[rest])
    if catalog is None:
        return []
    if kind == "records":
        return sorted(str(r["id"]) for r in catalog.records(rest.split(":")[0]))
    if kind == "country":
        from bali_corruption_cli.query import names

        own = [str(r["name"]) for r in catalog.records("countries")]
        known = {vocab.fold(n) for n in own}
        return sorted(own) + [n for n in names.iso_country_names() if vocab.fold(n) not in known]
    return []


def completion_candidates(f: Filter, catalog: Catalog | None, incomplete: str) -> list[str]:
    """The values the shell may put in place of ``incomplete`` for ``f``: a record's id when
    ``incomplete`` begins its id, name or title, an alias, or any word of them
    (``--speaker McA`` -> ``marika-mcadam``); other values that begin with it."""
    wanted = vocab.fold(incomplete)
    kind, _, rest = f.values.partition(":")
    if kind == "records":
        if catalog is None:
            return []
        target, by = rest.split(":")
        found = []
        for record in catalog.records(target):
            spellings = [record["id"], record.get(by), *(record.get("aliases") or ())]
            if any(isinstance(s, str) and _from_a_word(vocab.fold(s), wanted) for s in spellings):
                found.append(str(record["id"]))
        return sorted(found)
    return [v for v in completion_values(f, catalog) if vocab.fold(v).startswith(wanted)]


def _from_a_word(folded: str, wanted: str) -> bool:
    """Whether ``wanted`` begins ``folded`` or one of its words (both folded)."""
    if folded.startswith(wanted):
        return True
    return any(folded.startswith(wanted, at + 1) for at, c in enumerate(folded) if c == " ")


def needs_catalog(f: Filter) -> bool:
    return f.values.startswith(("records:", "country"))


def markdown() -> str:
    """README's filter table (a test checks README holds exactly this)."""
    lines = ["| command | option | keeps records whose … | values |", "| --- | --- | --- | --- |"]
    for collection, declared in FILTERS.items():
        for f in declared:
            kind, _, rest = f.values.partition(":")
            if kind == "vocab":
                values = ", ".join(f"`{v}`" for v in VOCABULARIES[rest])
            elif kind == "records":
                target, by = rest.split(":")
                values = f"a record of `{target}`: its id, {by}, alias or acronym"
            elif kind == "country":
                values = "any ISO 3166-1 country (name, code) or a catalogue region"
            else:
                values = "a year, e.g. 2023"
            lines.append(f"| `{collection}` | `--{f.option} {f.metavar}` | `{f.field}` | {values} |")
    return "\n".join(lines) + "\n"
