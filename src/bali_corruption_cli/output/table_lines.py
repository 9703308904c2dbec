"""A table's lines for people: header, rule and rows laid out at the widths `tables.plan` chose.

Rows whose every cell is ASCII, one line and no wider than its column take one format
call each (100,000 rows in a few hundredths of a second); the others are wrapped between
words (`tables.wrap`), with a blank line between rows when one takes several lines.
The lines come as blocks (whole lines joined by newlines) made `BATCH` rows at a time,
as they are read: a long table is written while its rest is laid out.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence

from bali_corruption_cli.output import tables
from bali_corruption_cli.output.tables import GAP, KEY_FIELDS, Column, Style, width, wrap


def table_lines(
    columns: Sequence[Column], widths: Sequence[int], rows: Sequence[Sequence[str]], style: Style
) -> tuple[int, Iterator[str]]:
    """How many lines the table takes, and its lines (header, rule, rows; a blank line between
    rows when any row takes several lines) in blocks made as they are read: cells are
    wrapped first (that gives the count), lines made a batch of rows at a time."""
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
    rule = "─" if style.utf else "-"
    head = (
        join([style.bold(n) for n in names], names) + "\n" + style.dim(rule * (sum(widths) + len(GAP) * last))
    )
    if all(c.simple for c in columns):
        count, blocks = _simple_blocks(columns, widths, rows, _quick_rows(columns, widths, rows), style)
        return 2 + count, itertools.chain([head], blocks)
    # a cell with a non-ASCII character or several lines: every row is wrapped and its cells
    # padded by their width; a blank line between rows when one of them takes several lines
    wrapped = [
        [wrap(t, w, c.prose, style.utf) for t, c, w in zip(row, columns, widths, strict=True)] for row in rows
    ]
    heights = [max(map(len, cells)) for cells in wrapped]
    spaced = any(h > 1 for h in heights)
    keyed = [n for n, c in enumerate(columns) if c.name in KEY_FIELDS] if style.color else []

    def lines() -> Iterator[str]:
        for r, cells in enumerate(wrapped):
            if spaced and r:
                yield ""
            if not keyed and heights[r] == 1:  # one line, no colour
                plain = [cell[0] for cell in cells]
                yield join(plain, plain)
                continue
            for i in range(heights[r]):
                plain = [cell[i] if i < len(cell) else "" for cell in cells]
                shown = [style.key(t) if columns[n].name in KEY_FIELDS else t for n, t in enumerate(plain)]
                yield join(shown, plain)

    count = sum(heights) + (len(rows) - 1 if spaced else 0)
    return 2 + count, itertools.chain([head], _blocks_of(lines()))


def _blocks_of(lines: Iterator[str]) -> Iterator[str]:
    """Lines as blocks of `BATCH` lines."""
    while batch := list(itertools.islice(lines, BATCH)):
        yield "\n".join(batch)


BATCH = 4096  # rows laid out at a time when a table is streamed


def _simple_blocks(
    columns: Sequence[Column],
    widths: Sequence[int],
    rows: Sequence[Sequence[str]],
    quick: Sequence[bool],
    style: Style,
) -> tuple[int, Iterator[str]]:
    """The rows' line count and blocks when every cell is one ASCII line (`Column.simple`):
    the rows that do not fit are wrapped a column at a time (`tables.wrap_lines`); the lines
    are made `BATCH` rows at a time by `_quick_lines`, each wrapped row's pieces as rows of
    their own (a wider piece, a whole word, only pushes the line out)."""
    from functools import partial
    from operator import itemgetter

    slow = [row for row, q in zip(rows, quick, strict=True) if not q]
    cells = [
        tables.wrap_lines(list(map(itemgetter(n), slow)), w, c.prose, style.utf)
        for n, (c, w) in enumerate(zip(columns, widths, strict=True))
    ]
    heights = list(map(max, *(map(len, column) for column in cells), itertools.repeat(1)))
    spaced = max(heights, default=1) > 1
    count = len(rows) - len(slow) + sum(heights) + (len(rows) - 1 if spaced else 0)
    pieces_of = partial(itertools.zip_longest, fillvalue="")  # a wrapped row's lines' cells
    between = "\n\n" if spaced else "\n"

    def blocks() -> Iterator[str]:
        done = 0  # wrapped rows laid out so far
        for start in range(0, len(rows), BATCH):
            marks = quick[start : start + BATCH]
            fast = [row for row, q in zip(rows[start : start + BATCH], marks, strict=True) if q]
            end = done + len(marks) - len(fast)
            pieces = itertools.chain.from_iterable(map(pieces_of, *(column[done:end] for column in cells)))
            fast_lines = iter(_quick_lines(columns, widths, fast, style))
            slow_lines = iter(_quick_lines(columns, widths, list(pieces), style))
            # each wrapped row's lines as one text, then every row's in order
            slow_rows = map("\n".join, map(itertools.islice, itertools.repeat(slow_lines), heights[done:end]))
            done = end
            block = between.join([next(fast_lines) if q else next(slow_rows) for q in marks])
            yield "\n" + block if spaced and start else block  # the blank line before its first row

    return count, blocks()


def _quick_rows(
    columns: Sequence[Column], widths: Sequence[int], rows: Sequence[Sequence[str]]
) -> list[bool]:
    """Which rows of a table of `Column.simple` columns have every cell no wider than its
    column (`_quick_lines` lays those out); checked a column at a time."""
    from operator import itemgetter

    quick = [True] * len(rows)
    for n, c in enumerate(columns):
        if c.natural <= widths[n]:
            continue  # every cell fits
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
        before, after = style.around(tables.KEY_CODE)  # `Style.key`, without a call a cell
        for n, c in enumerate(columns):
            if c.name in KEY_FIELDS:
                pad = 0 if n == last else widths[n]
                cells[n] = [
                    f"{before}{t}{after}{' ' * (pad - len(t))}" if t else " " * pad
                    for t in map(methodcaller("rstrip", " "), cells[n])
                ]
    keyed = [n for n, c in enumerate(columns) if c.name in KEY_FIELDS] if style.color else []
    pattern = GAP.join("{}" if n == last or n in keyed else f"{{:<{w}}}" for n, w in enumerate(widths))
    return list(map(methodcaller("rstrip", " "), map(pattern.format, *cells)))
