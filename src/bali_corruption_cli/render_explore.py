"""Terminal views of the exploring commands: search hits, record pages, summary, timeline, chain.

Part of the rendering layer (with render.py, whose consoles it uses): Rich is
imported only inside these functions, and every string from the data goes
through ``Text(visible(...))`` so it is never read as markup.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from bali_corruption_cli import layout
from bali_corruption_cli.render import _utf_capable, cell, console, visible


def _text(value: Any, style: str | None = None) -> Any:
    from rich.text import Text

    return Text(visible(cell(value)), style=style or "")


def _bar(n: int, scale: float) -> str:
    block = "█" if _utf_capable(sys.stdout) else "#"
    return block * max(1, round(n * scale))


def draw_search(hits: Sequence[dict[str, Any]], query_spans: Any) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    out = console()
    table = Table(box=box.SIMPLE_HEAD, title=f"{len(hits)} result(s)", title_justify="left")
    table.add_column("type", overflow="fold")
    table.add_column("id", overflow="fold", style="cyan")
    table.add_column("title", overflow="fold")
    table.add_column("match", overflow="fold")
    for hit in hits:
        snippet = Text(visible(hit["snippet"]))
        for start, end in query_spans(snippet.plain):
            snippet.stylize("bold yellow", start, end)
        table.add_row(
            layout.SINGULAR.get(hit["type"], hit["type"]), _text(hit["id"]), _text(hit["title"]), snippet
        )
    out.print(table)


def draw_show(view: dict[str, Any]) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    out = console()
    record = view["record"]
    title = record.get(layout.TITLE_FIELD[view["type"]], record["id"])
    heading = Text(visible(str(title)), style="bold")
    heading.append(
        f"  ({layout.SINGULAR.get(view['type'], view['type'])} {visible(record['id'])})", style="dim"
    )
    out.print(heading)
    fields = Table(box=None, show_header=False, padding=(0, 1))
    fields.add_column("field", style="bold", no_wrap=True)
    fields.add_column("value", overflow="fold")
    for key, value in record.items():
        if key in ("sources", "basis"):  # shown below, under Sources and Basis
            continue
        if isinstance(value, list) and value and isinstance(value[0], dict):
            value = [cell(v) for v in value]
        if isinstance(value, list):
            shown = "\n".join(f"- {cell(v)}" for v in value) if value else ""
            fields.add_row(key, Text(visible(shown)))
        else:
            fields.add_row(key, _text(value))
    out.print(fields)
    if view["caveats"]:
        out.print(Text("Caveats", style="bold yellow"))
        for caveat in view["caveats"]:
            out.print(Text("  ! " + visible(caveat)))
    if view.get("basis"):
        out.print(Text("Basis", style="bold"))
        for basis in view["basis"]:
            out.print(Text("  " + visible(basis["line"])))
    if view["links"]:
        links = Table(box=box.SIMPLE_HEAD, title="Links", title_justify="left", title_style="bold")
        links.add_column("way")
        links.add_column("via", overflow="fold")
        links.add_column("type")
        links.add_column("id", style="cyan", overflow="fold")
        links.add_column("title", overflow="fold")
        for link in view["links"]:
            way = "→" if link["direction"] == "out" else "←"
            if not _utf_capable(sys.stdout):
                way = "->" if link["direction"] == "out" else "<-"
            via = link["field"] + (f" ({link['note']})" if link.get("note") else "")
            links.add_row(
                way,
                _text(via),
                _text(layout.SINGULAR.get(link["type"], link["type"])),
                _text(link["id"]),
                _text(link["title"]),
            )
        out.print(links)
    sources = Table(box=box.SIMPLE_HEAD, title="Sources", title_justify="left", title_style="bold")
    for column in ("label", "title", "publisher", "date", "at", "url"):
        sources.add_column(column, overflow="fold")
    for source in view["sources"]:
        sources.add_row(*(_text(source.get(c)) for c in ("label", "title", "publisher", "date", "at", "url")))
    out.print(sources)


def draw_summary(fig: dict[str, Any]) -> None:
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    out = console()
    conf = fig["conference"]
    if conf:
        body = Text()
        when = conf["start_date"] or "date unknown"
        if conf["end_date"] and conf["end_date"] != conf["start_date"]:
            when += f" to {conf['end_date']}"
        body.append(visible(f"{when}, {conf['city'] or '?'}, {conf['country']}\n"))
        body.append("Hosts: ", style="bold")
        body.append(visible(", ".join(conf["hosts"])) + "\n")
        body.append("Delegates: ", style="bold")
        body.append(visible("; ".join(f"{p['wording']} [{p['source']}]" for p in conf["participants"])))
        out.print(Panel(body, title=Text(visible(conf["title"])), title_align="left"))
    series = fig["roundtable_series"]
    rt = Table(
        title=f"National roundtables ({series['listed']} listed)",
        title_justify="left",
        title_style="bold",
        box=None,
        padding=(0, 1),
    )
    for column in ("country", "city", "date", "position in series"):
        rt.add_column(column, overflow="fold")
    for r in series["roundtables"]:
        date = r["start_date"] or (f"{r['month_day']} (year unknown)" if r["month_day"] else "unknown")
        pos = "; ".join(f"{p['wording']} [{p['source']}]" for p in r["positions"])
        rt.add_row(_text(r["country"]), _text(r["city"] or "unknown"), _text(date), _text(pos))
    out.print(rt)
    if series["count_disputed"]:
        out.print(
            Text("  ! The sources disagree on how many roundtables there were: ", style="yellow")
            + Text(visible(" ".join(series["count_statements"][:1])))
        )
    for key, label in (
        ("practices_by_sector", "Practices by sector"),
        ("practices_by_theme", "Practices by theme"),
    ):
        out.print(
            Text(
                f"\n{label} ({fig['practices']} practices; one practice may count under several)",
                style="bold",
            )
        )
        rows = fig[key]
        top = max((r["count"] for r in rows), default=1)
        scale = min(1.0, 30 / top) if top else 1.0
        width = max((len(r["value"]) for r in rows), default=0)
        for r in rows:
            line = Text(f"  {visible(r['value']).ljust(width)}  ")
            line.append(_bar(r["count"], scale), style="green")
            line.append(f" {r['count']}")
            out.print(line)
    out.print(Text("\nThe chain, where corruption enters", style="bold"))
    arrow = " → " if _utf_capable(sys.stdout) else " -> "
    out.print(Text("  " + visible(arrow.join(s["title"] for s in fig["stages"]))))
    out.print(Text("\nSources", style="bold"))
    for s in fig["sources"]:
        out.print(
            Text(
                visible(
                    f"  {s['label']}  {s['publisher']}, {s['date'] or 'undated'}: "
                    f"{' '.join(s['title'].split())}"
                )
            )
        )


def draw_timeline(rows: Sequence[dict[str, Any]]) -> None:
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, title="Timeline", title_justify="left", title_style="bold")
    for column in ("when", "kind", "id", "title", "place"):
        table.add_column(column, overflow="fold", style="cyan" if column == "id" else None)
    for row in rows:
        place = ", ".join(x for x in (row["city"], row["country"]) if x)
        style = None if row["dated"] else "dim"
        table.add_row(
            _text(row["when"], style), _text(row["kind"]), _text(row["id"]), _text(row["title"]), _text(place)
        )
    console().print(table)


def draw_chain(links: Sequence[dict[str, Any]], legend: str = "") -> None:
    from rich.text import Text
    from rich.tree import Tree

    tree = Tree(Text("Where corruption enters the chain", style="bold"), guide_style="dim")
    for item in links:
        stage = item["stage"]
        label = Text(f"{stage['order']}. ", style="bold")
        label.append(visible(stage["title"]), style="bold cyan")
        label.append("  " + visible(stage["description"]), style="dim")
        branch = tree.add(label)
        for p in item["practices"]:
            branch.add(Text(f"practice  {visible(p['id'])}: {visible(p['title'])} {p.get('basis_mark', '')}"))
        for f in item["findings"]:
            branch.add(Text(f"finding   {visible(f['id'])}: {visible(f['title'])} {f.get('basis_mark', '')}"))
        if not item["practices"] and not item["findings"]:
            branch.add(Text("no practice in the catalogue addresses this stage", style="dim"))
    console().print(tree)
    if legend:
        console().print(Text(visible(legend), style="dim"))


def draw_citations(cites: Sequence[dict[str, Any]]) -> None:
    from bali_corruption_cli.render import write

    write("\n\n".join(c["citation"] for c in cites) + ("\n" if cites else ""))


def draw_evidence(title: str, rows: Sequence[dict[str, Any]]) -> None:
    """Each citation of a record, then its verbatim excerpt (or why there is none)."""
    from rich.text import Text

    out = console()
    out.print(Text(visible(title), style="bold"))
    if not rows:
        out.print(Text("  no citations: a source record is its own evidence", style="dim"))
    for row in rows:
        label = row["label"] or row["source"]
        head = Text(visible(f"{label}  {row['source']}, at: {row['at']}"), style="cyan")
        if row["via"] != "sources":
            head.append(visible(f"  (for {row['via']})"), style="dim")
        out.print(head)
        if row["excerpt"]:
            out.print(Text("  " + visible(" ".join(row["excerpt"].split()))))
        else:
            out.print(Text("  (no verbatim excerpt recorded for this citation)", style="dim"))
