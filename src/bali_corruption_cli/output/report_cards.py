"""Each record of the report as a card in words: fields with labels for people, links as
sentences with names, sources as S-numbers, the basis of a classification as a small mark.

No I/O. A card is plain data for the template (report.html.j2): rows of *parts*, each a
piece of text, a link inside the page, a title of a work, a quotation or a citation
(``[S1, para 2]``). Every string of the record is in the card (long passages and reasons
in elements the reader opens), and no code or field path is shown as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bali_corruption_cli.catalog import Catalog, Record
from bali_corruption_cli.model import layout
from bali_corruption_cli.output import report_words as w
from bali_corruption_cli.query import labels as names_for_people

Part = dict[str, Any]


@dataclass
class Context:
    """What every card needs to know about the page: names, element ids, the S-numbers,
    the links into each record, and the codes shown (for the Terms section)."""

    catalog: Catalog
    names: dict[str, str]
    stems: dict[str, str]
    labels: dict[str, str]
    country_ids: dict[str, str]
    cards: bool = True  # the records' cards are in the page (links to them may be made)
    full: Catalog | None = None  # the whole catalogue: the names of records left out of the page
    linked: dict[str, list[tuple[str, str, Record, tuple[Any, ...]]]] = field(default_factory=dict)
    codes: dict[str, set[str]] = field(default_factory=dict)
    shown_bases: set[str] = field(default_factory=set)  # of the card being made

    def code(self, vocabulary: str, value: Any) -> str:
        """A vocabulary value in words, remembered for the Terms section."""
        self.codes.setdefault(vocabulary, set()).add(str(value))
        return w.words(str(value))


def context(cat: Catalog, stems: dict[str, str], cards: bool = True, full: Catalog | None = None) -> Context:
    names = {r["id"]: name_of(c, r) for c, r in cat.all_records()}
    labels = {r["id"]: str(r.get("label") or r["id"]) for r in cat.records("sources")}
    countries = {r["name"]: r["id"] for r in cat.records("countries")}
    ctx = Context(cat, names, stems, labels, countries, cards, full)
    for collection, record in cat.all_records():
        for ref in layout.REFERENCES:
            if ref.collection != collection or ref.target == "sources":
                continue
            path = ref.path.replace("[]", "")
            for loc, value in layout.locate(record, ref.path):
                target = countries.get(str(value), str(value)) if ref.by == "name" else str(value)
                ctx.linked.setdefault(target, []).append((collection, path, record, loc))
    return ctx


def name_of(collection: str, record: Record) -> str:
    """A record's name in a sentence, saying so when the name is ours ("… (our title)"); a
    quotation's first words."""
    if collection == "quotes":
        words = str(record.get("text") or "").split()
        return "“" + " ".join(words[:9]) + ("…”" if len(words) > 9 else "”")
    if collection == "sources":  # by its title: the page's references give its label
        return str(record.get("title") or record["id"])
    return names_for_people.titled(collection, record)


# ---------------------------------------------------------------- parts


def text(value: Any) -> Part:
    return {"t": "text", "text": str(value)}


def link(ctx: Context, record_id: Any) -> Part:
    rid = ctx.country_ids.get(str(record_id), str(record_id))
    name = ctx.names.get(rid)
    if name is None:  # not in this report: its name in the catalogue, not a link
        found = ctx.full.get(rid) if ctx.full is not None else None
        return text(name_of(found[0], found[1]) if found else record_id)
    return {"t": "link", "text": name, "href": f"#r-{ctx.stems[rid]}" if ctx.cards else None}


def cite(ctx: Context, source_id: Any, at: Any = None) -> Part:
    sid = str(source_id)
    href = f"#ref-{ctx.stems[sid]}" if sid in ctx.stems and sid in ctx.labels else None
    return {"t": "cite", "id": sid, "text": ctx.labels.get(sid, sid), "href": href, "at": at}


def basis(ctx: Context, entry: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A basis (a source's statement or our own reading) as a small mark and its reason."""
    if not entry or not entry.get("basis"):
        return None
    ctx.code("basis", entry["basis"])
    ours = entry["basis"] == "editorial"
    parts: list[Part] = []
    if entry.get("source"):
        parts += [text("From "), cite(ctx, entry["source"], entry.get("at"))]
    elif entry.get("at"):
        parts.append(text(f"At: {entry['at']}"))
    if entry.get("excerpt"):
        parts += [text(": "), {"t": "q", "text": entry["excerpt"]}]
    if entry.get("reason"):
        parts += [text(". " if parts else ""), text(entry["reason"])]
    return {
        "mark": "ours" if ours else "source",
        "title": "Our own reading, not a source's statement" if ours else "A source states it",
        "parts": parts or [text("No reason recorded.")],
    }


def _basis_of(ctx: Context, record: Record, name: str) -> dict[str, Any] | None:
    ctx.shown_bases.add(name)
    return basis(ctx, (record.get("basis") or {}).get(name))


def row(label: str, items: list[list[Part]], inline: bool = True, why: Any = None) -> dict[str, Any]:
    """A line of a card: its label, its items (each a list of parts), the basis of the field(s)."""
    bases = [b for b in (why if isinstance(why, list) else [why]) if b]
    return {
        "label": label,
        "entries": [{"parts": i, "basis": None} for i in items],
        "inline": inline,
        "bases": bases,
    }


# ---------------------------------------------------------------- rows of each kind


def _values(ctx: Context, collection: str, record: Record, name: str) -> dict[str, Any] | None:
    """A plain field: vocabulary values in words, links by name, lists joined."""
    value = record.get(name)
    values = value if isinstance(value, list) else [value]
    values = [v for v in values if v is not None and v != ""]
    if not values:
        return None
    vocabulary = {"sectors": "sector", "sector": "sector", "themes": "theme"}.get(name)
    linkable = {
        ref.path.removesuffix("[]")
        for ref in layout.REFERENCES
        if ref.collection == collection and ref.target != "sources"
    }
    items: list[list[Part]] = []
    for v in values:
        if vocabulary:
            items.append([text(ctx.code(vocabulary, v))])
        elif name in linkable:
            items.append([link(ctx, v)])
        elif name == "alt_titles":
            items.append([{"t": "em", "text": v}])
        elif isinstance(v, dict):  # not expected: its strings, never its keys
            items.append([text(" ".join(str(x) for x in v.values() if x not in (None, [], {})))])
        elif isinstance(v, bool):
            items.append([text("yes" if v else "no")])
        else:
            items.append([text(v)])
    return row(w.field(collection, name), items, why=_basis_of(ctx, record, name))


def _party(ctx: Context, role: Record, who: Part) -> list[Part]:
    """One role as a sentence's item: who (or at which event), its citation, its note."""
    parts = [who]
    if role.get("source"):
        parts.append(cite(ctx, role["source"], role.get("at")))
    if role.get("note"):
        parts.append({"t": "note", "text": role["note"]})
    return parts


def _role_item(ctx: Context, role: Record, who: Part) -> dict[str, Any]:
    ctx.code("role", role["role"])
    parts = _party(ctx, role, who)
    why = None
    if role.get("basis") == "editorial":
        why = basis(ctx, {**role, "source": None})
    else:
        if role.get("basis"):
            ctx.code("basis", role["basis"])
        if role.get("excerpt"):
            parts.append({"t": "passage", "text": role["excerpt"]})
        if role.get("reason"):
            why = basis(ctx, {"basis": role.get("basis") or "source", "reason": role["reason"]})
    return {"parts": parts, "basis": why}


def when_of(event: Record) -> list[Part]:
    if event.get("start_date"):
        when = str(event["start_date"])
        if event.get("end_date") and event["end_date"] != event["start_date"]:
            when += f" to {event['end_date']}"
        return [text(when)]
    if event.get("month_day"):
        day = w.month_day(str(event["month_day"]))
        return [text(f"{day} (no source gives the year; written {event['month_day']})")]
    return []


def event_rows(ctx: Context, record: Record) -> list[dict[str, Any]]:
    rows = []
    when = when_of(record)
    if when or record.get("date_note"):
        items = [when] if when else []
        items += [[text(record["date_note"])]] if record.get("date_note") else []
        rows.append(row("When", items, why=_basis_of(ctx, record, "start_date")))
    where = [text(record["city"])] if record.get("city") else []
    if record.get("country"):
        where += [text(", ")] if where else []
        where.append(link(ctx, record["country"]))
    if where:
        rows.append(
            row("Where", [where], why=[_basis_of(ctx, record, "city"), _basis_of(ctx, record, "country")])
        )
    participants = []
    for p in record.get("participants") or ():
        if p.get("qualifier"):
            ctx.code("qualifier", p["qualifier"])
        said = (
            {"t": "q", "text": p["wording"]} if p.get("quoted") else text(f"{p['wording']} (our paraphrase)")
        )
        participants.append([said, cite(ctx, p["source"], p.get("at"))])
        if p.get("excerpt") and p["excerpt"] != p["wording"]:  # the sentence the wording comes from
            participants[-1].append({"t": "passage", "text": p["excerpt"]})
    if participants:
        rows.append(row("Participants", participants, inline=False))
    positions = []
    for p in record.get("series_position") or ():
        said = (
            {"t": "q", "text": p["wording"]} if p.get("quoted") else text(f"{p['wording']} (our paraphrase)")
        )
        positions.append([said, cite(ctx, p["source"], p.get("at"))])
    if positions:
        rows.append(row("Place in the series", positions))
    # who hosted, funded, led, spoke, took part: the stakeholders' roles, each with its source
    by_role: dict[str, list[dict[str, Any]]] = {}
    for collection, _path, other, loc in ctx.linked.get(record["id"], ()):
        if collection == "stakeholders" and loc and loc[0] == "roles":
            role = other["roles"][loc[1]]
            by_role.setdefault(role["role"], []).append(_role_item(ctx, role, link(ctx, other["id"])))
    for role_name, label in w.ROLE_BY.items():
        if role_name in by_role:
            rows.append({"label": label, "entries": by_role[role_name], "inline": False, "bases": []})
    built = _values(ctx, "events", record, "builds_on")
    if built:
        rows.append(built)
    return rows


def _stakeholder_rows(ctx: Context, record: Record) -> list[dict[str, Any]]:
    rows = [
        r
        for name in ("aliases", "sector", "position", "organisation", "country")
        if (r := _values(ctx, "stakeholders", record, name))
    ]
    roles = []
    for role in record.get("roles") or ():
        done = w.ROLE_DONE.get(role["role"], w.label(role["role"]))
        event = link(ctx, role["event"]) if role.get("event") else text("")
        item = _role_item(ctx, role, event)
        item["parts"].insert(0, text(done + " "))
        roles.append(item)
    if roles:
        rows.append({"label": "Roles", "entries": roles, "inline": False, "bases": []})
    return rows


def _source_rows(ctx: Context, record: Record) -> list[dict[str, Any]]:
    rows = []
    if record.get("title_reconstructed"):
        rows.append(row("Title", [[text("ours, rebuilt from the web address")]]))
    for name in ("alt_titles", "publisher"):
        if r := _values(ctx, "sources", record, name):
            rows.append(r)
    dated = [text(record["date"])] if record.get("date") else [text("no date given")]
    rows.append(
        row(
            "Date",
            [dated + ([{"t": "note", "text": record["date_note"]}] if record.get("date_note") else [])],
        )
    )
    if record.get("kind"):
        rows.append(row("Kind", [[text(w.label(ctx.code("kind", record["kind"])))]]))
    if record.get("description"):
        rows.append(row("Description", [[text(record["description"])]]))
    return rows


# Fields each collection shows in its own way (not as a plain row).
def _names(text: str) -> set[str]:
    return set(text.split())


_OWN = _names(
    "id sources basis notes caveats kind title name text summary description url label title_reconstructed"
)
_SHOWN_BY = {
    "events": _names(
        "start_date end_date month_day date_note city country participants series_position"
        " hosts funders builds_on"
    ),
    "stakeholders": {"aliases", "sector", "position", "organisation", "country", "roles"},
    "sources": {"alt_titles", "publisher", "date", "date_note"},
}
_ORDER = {
    "practices": ("sectors", "themes", "stages", "origin_event"),
    "findings": ("about", "stages"),
    "recommendations": ("made_by", "event", "themes"),
    "quotes": ("speaker", "event"),
    "countries": ("aliases", "iso2", "iso3"),
    "stages": ("order",),
}


def _rows(ctx: Context, collection: str, record: Record) -> list[dict[str, Any]]:
    if collection == "events":
        rows = event_rows(ctx, record)
    elif collection == "stakeholders":
        rows = _stakeholder_rows(ctx, record)
    elif collection == "sources":
        rows = _source_rows(ctx, record)
    else:
        rows = []
    done = _OWN | _SHOWN_BY.get(collection, set())
    order = _ORDER.get(collection, ())
    if collection == "countries" and (record.get("iso2") or record.get("iso3")):
        codes = [c for c in (record.get("iso2"), record.get("iso3")) if c]
        rows.append(row("ISO codes", [[text(c)] for c in codes], why=_basis_of(ctx, record, "iso2")))
        done = done | {"iso2", "iso3"}
    for name in [*order, *(k for k in record if k not in order)]:
        if name in done or name not in record:
            continue
        if r := _values(ctx, collection, record, name):
            rows.append(r)
    # links into this record from others, as sentences with names
    groups: dict[tuple[str, str], list[list[Part]]] = {}
    for other_collection, path, other, _loc in ctx.linked.get(record["id"], ()):
        if other_collection == "stakeholders" and path.startswith("roles"):
            continue  # an event's people: in the event's own rows
        items = groups.setdefault((other_collection, path), [])
        if not any(i[0].get("href") == f"#r-{ctx.stems[other['id']]}" for i in items):
            items.append([link(ctx, other["id"])])
    for (other_collection, path), items in groups.items():
        if (collection, other_collection, path) == ("stakeholders", "events", "hosts"):
            continue
        if (collection, other_collection, path) == ("stakeholders", "events", "funders"):
            continue
        rows.append(row(w.linked_from(other_collection, path), items))
    for name in record.get("basis") or {}:  # a basis of a field not shown above: on its own line
        if name not in ctx.shown_bases:
            rows.append(
                row(f"Basis of {w.field(collection, name).lower()}", [], why=_basis_of(ctx, record, name))
            )
    return rows


# ---------------------------------------------------------------- the card


def _title(ctx: Context, collection: str, record: Record) -> tuple[str, str | None]:
    """The heading and, when the words are ours, a note saying so."""
    if collection == "quotes":
        who = ctx.names.get(str(record.get("speaker")), str(record.get("speaker")))
        kind = record.get("kind")
        ctx.code("kind", kind)
        if kind == "direct":
            return f"Quote by {who} (direct, the source's words)", None
        if kind == "topic":
            return f"Topic spoken on by {who} (not their words)", None
        return f"Paraphrase of {who} (our words, not a quotation)", None
    title = str(record.get(layout.TITLE_FIELD[collection]) or record["id"])
    return title, names_for_people.ours(collection, record)


def _kind(ctx: Context, collection: str, record: Record) -> str:
    singular = layout.SINGULAR[collection]
    kind = record.get("kind")
    if not kind or collection in ("quotes", "sources"):
        return singular.capitalize()
    words = ctx.code("kind", kind)
    if collection == "stakeholders" and record.get("sector"):
        return f"{w.label(words)}, {ctx.code('sector', record['sector'])}"
    return w.label(words)


def card(ctx: Context, collection: str, record: Record, facets: Mapping[str, str]) -> dict[str, Any]:
    ctx.shown_bases = set()
    title, note = _title(ctx, collection, record)
    lead_field = {
        "practices": "summary",
        "findings": "text",
        "recommendations": "text",
        "quotes": "text",
        "stages": "description",
    }.get(collection)
    cited: dict[str, list[str]] = {}
    passages = []
    for citation in record.get("sources") or () if collection != "sources" else ():
        ats = cited.setdefault(citation["source"], [])
        if citation.get("at") and citation["at"] not in ats:
            ats.append(citation["at"])
        if citation.get("excerpt"):
            passages.append(
                [
                    cite(ctx, citation["source"], citation.get("at")),
                    text(" "),
                    {"t": "q", "text": citation["excerpt"]},
                ]
            )
    return {
        "id": record["id"],
        "stem": ctx.stems[record["id"]],
        "collection": collection,
        "kind": _kind(ctx, collection, record),
        "title": title,
        "title_note": note,
        "title_basis": _basis_of(ctx, record, "title"),
        "work": collection == "sources",
        "label": record.get("label") if collection == "sources" else None,
        "url": record.get("url") if collection == "sources" else None,
        "lead": record.get(lead_field) if lead_field else None,
        "quote": collection == "quotes" and record.get("kind") == "direct",
        "rows": _rows(ctx, collection, record),
        "notes": list(record.get("notes") or ()),
        "caveats": list(record.get("caveats") or ()),
        "sources": [cite(ctx, sid, "; ".join(ats) or None) for sid, ats in cited.items()],
        "passages": passages,
        "facets": facets,
    }
