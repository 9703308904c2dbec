"""Markdown for pasting into a briefing: record tables, ``show`` and ``summary``.

Text from the data is escaped so it can never change the document: Markdown
punctuation gets a backslash, ``<``, ``>`` and ``&`` become entities (no HTML
passes through), and control characters are shown as escapes.  Sources become
numbered references with their addresses written out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from bali_corruption_cli.model import layout
from bali_corruption_cli.output.table_cells import briefing_items, roundtable_rows
from bali_corruption_cli.output.text import LEGEND, cell, flat, visible
from bali_corruption_cli.query import query

# Inline punctuation that Markdown (CommonMark and GitHub's) reads as markup.
_PUNCTUATION = re.compile(r"([\\`*_\[|~])")  # "[" escaped: no link or image can open
# What would open a block (heading, list, quote) at the start of a line or list item.
_BLOCK_START = re.compile(r"^(\s*)([#+=-]|\d+(?=[.)]))")


def escape(text: Any) -> str:
    """Data as literal Markdown text on one line (newlines become ``<br>``)."""
    shown = visible(str(text)).replace("\r", "")
    shown = shown.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    shown = _PUNCTUATION.sub(r"\\\1", shown)
    lines = [_BLOCK_START.sub(_escape_start, line.strip()) for line in shown.split("\n")]
    return "<br>".join(lines)


def _escape_start(match: re.Match[str]) -> str:
    lead, mark = match.group(1), match.group(2)
    if mark.isdigit():  # "1." or "1)" would start an ordered list: escape the dot or bracket
        return lead + mark + "\\"
    return lead + "\\" + mark


def _code(text: Any) -> str:
    """An id as inline code: backticks in it are doubled around (ids have none in practice)."""
    shown = visible(str(text)).replace("\n", " ")
    fence = "``" if "`" in shown else "`"
    return f"{fence} {shown} {fence}" if fence == "``" else f"`{shown}`"


def _url(url: Any) -> str | None:
    """An address we may link: http(s) with no spaces or brackets; None otherwise."""
    text = str(url or "")
    if re.fullmatch(r"https?://[^\s<>()\[\]`]+", text):
        return text
    return None


def records_table(records: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    lines = ["| " + " | ".join(escape(c) for c in columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(escape(cell(r.get(c))) for c in columns) + " |" for r in records]
    return "\n".join(lines) + "\n"


def cells_table(table: Sequence[tuple[Sequence[str], bool]], columns: Sequence[str]) -> str:
    """A table of cells made for people (`table_cells.row`), and the legend of the mark
    when a cell is marked as our classification."""
    lines = ["| " + " | ".join(escape(c) for c in columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(escape(text) for text in cells) + " |" for cells, _marked in table]
    if any(marked for _cells, marked in table):
        lines += ["", escape(LEGEND)]
    return "\n".join(lines) + "\n"


def _references(sources: Sequence[dict[str, Any]]) -> list[str]:
    lines = ["", "## Sources", ""]
    for n, source in enumerate(sources, 1):
        parts = [f"{n}. {escape(source.get('label') or source.get('id'))}:"]
        if source.get("title"):
            parts.append(f"*{escape(flat(source['title']))}*.")
            if source.get("title_reconstructed"):
                parts.append("(Title rebuilt from the web address.)")
        who = ", ".join(str(x) for x in (source.get("publisher"), query.date_words(source.get("date"))) if x)
        if who:
            parts.append(escape(who) + ".")
        if source.get("at"):
            parts.append(f"At: {escape(source['at'])}.")
        url = _url(source.get("url"))
        if url:
            parts.append(f"<{url}>")
        elif source.get("url"):
            parts.append(escape(source["url"]))
        lines.append(" ".join(parts))
        if source.get("excerpt"):  # the supporting sentence, verbatim
            lines.append(f"   > {escape(flat(source['excerpt']))}")
    return lines


def show(view: dict[str, Any], names: dict[str, str] | None = None) -> str:
    """A record's page as Markdown: as the terminal's `show` (names for ids, dates in words,
    empty fields named in one line, each caveat once)."""
    from bali_corruption_cli.output import people
    from bali_corruption_cli.query import labels

    names = names or {}
    record = view["record"]
    kind = layout.SINGULAR.get(view["type"], view["type"])
    lines = [
        f"# {escape(labels.titled(view['type'], record))}",
        "",
        f"{escape(kind)} {_code(record['id'])}",
        "",
    ]
    shown = people.record(view["type"], record, names, labels.reference_paths(view["type"]), view.get("ours"))
    fields, empty = people.fields_for_people(view["type"], record, shown, False)
    fields = people.marked_editorial(fields, record.get("basis"))
    for key, value in fields.items():
        if isinstance(value, list):
            lines.append(f"- **{escape(key)}**:")
            lines += [f"  - {escape(cell(item))}" for item in value]
        else:
            lines.append(f"- **{escape(key)}**: {escape(cell(value))}")
    if empty:
        lines += ["", f"Empty: {escape(', '.join(empty))}"]
    if view["caveats"]:
        lines += ["", "## Caveats", ""]
        lines += [f"- {escape(c)}" for c in dict.fromkeys(view["caveats"])]
    if view.get("basis"):
        lines += ["", "## Basis", ""]
        for b in view["basis"]:
            lines.append(f"- {escape(b['line'])}")
            if b.get("excerpt"):
                lines.append(f"  > {escape(flat(b['excerpt']))}")
    if view["links"]:
        lines += ["", "## Links", ""]
        for link in view["links"]:
            way = "links to" if link["direction"] == "out" else "linked from"
            via = link["field"] + (f" ({link['note']})" if link.get("note") else "")
            named = names.get(link["id"], link["title"])
            lines.append(f"- {way} {escape(named)} {_code(link['id'])} (via {escape(via)})")
    lines += _references(view["sources"])
    return "\n".join(lines) + "\n"


def summary(fig: dict[str, Any], names: dict[str, str] | None = None) -> str:
    """The briefing as Markdown, as the terminal's: the conference, the series (where the
    sources disagree, then its caveats), findings and recommendations with their sources,
    practices by sector and theme, the chain, the sources."""
    labels = {s["id"]: s["label"] or s["id"] for s in fig["sources"]}
    items = briefing_items(fig)
    lines = ["# Corruption as a facilitator of trafficking in persons and people smuggling", ""]
    conf = fig["conference"]
    if conf:
        when = query.event_date_words(conf) or "date not stated"
        lines += [f"## {escape(conf['title'])}", ""]
        lines.append(
            f"- **When and where**: {escape(when)}, {escape(conf['city'] or 'city not stated')}, "
            f"{escape(conf['country'])}"
        )
        lines.append(f"- **Hosts**: {escape(', '.join(conf['hosts']))}")
        for p in conf["participants"]:
            lines.append(
                f"- **Delegates**: {escape(cell(dict(p, source=labels.get(p['source'], p['source']))))}"
            )
        for caveat in conf.get("caveats") or ():
            lines.append(f"- **Caveat**: {escape(caveat)}")
    series = fig["roundtable_series"]
    lines += ["", f"## National roundtables ({series['listed']} listed)", ""]
    rows = roundtable_rows(series, labels)
    lines.append(records_table(rows, ["country", "city", "date", "position"]).rstrip("\n"))
    for key, heading in (
        ("disagreements", "Where the sources disagree on the series:"),
        ("caveats", "Caveats:"),
    ):
        if items[key]:
            lines += ["", heading, ""]
            lines += [f"- {escape(s)}" for s in items[key]]
    for key, heading in (("findings", "Findings"), ("recommendations", "Recommendations")):
        if items[key]:
            lines += ["", f"## {heading}", ""]
            lines += [f"- {escape(item)}" for item in items[key]]
    if items["marked"]:
        lines += ["", escape(LEGEND)]
    for key, label in (
        ("practices_by_sector", "Practices by sector"),
        ("practices_by_theme", "Practices by theme"),
    ):
        lines += [
            "",
            f"## {label}",
            "",
            f"{fig['practices']} practices; one practice may count under several.",
            "",
        ]
        lines.append(records_table(fig[key], ["value", "count"]).rstrip("\n"))
    lines += ["", "## The chain, where corruption enters", ""]
    lines += [f"{n}. {escape(s['title'])} ({_code(s['id'])})" for n, s in enumerate(fig["stages"], 1)]
    lines += _references(fig["sources"])
    return "\n".join(lines) + "\n"
