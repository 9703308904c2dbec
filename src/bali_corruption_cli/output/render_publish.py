"""Terminal views of `bcc info` and `bcc diff`: the catalogue's edition card, and its changes.

Laid out at the width screen.py gives, words whole; every string from the data or an
edition file goes through ``_shown`` first, so it is never read as markup or control
sequences.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from bali_corruption_cli.output import screen, tables
from bali_corruption_cli.output.render import human_records
from bali_corruption_cli.output.text import _shown, _utf_capable


def _field(label: str, text: str, size: int | None, style: tables.Style, prose: bool = True) -> list[str]:
    """``label`` then ``text`` wrapped beside it, the lines after under the text."""
    pad = 12
    room = None if size is None else max(10, size - pad)
    lines = tables.wrap(_shown(text), room, prose, _utf_capable(sys.stdout))
    head = (style.bold(label.ljust(pad - 1)) if label else " " * (pad - 1)) + " "
    return [((head if n == 0 else " " * pad) + line).rstrip(" ") for n, line in enumerate(lines)]


def info_lines(info: dict[str, Any], size: int | None, style: tables.Style) -> list[str]:
    lines = _field("bcc", info["bcc_version"], size, style)
    if info["title"]:
        lines += _field("catalogue", info["title"], size, style)
    edition = info["edition"]
    if edition:
        from bali_corruption_cli.query.query import date_words

        lines += _field("edition", f"{edition['version']} of {date_words(edition['date'])}", size, style)
    else:
        lines += _field("edition", "not stated (this catalogue has no edition.toml)", size, style)
    where = info["data_dir"] + "".join(f" + {p}" for p in info["overlays"])
    lines += _field("data", where, size, style, prose=False)
    if info["overlays"] and edition:
        lines += _field("", "with overlays: the records are not those of this edition alone", size, style)
    lines += _field("hash", info["digest"], size, style, prose=False)
    counts = info["records"]
    lines += _field("records", f"{info['total_records']} in {len(counts)} collections", size, style)
    width = max(len(name) for name in counts)
    digits = max(len(str(n)) for n in counts.values())
    lines += [f"{'':12}{name.ljust(width)}  {str(n).rjust(digits)}" for name, n in counts.items()]
    licence = info["licence"]
    if licence:
        lines += _field("licence", f"{licence['name']} ({licence['id']}), {licence['url']}", size, style)
        lines += _field("", licence["notice"], size, style)
    else:
        lines += _field("licence", "not stated (this catalogue has no edition.toml)", size, style)
    lines += _field("code", f"{info['code_licence']} (bcc's code)", size, style)
    if info["cite"]:
        lines += _field("cite as", info["cite"]["apa"], size, style)
        lines += _field("", "BibTeX: bcc info --json | jq -r .cite.bibtex", size, style)
    return lines


def draw_info(info: dict[str, Any]) -> None:
    screen.show(info_lines(info, screen.width(document=True), screen.style()))


def draw_diff(rows: Sequence[dict[str, Any]], title: str, fields: Sequence[str]) -> None:
    """The changes as a table (or one block a change, when the values are long)."""
    screen.show(human_records(rows, fields, title, screen.width()))
