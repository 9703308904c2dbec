"""Pure queries for exploring the catalogue: a record and its links, summary, counts, timeline, chain.

No I/O and no printing; the results are plain data that render_explore.py draws
and the machine formats serialise.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bali_corruption_cli.catalog import Catalog, Found, Record
from bali_corruption_cli.core.errors import NotFound, UsageError
from bali_corruption_cli.model import layout, vocab
from bali_corruption_cli.query import evidence, names, query
from bali_corruption_cli.query.search import Hit, match_spans, resolve_types, search, search_counted, snippet

__all__ = [
    "Hit",
    "match_spans",
    "resolve_types",
    "search",
    "search_counted",
    "snippet",
]  # and this module's own

# ---------------------------------------------------------------- show


def _title(catalog: Catalog, record_id: str) -> tuple[str, str]:
    found = catalog.get(record_id)
    if found is None:
        return "", record_id
    collection, record = found
    return collection, str(record.get(layout.TITLE_FIELD[collection], record_id))


def lookup(catalog: Catalog, record_id: str) -> tuple[str, Record]:
    found = catalog.get(record_id)
    if found is None:  # a name, title, alias, acronym or surname (two records: exit 2)
        named = names.record(catalog, record_id)
        found = catalog.get(named) if named is not None else None
    if found is None:
        near = names.near_ids([catalog.ids(name) for name in catalog.names], record_id)  # no record decoded
        if not near:  # the search's typo-tolerant index for the large collections
            near = [h.id for h in search(catalog, record_id, limit=3)]
        hint = f"; did you mean {', '.join(repr(n) for n in near)}?" if near else ""
        raise NotFound(f"no record with id {record_id!r}{hint}")
    return found


def links(catalog: Catalog, collection: str, record: Record) -> list[dict[str, Any]]:
    """Links of a record, both ways: what it refers to, and what refers to it."""
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, str, str]] = set()

    def add(direction: str, field: str, target: str, note: str | None = None) -> None:
        key = (direction, field, target)
        if key in seen:
            return
        seen.add(key)
        kind, title = _title(catalog, target)
        link = {"direction": direction, "field": field, "type": kind, "id": target, "title": title}
        if note:
            link["note"] = note
        out.append(link)

    by_name = {r["name"]: r["id"] for r in catalog.records("countries")}
    parties = evidence.parties_of_ours(catalog) if collection in ("events", "stakeholders") else {}
    for ref in layout.REFERENCES:
        if ref.target == "sources":
            continue
        if ref.collection == collection:
            for loc, value in layout.locate(record, ref.path):
                target = by_name.get(value, value) if ref.by == "name" else value
                note = (
                    _role_note(record, loc)
                    or evidence.basis_note(record, loc)
                    or _party_note(parties, record, loc, str(target))
                )
                add("out", ref.path.replace("[]", ""), str(target), note)
        if ref.target == collection:
            wanted = record["name"] if ref.by == "name" else record["id"]
            for other in catalog.records(ref.collection):
                for loc, value in layout.locate(other, ref.path):
                    if value == wanted:
                        note = (
                            _role_note(other, loc)
                            or evidence.basis_note(other, loc)
                            or _party_note(parties, other, loc, str(value))
                        )
                        add("in", f"{ref.collection}.{ref.path.replace('[]', '')}", other["id"], note)
    return out


def _party_note(
    parties: dict[str, dict[str, set[str]]], record: Record, loc: tuple[Any, ...], target: str
) -> str | None:
    """For an event's computed host or funder listed only by a role of ours, "basis: editorial"."""
    if loc and target in parties.get(str(record.get("id")), {}).get(str(loc[0]), ()):
        return "basis: editorial"
    return None


def _role_note(record: Record, loc: tuple[Any, ...]) -> str | None:
    """For a stakeholder's role link, the role it played ("host", "speaker"...), and
    "basis: editorial" when the role is our reading, not a source's statement."""
    if len(loc) >= 2 and loc[0] == "roles":
        role = record["roles"][loc[1]]
        ours = "; basis: editorial" if role.get("basis") == "editorial" else ""
        return f"{role['role']}{ours}"
    return None


def cited_sources(catalog: Catalog, collection: str, record: Record) -> list[dict[str, Any]]:
    if collection == "sources":
        return [dict(record, at=None)]
    out = []
    for citation in record.get("sources", []):
        found = catalog.get(citation["source"])
        source = found[1] if found else {"id": citation["source"]}
        out.append(dict(source, at=citation["at"], excerpt=citation.get("excerpt")))
    return out


def caveats(record: Record) -> list[str]:
    notes = list(record.get("caveats", []))
    if record.get("date_note"):
        notes.append(str(record["date_note"]))
    return notes


def show(catalog: Catalog, record_id: str) -> dict[str, Any]:
    collection, record = lookup(catalog, record_id)
    return {
        "type": collection,
        "id": record["id"],
        "record": record,
        "links": links(catalog, collection, record),
        "sources": cited_sources(catalog, collection, record),
        "caveats": caveats(record),
        "basis": evidence.bases(catalog, record),
    }


# ---------------------------------------------------------------- counts


def count(catalog: Catalog, collection: str, field: str, found: Found | None = None) -> list[dict[str, Any]]:
    """Facet counts, most common first; a list field counts each of its values.

    ``found``: the records to count (`Catalog.select`); all of the collection by default.
    The catalogue counts them (`Found.value_counts`: the store's postings, or the records)."""
    valid = catalog.fields[collection]
    if field not in valid:
        hint = vocab.closest(field, valid)
        did = f" (did you mean '{hint}'?)" if hint else ""
        raise UsageError(f"unknown field {field!r} for {collection}{did}; valid fields: {', '.join(valid)}")
    chosen = found if found is not None else catalog.select(collection, {}, None, None)
    counts = chosen.value_counts(field)
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0] is None, kv[0] or ""))
    return [{"value": v, "count": n} for v, n in ordered]


def resolve_collection(raw: str) -> str:
    return resolve_types([raw])[0]


# ---------------------------------------------------------------- timeline


def timeline(catalog: Catalog, events: Sequence[Record] | None = None) -> list[dict[str, Any]]:
    """Dated events in date order, then undated ones, each marked.

    ``events``: those to place (already filtered); every event by default."""
    chosen = catalog.records("events") if events is None else events
    dated = sorted(
        (e for e in chosen if e["start_date"]),
        key=lambda e: (e["start_date"], e["end_date"] or "", e["id"]),
    )
    undated = [e for e in chosen if not e["start_date"]]
    undated.sort(key=lambda e: (e["month_day"] is None, e["month_day"] or "", e["id"]))
    rows = []
    for event in [*dated, *undated]:
        when = query.event_date(event) or "undated"
        rows.append(
            {
                "id": event["id"],
                "title": event["title"],
                "kind": event["kind"],
                "country": event["country"],
                "city": event["city"],
                "start_date": event["start_date"],
                "end_date": event["end_date"],
                "month_day": event["month_day"],
                "dated": bool(event["start_date"]),
                "when": when,
            }
        )
    return rows


# ---------------------------------------------------------------- summary


def summary(catalog: Catalog) -> dict[str, Any]:
    """The figures of ``bcc summary``: conference, roundtables, practices, stages, sources."""

    def name(record_id: str) -> Any:
        found = catalog.get(record_id)
        return record_id if found is None else found[1].get("name") or found[1].get("title")

    conferences = [e for e in catalog.records("events") if e["kind"] == "regional-conference"]
    roundtables = [e for e in catalog.records("events") if e["kind"] == "national-roundtable"]
    conference = None
    if conferences:
        c = conferences[0]
        conference = {
            "id": c["id"],
            "title": c["title"],
            "start_date": c["start_date"],
            "end_date": c["end_date"],
            "city": c["city"],
            "country": c["country"],
            "hosts": [name(h) for h in c["hosts"]],
            "participants": [
                {
                    "count": p["count"],
                    "qualifier": p["qualifier"],
                    "wording": p["wording"],
                    "quoted": p.get("quoted", False),
                    "source": p["source"],
                }
                for p in c["participants"]
            ],
            "caveats": c["caveats"],
        }
    series = {
        "listed": len(roundtables),
        "roundtables": [
            {
                "id": r["id"],
                "country": r["country"],
                "city": r["city"],
                "start_date": r["start_date"],
                "month_day": r["month_day"],
                "positions": [
                    {
                        "position": p["position"],
                        "wording": p["wording"],
                        "quoted": p.get("quoted", False),
                        "source": p["source"],
                    }
                    for p in r["series_position"]
                ],
            }
            for r in roundtables
        ],
        "count_disputed": any("six" in c for r in roundtables for c in r["caveats"]),
        "count_statements": sorted({c for r in roundtables for c in r["caveats"]}),
    }
    series["disagreements"], series["caveats"] = series_caveats(roundtables)
    return {
        "conference": conference,
        "roundtable_series": series,
        "practices": catalog.count("practices"),
        "practices_by_sector": count(catalog, "practices", "sectors"),
        "practices_by_theme": count(catalog, "practices", "themes"),
        "findings": [
            {"id": f["id"], "title": f["title"], "sources": _cited(f)} for f in catalog.records("findings")
        ],
        "recommendations": [
            {
                "id": r["id"],
                "title": r["title"],
                "kind": r["kind"],
                "made_by": r["made_by"],
                "made_by_name": None if r["made_by"] is None else name(r["made_by"]),
                "made_by_basis": ((r.get("basis") or {}).get("made_by") or {}).get("basis"),
                "sources": _cited(r),
            }
            for r in catalog.records("recommendations")
        ],
        "stages": [
            {"id": s["id"], "order": s["order"], "title": s["title"]}
            for s in sorted(catalog.records("stages"), key=lambda s: s["order"])
        ],
        "sources": [
            {
                k: s.get(k)
                for k in ("id", "label", "title", "title_reconstructed", "publisher", "date", "kind", "url")
            }
            for s in catalog.records("sources")
        ],
        "records": {collection: catalog.count(collection) for collection in catalog.names},
    }


def _cited(record: Record) -> list[str]:
    """The ids of the sources a record cites, each once, in order."""
    return list(dict.fromkeys(c["source"] for c in record.get("sources", [])))


# A caveat speaks of the series' number or order when it holds one of these words ("one" is
# left out: "this one").
_NUMBER_WORDS = frozenset(
    {
        "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
        "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
        "tenth", "eleventh", "twelfth",
    }
)  # fmt: skip


def series_caveats(roundtables: Sequence[Record]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The roundtables' caveats, each once with the roundtables it is a caveat of: those that
    speak of the series' number or order (a number word: "six", "seventh"), where the sources
    disagree, and the others."""
    holders: dict[str, list[str]] = {}
    for r in roundtables:
        for caveat in r["caveats"]:
            holders.setdefault(caveat, []).append(r["id"])
    disagreements: list[dict[str, Any]] = []
    others: list[dict[str, Any]] = []
    for caveat, ids in holders.items():
        words = {w.strip(".,;:()\"'").lower() for w in caveat.split()}
        entry = {"caveat": caveat, "records": ids}
        (disagreements if words & _NUMBER_WORDS else others).append(entry)
    return disagreements, others


# ---------------------------------------------------------------- stages chain


def chain(catalog: Catalog) -> list[dict[str, Any]]:
    """Stages in order, each with the practices and findings that address it."""
    out = []
    for stage in sorted(catalog.records("stages"), key=lambda s: s["order"]):
        out.append(
            {
                "stage": stage,
                "practices": [
                    dict(p, basis_mark=evidence.basis_mark(p, "stages"))
                    for p in catalog.records("practices")
                    if stage["id"] in p["stages"]
                ],
                "findings": [
                    dict(f, basis_mark=evidence.basis_mark(f, "stages"))
                    for f in catalog.records("findings")
                    if stage["id"] in f["stages"]
                ],
            }
        )
    return out
