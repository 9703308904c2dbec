"""A table's lines for people: header, rule and rows laid out at the widths `tables.plan` chose.

Rows whose every cell is ASCII, one line and no wider than its column take one format
call each (100,000 rows in a few hundredths of a second); the others are wrapped between
words (`tables.wrap`), with a blank line between rows when one takes several lines.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence

from bali_corruption_cli.tables import GAP, KEY_FIELDS, Column, Style, width, wrap


def table_lines(
    columns: Sequence[Column], widths: Sequence[int], rows: Sequence[Sequence[str]], style: Style
) -> Iterator[str]:
    """Header, rule and rows; a blank line between rows when any row takes several lines."""
    last = len(columns) - 1

    def join(cells: Sequence[str], plain: Sequence[str]) -> str:
        parts = []
        for n, (shown, text) in enumerate(zip(cells, plain, strict=True)):
            if n == last:
                parts.append(shown)
            elif shown is text and text.isascii():
                parts.append(text.ljust(widths[n]))
            else:
                parts.append(shown + " " * max(0, widths[n] - width(text)))
        return GAP.join(parts).rstrip(" ")

    names = [c.name for c in columns]
    yield join([style.bold(n) for n in names], names)
    rule = "─" if style.utf else "-"
    yield style.dim(rule * (sum(widths) + len(GAP) * last))
    quick = _quick_rows(columns, widths, rows)
    one_line = _one_line(columns, widths, style)
    if all(quick):
        yield from map(one_line, rows)
        return
    # the other rows are wrapped; a blank line between rows when one of them takes several lines
    simple = all(c.simple for c in columns)
    if simple:  # ASCII, one line a cell: only a cell wider than its column needs wrapping
        shape = [(w, c.prose) for c, w in zip(columns, widths, strict=True)]
        wrapped: dict[int, list[Sequence[str]]] = {
            r: [
                wrap(t, w, prose, style.utf) if len(t) > w else (t,)
                for t, (w, prose) in zip(row, shape, strict=True)
            ]
            for r, row in enumerate(rows)
            if not quick[r]
        }
    else:
        wrapped = {
            r: [wrap(row[n], widths[n], c.prose, style.utf) for n, c in enumerate(columns)]
            for r, row in enumerate(rows)
            if not quick[r]
        }
    spaced = any(len(cell) > 1 for cells in wrapped.values() for cell in cells)
    keyed = [n for n, c in enumerate(columns) if c.name in KEY_FIELDS] if style.color else []
    for r, row in enumerate(rows):
        if spaced and r:
            yield ""
        if quick[r]:
            yield one_line(row)
            continue
        cells = wrapped[r]
        if simple:  # ASCII: a wider piece (a whole word) only pushes the line out, as join does
            yield from map(one_line, itertools.zip_longest(*cells, fillvalue=""))
            continue
        if not keyed and all(len(cell) == 1 for cell in cells):  # one line, no colour
            plain = [cell[0] for cell in cells]
            yield join(plain, plain)
            continue
        for i in range(max(len(cell) for cell in cells)):
            plain = [cell[i] if i < len(cell) else "" for cell in cells]
            shown = [style.key(t) if columns[n].name in KEY_FIELDS else t for n, t in enumerate(plain)]
            yield join(shown, plain)


def _quick_rows(
    columns: Sequence[Column], widths: Sequence[int], rows: Sequence[Sequence[str]]
) -> list[bool]:
    """Which rows have every cell one ASCII line no wider than its column (`_one_line`
    lays those out); checked a column at a time."""
    from operator import itemgetter

    quick = [True] * len(rows)
    for n, c in enumerate(columns):
        if c.simple and c.natural <= widths[n]:
            continue  # every cell fits
        if not c.simple:
            return [False] * len(rows)
        fits = [len(text) <= widths[n] for text in map(itemgetter(n), rows)]
        quick = [q and f for q, f in zip(quick, fits, strict=True)]
    return quick


def _one_line(
    columns: Sequence[Column], widths: Sequence[int], style: Style
) -> Callable[[Sequence[str]], str]:
    """A row whose every cell is ASCII, one line, and fits its column, as `table_lines`
    lays it out: one format a row (100,000 rows in a few hundredths of a second)."""
    last = len(columns) - 1
    keyed = [n for n, c in enumerate(columns) if c.name in KEY_FIELDS] if style.color else []
    pattern = GAP.join("{}" if n == last or n in keyed else f"{{:<{w}}}" for n, w in enumerate(widths))
    if not keyed:
        return lambda row: pattern.format(*row).rstrip(" ")

    def line(row: Sequence[str]) -> str:
        cells = list(row)
        for n in keyed:
            text = cells[n].rstrip(" ")
            cells[n] = style.key(text) + ("" if n == last else " " * (widths[n] - len(text)))
        return pattern.format(*cells).rstrip(" ")

    return line
