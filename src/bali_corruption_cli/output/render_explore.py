"""Terminal views of the exploring commands: search hits, record pages, summary, timeline, chain.

Part of the rendering layer: lines are laid out by tables.py (words whole,
nothing cut) at the width screen.py gives, and shown through its pager.  Every
string from the data goes through ``visible`` first, so it is never read as
markup or control sequences.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from bali_corruption_cli.model import layout
from bali_corruption_cli.output import screen, tables
from bali_corruption_cli.output.render import _shown, _utf_capable, cell, human_records
from bali_corruption_cli.output.table_cells import roundtable_rows
from bali_corruption_cli.output.text import LEGEND, flat
from bali_corruption_cli.query import query


def _para(
    text: str, size: int | None, indent: str = "", prose: bool = True, rest: str | None = None
) -> list[str]:
    """``text`` wrapped at ``size``, the first line after ``indent``, the others after ``rest``."""
    rest = indent if rest is None else rest
    room = None if size is None else max(10, size - max(tables.width(indent), tables.width(rest)))
    lines = tables.wrap(_shown(text), room, prose, _utf_capable(sys.stdout))
    return [((indent if n == 0 else rest) + line).rstrip(" ") for n, line in enumerate(lines)]


def _arrow() -> str:
    return "→" if _utf_capable(sys.stdout) else "->"


def counted(count: int, noun: str) -> str:
    """One wording for counts: "1 result", "20 results" (``noun`` in the plural)."""
    return f"{count} {layout.SINGULAR.get(noun, noun) if count == 1 else noun}"


def draw_search(
    hits: Sequence[dict[str, Any]],
    query_spans: Callable[[str], list[tuple[int, int]]],
    total: int | None = None,
) -> None:
    """The hits, best first; a footer says how many more match when not all are shown."""
    style = screen.style()
    total = len(hits) if total is None else total
    rows = [{"type": h["type"], "id": h["id"], "title": h["title"], "snippet": h["snippet"]} for h in hits]
    lines = human_records(rows, ["type", "id", "title", "snippet"], counted(total, "results"), screen.width())
    if style.color:
        lines = [_highlight(line, query_spans, style) for line in lines]
    if total > len(hits):
        lines += ["", style.dim(f"showing {len(hits)} of {total} — --limit N for more")]
    screen.show(lines)


def _highlight(line: str, spans: Callable[[str], list[tuple[int, int]]], style: tables.Style) -> str:
    if "\x1b" in line:  # header and ids are styled already
        return line
    out, last = [], 0
    for start, end in spans(line):
        out += [line[last:start], style(line[start:end], "1;33")]
        last = end
    return "".join([*out, line[last:]])


def _value_lines(key: str, value: Any, size: int | None, style: tables.Style, label: int) -> Iterator[str]:
    if isinstance(value, list) and value and isinstance(value[0], dict):
        value = [cell(v) for v in value]
    if isinstance(value, list):
        head = style.bold(f"{key}:")
        if not value:
            yield head
            return
        yield head
        for item in value:
            yield from _para(cell(item), size, "  - ", key in tables.PROSE_FIELDS, "    ")
        return
    yield from tables.field_lines(key, _shown(cell(value)), label, size, key in tables.PROSE_FIELDS, style)


def show_lines(
    view: dict[str, Any],
    size: int | None,
    style: tables.Style,
    names: dict[str, str] | None = None,
    wide: bool = False,
) -> list[str]:
    """A record's page for people: its fields (names for ids, dates in words; empty fields
    named in one line, or all fields with ``wide``), caveats once, basis, links, sources."""
    from bali_corruption_cli.output import people
    from bali_corruption_cli.query import labels

    names = names or {}
    record = view["record"]
    kind = layout.SINGULAR.get(view["type"], view["type"])
    lines = [style.bold(line) for line in _para(labels.titled(view["type"], record), size)]
    lines.append(style.dim(f"{kind} {_shown(record['id'])}"))
    lines.append("")
    shown = people.record(view["type"], record, names, labels.reference_paths(view["type"]), view.get("ours"))
    fields, empty = people.fields_for_people(view["type"], record, shown, wide)
    fields = people.marked_editorial(fields, record.get("basis"))
    label = max((len(k) for k in fields), default=0)
    for key, value in fields.items():
        lines += _value_lines(key, value, size, style, label)
    if empty:
        lines += [style.dim(line) for line in _para("Empty: " + ", ".join(empty), size, rest="  ")]
    if view["caveats"]:
        lines += ["", style.warn(style.bold("Caveats"))]
        for caveat in dict.fromkeys(view["caveats"]):  # each once
            lines += _para(caveat, size, "  ! ", rest="    ")
    if view.get("basis"):
        lines += ["", style.bold("Basis")]
        for basis in view["basis"]:
            lines += _para(basis["line"], size, "  ", rest="      ")
            if basis.get("excerpt"):
                lines += _para(flat(basis["excerpt"]), size, "      ")
    if view["links"]:
        lines += ["", style.bold("Links")]
        for link in view["links"]:
            way = _arrow() if link["direction"] == "out" else ("←" if _arrow() == "→" else "<-")
            via = link["field"] + (f" ({link['note']})" if link.get("note") else "")
            named = names.get(link["id"], link["title"])
            lines += _para(f"{way} {via}: {named} ({link['id']})", size, "  ", rest="      ")
    lines += ["", style.bold("Sources")]
    for n, source in enumerate(view["sources"], 1):
        lines += _source_lines(n, source, size, style)
    return lines


def _source_lines(n: int, source: dict[str, Any], size: int | None, style: tables.Style) -> list[str]:
    """One numbered reference: label, title, publisher and date, where in it, and its address
    alone on a line (never folded, so it can be copied)."""
    marker = f"  [{n}] "
    pad = " " * len(marker)
    head = " ".join(
        part
        for part in (
            f"{source.get('label') or source.get('id')}:",
            f"{flat(source.get('title') or '')}.",
            "(Title rebuilt from the web address.)" if source.get("title_reconstructed") else "",
            ", ".join(str(x) for x in (source.get("publisher"), query.date_words(source.get("date"))) if x),
        )
        if part.strip(".:, ")
    )
    lines = _para(head, size, marker, rest=pad)
    if source.get("at"):
        lines += _para(f"at: {source['at']}", size, pad)
    if source.get("excerpt"):  # the supporting sentence, verbatim
        lines += _para(flat(source["excerpt"]), size, pad)
    if source.get("url"):
        url = _shown(str(source["url"]))
        lines.append(pad + (style.link(url) if url == source["url"] else style.key(url)))
    return lines


def draw_show(view: dict[str, Any], names: dict[str, str] | None = None, wide: bool = False) -> None:
    screen.show(show_lines(view, screen.width(document=True), screen.style(), names, wide))


def summary_lines(fig: dict[str, Any], size: int | None, style: tables.Style) -> list[str]:
    """The briefing: the conference, the series (where the sources disagree, then its other
    caveats), findings and recommendations with their sources, practices by sector and
    theme, the chain, the sources."""
    from bali_corruption_cli.output.table_cells import briefing_items

    labels = {s["id"]: s["label"] or s["id"] for s in fig["sources"]}
    items = briefing_items(fig)
    lines: list[str] = []
    conf = fig["conference"]
    if conf:
        lines += [style.bold(line) for line in _para(conf["title"], size)]
        when = query.event_date_words(conf) or "date not stated"
        lines += _para(f"{when}, {conf['city'] or 'city not stated'}, {conf['country']}", size, "  ")
        lines += _para("Hosts: " + ", ".join(conf["hosts"]), size, "  ", rest="    ")
        for p in conf["participants"]:
            lines += _para(
                f"Delegates: {cell(dict(p, source=labels.get(p['source'], p['source'])))}",
                size,
                "  ",
                rest="    ",
            )
        for caveat in conf.get("caveats") or ():
            lines += [style.warn(line) for line in _para(caveat, size, "  ! ", rest="    ")]
        lines.append("")
    series = fig["roundtable_series"]
    rows = roundtable_rows(series, labels)
    title = f"National roundtables ({series['listed']} listed)"
    lines += human_records(rows, ["country", "city", "date", "position"], title, size)
    for key, heading in (
        ("disagreements", "Where the sources disagree on the series"),
        ("caveats", "Caveats"),
    ):
        if items[key]:
            lines += ["", style.warn(style.bold(heading))]
            for statement in items[key]:
                lines += [style.warn(line) for line in _para(statement, size, "  ! ", rest="    ")]
    for key, heading in (("findings", "Findings"), ("recommendations", "Recommendations")):
        if items[key]:
            lines += ["", style.bold(f"{heading} ({len(items[key])})")]
            for item in items[key]:
                lines += _para(item, size, "  - ", rest="    ")
    if items["marked"]:
        lines += [""] + [style.dim(line) for line in _para(LEGEND, size, "  ", rest="    ")]
    for key, label in (
        ("practices_by_sector", "Practices by sector"),
        ("practices_by_theme", "Practices by theme"),
    ):
        lines.append("")
        heading = f"{label} ({fig['practices']} practices; one practice may count under several)"
        lines += [style.bold(line) for line in _para(heading, size)]
        lines += _bars(fig[key], size, style)
    lines += ["", style.bold("The chain, where corruption enters")]
    lines += _para(f" {_arrow()} ".join(s["title"] for s in fig["stages"]), size, "  ")
    lines += ["", style.bold("Sources")]
    for s in fig["sources"]:
        date = query.date_words(s["date"]) or "undated"
        text = f"{s['label']}  {s['publisher']}, {date}: {flat(s['title'])}"
        text += " (title rebuilt from the web address)" if s.get("title_reconstructed") else ""
        lines += _para(text, size, "  ", rest="      ")
    return lines


def _bars(rows: Sequence[dict[str, Any]], size: int | None, style: tables.Style) -> list[str]:
    block = "█" if _utf_capable(sys.stdout) else "#"
    names = [_shown(str(r["value"])) for r in rows]
    label = max((tables.width(n) for n in names), default=0)
    top = max((r["count"] for r in rows), default=1) or 1
    room = 30 if size is None else max(1, min(30, size - label - 10))
    out = []
    for name, r in zip(names, rows, strict=True):
        bar = block * max(1, round(r["count"] * room / top))
        if size is not None and label + 4 + room + 6 > size:  # too narrow: the bar under its label
            out += [f"  {name}", f"    {style(bar, '32')} {r['count']}"]
        else:
            out.append(f"  {name}{' ' * (label - tables.width(name))}  {style(bar, '32')} {r['count']}")
    return out


def draw_summary(fig: dict[str, Any]) -> None:
    screen.show(summary_lines(fig, screen.width(document=True), screen.style()))


def draw_timeline(rows: Sequence[dict[str, Any]], bases: dict[str, Any] | None = None) -> None:
    """The timeline for people: dates in words, and a value that is our classification
    (``bases``: each event's ``basis`` by id) marked as tables mark it, with the legend."""
    from bali_corruption_cli.output.text import EDITORIAL_MARK, LEGEND

    bases = bases or {}

    def ours(r: dict[str, Any], *keys: str) -> bool:
        basis = bases.get(r["id"])
        marks = basis if type(basis) is dict else {}
        return any(
            bool(r.get(k)) and type(marks.get(k)) is dict and marks[k].get("basis") == "editorial"
            for k in keys
        )

    shown = []
    marked = False
    for r in rows:
        title, place = ours(r, "title"), ours(r, "city", "country")
        marked = marked or title or place
        shown.append(
            {
                "when": query.event_date_words(r) or r["when"],  # in words for people; JSON keeps `when`
                "kind": r["kind"],
                "id": r["id"],
                "title": r["title"] + (f" {EDITORIAL_MARK}" if title else ""),
                "place": ", ".join(x for x in (r["city"], r["country"]) if x)
                + (f" {EDITORIAL_MARK}" if place else ""),
            }
        )
    lines = human_records(
        shown, ["when", "kind", "id", "title", "place"], "Timeline", screen.width(document=True)
    )
    if marked:
        lines += ["", *tables.wrap(LEGEND, screen.width(document=True), prose=True)]
    screen.show(lines)


def chain_lines(links: Sequence[dict[str, Any]], size: int | None, style: tables.Style) -> list[str]:
    utf = _utf_capable(sys.stdout)
    tee, elbow, pipe = ("├── ", "└── ", "│   ") if utf else ("|-- ", "`-- ", "|   ")
    lines = [style.bold("Where corruption enters the chain")]
    for n, item in enumerate(links):
        last = n == len(links) - 1
        stage = item["stage"]
        lead, under = (elbow, "    ") if last else (tee, pipe)
        head = _para(f"{stage['order']}. {stage['title']}", size, lead, rest=under)
        lines += [style.bold(line) for line in head]
        lines += [style.dim(line) for line in _para(stage["description"], size, under + "    ")]
        children = [
            ("practice", p["id"], f"{p['title']} {p.get('basis_mark', '')}") for p in item["practices"]
        ]
        children += [
            ("finding", f["id"], f"{f['title']} {f.get('basis_mark', '')}") for f in item["findings"]
        ]
        if not children:
            lines += [
                style.dim(line)
                for line in _para(
                    "no practice in the catalogue addresses this stage",
                    size,
                    under + elbow,
                    rest=under + "    ",
                )
            ]
        for c, (kind, rid, title) in enumerate(children):
            end = c == len(children) - 1
            branch, trunk = under + (elbow if end else tee), under + ("    " if end else pipe)
            # the name first, for people; the kind and id after it, dim (to `bcc show` it)
            lines += _para(title, size, branch, rest=trunk + "  ")
            lines += [style.dim(line) for line in _para(f"{kind} {rid}", size, trunk + "  ", prose=False)]
    return lines


def draw_chain(links: Sequence[dict[str, Any]], legend: str = "") -> None:
    size, style = screen.width(document=True), screen.style()
    lines = chain_lines(links, size, style)
    if legend:
        lines += ["", *(style.dim(line) for line in _para(legend, size))]
    screen.show(lines)


def draw_citations(cites: Sequence[dict[str, Any]]) -> None:
    from bali_corruption_cli.output.render import write
    from bali_corruption_cli.output.text import visible

    # escaped as every view for people escapes (a separator or control character shown as \u2028)
    write("\n\n".join(visible(c["citation"]) for c in cites) + ("\n" if cites else ""))


def draw_evidence(title: str, rows: Sequence[dict[str, Any]]) -> None:
    """Each citation of a record, then its verbatim excerpt (or why there is none)."""
    size, style = screen.width(document=True), screen.style()
    lines = [style.bold(line) for line in _para(title, size)]
    if not rows:
        lines += [
            style.dim(line) for line in _para("no citations: a source record is its own evidence", size, "  ")
        ]
    for row in rows:
        if row["basis"] == "editorial":
            head = f"[E] {row.get('about') or row['via']}: editorial, our own reading"
        else:
            head = f"[S] {row['label'] or row['source']}, at: {row['at']}"  # a source by its label
            head += "" if row["via"] == "sources" else f"  (for {row.get('about') or row['via']})"
        lines += _para(head, size, rest="  ")
        if row["excerpt"]:
            lines += _para(flat(row["excerpt"]), size, "  ")
        elif row["basis"] == "source":
            lines += [
                style.dim(line)
                for line in _para("(no verbatim excerpt recorded for this citation)", size, "  ")
            ]
        if row.get("reason"):
            lines += _para(f"Why: {row['reason']}", size, "  ", rest="       ")
        if row.get("note"):
            lines += _para(f"Note: {row['note']}", size, "  ", rest="        ")
    screen.show(lines)
