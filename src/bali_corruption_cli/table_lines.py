"""A table's lines for people: header, rule and rows laid out at the widths `tables.plan` chose.

Rows whose every cell is ASCII, one line and no wider than its column take one format
call each (100,000 rows in a few hundredths of a second); the others are wrapped between
words (`tables.wrap`), with a blank line between rows when one takes several lines.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence

from bali_corruption_cli import tables
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
    if all(quick):
        yield from _quick_lines(columns, widths, rows, style)
        return
    if all(c.simple for c in columns):
        yield from _simple_lines(columns, widths, rows, quick, style)
        return
    # a cell with a non-ASCII character or several lines (no row is quick then): every row
    # is wrapped and its cells padded by their width; a blank line between rows when one of
    # them takes several lines
    wrapped = [
        [wrap(t, w, c.prose, style.utf) for t, c, w in zip(row, columns, widths, strict=True)] for row in rows
    ]
    spaced = any(len(cell) > 1 for cells in wrapped for cell in cells)
    keyed = [n for n, c in enumerate(columns) if c.name in KEY_FIELDS] if style.color else []
    for r, cells in enumerate(wrapped):
        if spaced and r:
            yield ""
        if not keyed and all(len(cell) == 1 for cell in cells):  # one line, no colour
            plain = [cell[0] for cell in cells]
            yield join(plain, plain)
            continue
        for i in range(max(len(cell) for cell in cells)):
            plain = [cell[i] if i < len(cell) else "" for cell in cells]
            shown = [style.key(t) if columns[n].name in KEY_FIELDS else t for n, t in enumerate(plain)]
            yield join(shown, plain)


def _simple_lines(
    columns: Sequence[Column],
    widths: Sequence[int],
    rows: Sequence[Sequence[str]],
    quick: Sequence[bool],
    style: Style,
) -> list[str]:
    """The rows' lines when every cell is one ASCII line (`Column.simple`): the rows that do
    not fit are wrapped a column at a time (`tables.wrap_lines`), each row's pieces made lines
    by `_quick_lines` as the rows that fit are (a wider piece, a whole word, only pushes the
    line out); a blank line between rows when one takes several lines."""
    from functools import partial
    from operator import itemgetter

    slow = [row for row, q in zip(rows, quick, strict=True) if not q]
    cells = [
        tables.wrap_lines(list(map(itemgetter(n), slow)), w, c.prose, style.utf)
        for n, (c, w) in enumerate(zip(columns, widths, strict=True))
    ]
    pieces = list(map(list, map(partial(itertools.zip_longest, fillvalue=""), *cells)))
    spaced = any(len(lines) > 1 for lines in pieces)
    quick_lines = iter(
        _quick_lines(columns, widths, [row for row, q in zip(rows, quick, strict=True) if q], style)
    )
    slow_lines = iter(_quick_lines(columns, widths, list(itertools.chain.from_iterable(pieces)), style))
    counts = iter(map(len, pieces))
    out: list[str] = []
    for q in quick:
        if spaced:
            out.append("")
        if q:
            out.append(next(quick_lines))
        else:
            out.extend(itertools.islice(slow_lines, next(counts)))
    return out[1:] if spaced else out


def _quick_rows(
    columns: Sequence[Column], widths: Sequence[int], rows: Sequence[Sequence[str]]
) -> list[bool]:
    """Which rows have every cell one ASCII line no wider than its column (`_quick_lines`
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


def _quick_lines(
    columns: Sequence[Column], widths: Sequence[int], rows: Sequence[Sequence[str]], style: Style
) -> list[str]:
    """Each row as one line, when every cell is ASCII, one line, and fits its column (a
    longer piece only pushes the line out): one format call a row, made a column at a
    time (map and format do the per-row work: 100,000 rows in a few hundredths of a second)."""
    from operator import itemgetter, methodcaller

    last = len(columns) - 1
    cells: list[Iterable[str]] = [map(itemgetter(n), rows) for n in range(len(columns))]
    if style.color:
        for n, c in enumerate(columns):
            if c.name in KEY_FIELDS:
                pad = 0 if n == last else widths[n]
                cells[n] = [
                    style.key(t) + " " * (pad - len(t)) for t in map(methodcaller("rstrip", " "), cells[n])
                ]
    keyed = [n for n, c in enumerate(columns) if c.name in KEY_FIELDS] if style.color else []
    pattern = GAP.join("{}" if n == last or n in keyed else f"{{:<{w}}}" for n, w in enumerate(widths))
    return list(map(methodcaller("rstrip", " "), map(pattern.format, *cells)))
