"""Pure queries for exploring the catalogue: search, links, summary, counts, timeline, citations.

No I/O and no printing; the results are plain data that render_explore.py draws
and the machine formats serialise.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from bali_corruption_cli import evidence, layout, names, query, vocab
from bali_corruption_cli.catalog import Catalog, Record
from bali_corruption_cli.errors import NotFound, UsageError

# ---------------------------------------------------------------- search

# How much a match in each kind of field is worth: a hit in a title or name
# outranks one in an alias, which outranks one in the body text.
_TITLE_WEIGHT = 10.0
_ALIAS_WEIGHT = 8.0
_ID_WEIGHT = 6.0
_BODY_WEIGHT = 3.0
_OTHER_WEIGHT = 1.0
_BODY_FIELDS = {"summary", "text", "description", "position", "notes", "caveats", "date_note", "wording"}
_ALIAS_FIELDS = {"aliases", "alt_titles", "label", "iso2", "iso3"}
_WORD = re.compile(r"[0-9a-z]+")


@dataclass(frozen=True)
class Hit:
    type: str
    id: str
    title: str
    score: float
    field: str
    snippet: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _fields(collection: str, record: Record) -> Iterable[tuple[str, float, str]]:
    """(field, weight, text) for every string in the record."""
    title_field = layout.TITLE_FIELD[collection]
    for key, value in record.items():
        if key in ("sources", "basis"):  # citations and reasons: evidence, not the record's own text
            continue
        if key == title_field:
            weight = _TITLE_WEIGHT
        elif key == "id":
            weight = _ID_WEIGHT
        elif key in _ALIAS_FIELDS:
            weight = _ALIAS_WEIGHT
        elif key in _BODY_FIELDS:
            weight = _BODY_WEIGHT
        else:
            weight = _OTHER_WEIGHT
        for text in query.strings(value):
            yield key, weight, text


def _token_score(token: str, words: Sequence[str], folded: str) -> float:
    """1 for an exact word, 0.8 for a prefix or inner substring, up to 0.7 for a near miss."""
    if token in words:
        return 1.0
    if len(token) >= 3 and token in folded:
        return 0.8
    if len(token) >= 4:
        best = 0.0
        matcher = difflib.SequenceMatcher(a=token, autojunk=False)
        for word in words:
            if abs(len(word) - len(token)) > 2:
                continue
            matcher.set_seq2(word)
            if matcher.real_quick_ratio() < 0.8 or matcher.quick_ratio() < 0.8:
                continue
            ratio = matcher.ratio()
            if ratio >= 0.8:
                best = max(best, ratio * 0.7)
        return best
    return 0.0


def search(catalog: Catalog, text: str, types: Sequence[str] = ()) -> list[Hit]:
    """Rank every record against ``text``; every word of the query must match somewhere."""
    tokens = _WORD.findall(vocab.fold(text))
    if not tokens:
        return []
    phrase = " ".join(tokens)
    hits: list[Hit] = []
    for collection, record in catalog.all_records():
        if types and collection not in types:
            continue
        best_per_token = [0.0] * len(tokens)
        best_field: tuple[float, str, str] = (0.0, "", "")
        score = 0.0
        for key, weight, raw in _fields(collection, record):
            folded = vocab.fold(raw)
            words = _WORD.findall(folded)
            field_score = 0.0
            for n, token in enumerate(tokens):
                s = _token_score(token, words, folded)
                if s:
                    best_per_token[n] = max(best_per_token[n], s)
                    field_score += s * weight
            if len(tokens) > 1 and phrase in " ".join(words):
                field_score *= 1.5
            score += field_score
            # the snippet shows the best match outside the title (the title is shown anyway)
            shown = field_score if key != layout.TITLE_FIELD[collection] else field_score / 1000
            if shown > best_field[0]:
                best_field = (shown, key, raw)
        if not all(best_per_token):
            continue
        _, key, raw = best_field
        title = str(record.get(layout.TITLE_FIELD[collection], record["id"]))
        hits.append(Hit(collection, record["id"], title, round(score, 2), key, snippet(raw, tokens)))
    hits.sort(key=lambda h: (-h.score, h.type, h.id))
    return hits


def snippet(text: str, tokens: Sequence[str], width: int = 90) -> str:
    """About ``width`` characters of ``text`` around the first matching word."""
    flat = " ".join(text.split())
    folded = vocab.fold(flat)
    # fold() keeps length for the common case; fall back to the start when it does not
    pos = -1
    if len(folded) == len(flat):
        for token in tokens:
            pos = folded.find(token)
            if pos >= 0:
                break
    if len(flat) <= width:
        return flat
    start = max(0, min(pos - width // 3, len(flat) - width)) if pos >= 0 else 0
    out = flat[start : start + width]
    return ("…" if start > 0 else "") + out + ("…" if start + width < len(flat) else "")


def match_spans(text: str, query: str) -> list[tuple[int, int]]:
    """Where the query's words occur in ``text`` (for highlighting on a terminal)."""
    folded = vocab.fold(text)
    if len(folded) != len(text):
        return []
    spans = []
    for token in _WORD.findall(vocab.fold(query)):
        for m in re.finditer(re.escape(token), folded):
            spans.append((m.start(), m.end()))
    return spans


def resolve_types(raw: Sequence[str] | None) -> list[str]:
    out = []
    singular = {v: k for k, v in layout.SINGULAR.items()}
    for value in raw or ():
        key = vocab.fold(value).replace(" ", "-")
        name = key if key in layout.COLLECTIONS else singular.get(key)
        if name is None:
            hint = vocab.closest(value, list(layout.COLLECTIONS))
            did = f" (did you mean '{hint}'?)" if hint else ""
            raise UsageError(
                f"unknown type {value!r} for --type{did}; valid types: {', '.join(layout.COLLECTIONS)}"
            )
        out.append(name)
    return out


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
        ids = list(catalog.index)
        near = difflib.get_close_matches(record_id.lower(), ids, n=3, cutoff=0.5)
        if not near:
            near = [h.id for h in search(catalog, record_id)[:3]]
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
    for ref in layout.REFERENCES:
        if ref.target == "sources":
            continue
        if ref.collection == collection:
            for loc, value in layout.locate(record, ref.path):
                target = by_name.get(value, value) if ref.by == "name" else value
                note = _role_note(record, loc) or evidence.basis_note(record, loc)
                add("out", ref.path.replace("[]", ""), str(target), note)
        if ref.target == collection:
            wanted = record["name"] if ref.by == "name" else record["id"]
            for other in catalog.records(ref.collection):
                for loc, value in layout.locate(other, ref.path):
                    if value == wanted:
                        note = _role_note(other, loc) or evidence.basis_note(other, loc)
                        add("in", f"{ref.collection}.{ref.path.replace('[]', '')}", other["id"], note)
    return out


def _role_note(record: Record, loc: tuple[Any, ...]) -> str | None:
    """For a stakeholder's role link, the role it played ("host", "speaker"...)."""
    if len(loc) >= 2 and loc[0] == "roles":
        role = record["roles"][loc[1]]
        return str(role["role"])
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


def count(
    catalog: Catalog, collection: str, field: str, records: Sequence[Record] | None = None
) -> list[dict[str, Any]]:
    """Facet counts, most common first; a list field counts each of its values.

    ``records``: those to count (already filtered); all of the collection by default."""
    valid = catalog.fields[collection]
    if field not in valid:
        hint = vocab.closest(field, valid)
        did = f" (did you mean '{hint}'?)" if hint else ""
        raise UsageError(f"unknown field {field!r} for {collection}{did}; valid fields: {', '.join(valid)}")
    counter: Counter[str | None] = Counter()
    for record in catalog.records(collection) if records is None else records:
        value = record.get(field)
        values = value if isinstance(value, list) else [value]
        if values == []:
            values = [None]
        for v in values:
            if isinstance(v, (dict, list)):
                raise UsageError(f"cannot count by {field!r}: its values are structured, not plain values")
            counter[None if v is None else str(v)] += 1
    ordered = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0] is None, kv[0] or ""))
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
        if event["start_date"]:
            when = event["start_date"]
            if event["end_date"] and event["end_date"] != event["start_date"]:
                when += f" to {event['end_date']}"
        elif event["month_day"]:
            when = f"{event['month_day']} (year unknown)"
        else:
            when = "undated"
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
    names = {r["id"]: r.get("name") or r.get("title") for _, r in catalog.all_records()}
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
            "hosts": [names.get(h, h) for h in c["hosts"]],
            "participants": [
                {
                    "count": p["count"],
                    "qualifier": p["qualifier"],
                    "wording": p["wording"],
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
                    {"position": p["position"], "wording": p["wording"], "source": p["source"]}
                    for p in r["series_position"]
                ],
            }
            for r in roundtables
        ],
        "count_disputed": any("six" in c for r in roundtables for c in r["caveats"]),
        "count_statements": sorted({c for r in roundtables for c in r["caveats"]}),
    }
    practices = catalog.records("practices")
    return {
        "conference": conference,
        "roundtable_series": series,
        "practices": len(practices),
        "practices_by_sector": count(catalog, "practices", "sectors"),
        "practices_by_theme": count(catalog, "practices", "themes"),
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
        "records": {name: len(recs) for name, recs in catalog.collections.items()},
    }


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


# ---------------------------------------------------------------- citations

CITE_STYLES = ("apa", "bibtex", "plain")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _date(source: Record, pattern: str, missing: str) -> str:
    """The source's date written with ``pattern`` ({y}, {month}, {d}), or ``missing``."""
    if not source.get("date"):
        return missing
    y, m, d = (int(x) for x in source["date"].split("-"))
    return pattern.format(y=y, month=_MONTHS[m - 1], d=d)


def _cited_title(source: Record) -> str:
    """The title as cited: a reconstructed one gives way to a description in square brackets (APA 7, 9.29)."""
    if source.get("title_reconstructed") and source.get("description"):
        return f"[{' '.join(source['description'].split())}]"
    return " ".join(source["title"].split())


def _reconstructed_note(source: Record) -> str | None:
    if not source.get("title_reconstructed"):
        return None
    return f"Title not known; rebuilt from the web address as: {' '.join(source['title'].split())}"


def _apa(source: Record) -> str:
    when = _date(source, "{y}, {month} {d}", "n.d.")
    return f"{source['publisher']}. ({when}). {_cited_title(source)}. {source['url']}"


def _plain(source: Record, at: str | None) -> str:
    when = _date(source, "{d} {month} {y}", "undated")
    where = f" (at: {at})" if at else ""
    note = _reconstructed_note(source)
    rebuilt = f" ({note[0].lower()}{note[1:]})" if note else ""
    return f"{_cited_title(source)}{rebuilt}. {source['publisher']}, {when}. {source['url']}{where}"


def _bibtex(source: Record) -> str:
    def esc(text: str) -> str:
        text = " ".join(text.split())
        return re.sub(r"([&%$#_{}])", r"\\\1", text)

    kind = "techreport" if source["kind"] == "report" else "misc"
    fields = [f"  title = {{{esc(_cited_title(source))}}}"]
    if kind == "techreport":
        fields.append(f"  institution = {{{esc(source['publisher'])}}}")
    else:
        fields.append(f"  author = {{{{{esc(source['publisher'])}}}}}")
    if source.get("date"):
        y, m, _d = source["date"].split("-")
        fields.append(f"  year = {{{y}}}")
        fields.append(f"  month = {_MONTHS[int(m) - 1][:3].lower()}")
    fields.append(f"  url = {{{source['url']}}}")
    notes = [n for n in (_reconstructed_note(source), source.get("date_note")) if n]
    if notes:
        fields.append(f"  note = {{{esc('. '.join(n.rstrip('.') for n in notes) + '.')}}}")
    return f"@{kind}{{{source['id']},\n" + ",\n".join(fields) + "\n}"


def cite(catalog: Catalog, record_id: str, style: str) -> list[dict[str, Any]]:
    """Ready citations of the source(s) behind a record, one per source."""
    collection, record = lookup(catalog, record_id)
    out = []
    cited = [s for s in cited_sources(catalog, collection, record) if "title" in s]
    places: dict[str, list[str]] = {}
    for source in cited:  # one citation a source, naming every place in it that the record cites
        if source.get("at") and source["at"] not in places.setdefault(source["id"], []):
            places[source["id"]].append(source["at"])
    seen: set[str] = set()
    for source in cited:
        if source["id"] in seen:
            continue
        seen.add(source["id"])
        at = "; ".join(places.get(source["id"], [])) or None
        if style == "apa":
            text = _apa(source)
        elif style == "bibtex":
            text = _bibtex(source)
        else:
            text = _plain(source, at)
        out.append({"source": source["id"], "at": at, "style": style, "citation": text})
    return out
