"""A table's lines for people: header, rule and rows laid out at the widths `tables.plan` chose.

Rows whose every cell is ASCII, one line and no wider than its column take one format
call each (100,000 rows in a few hundredths of a second); the others are wrapped between
words (`tables.wrap`), with a blank line between rows when one takes several lines.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence

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
    quick_lines = iter(
        _quick_lines(columns, widths, [row for row, q in zip(rows, quick, strict=True) if q], style)
    )
    # the other rows are wrapped; a blank line between rows when one of them takes several lines
    simple = all(c.simple for c in columns)
    # a one-line ASCII cell that fits is its own line (what `wrap` would make of it, without the call)
    shape = [(w, c.prose, c.simple) for c, w in zip(columns, widths, strict=True)]
    wrapped: dict[int, list[Sequence[str]]] = {
        r: [
            (t.rstrip(" "),) if plain and len(t) <= w else wrap(t, w, prose, style.utf)
            for t, (w, prose, plain) in zip(row, shape, strict=True)
        ]
        for r, row in enumerate(rows)
        if not quick[r]
    }
    spaced = any(len(cell) > 1 for cells in wrapped.values() for cell in cells)
    keyed = [n for n, c in enumerate(columns) if c.name in KEY_FIELDS] if style.color else []
    if simple:  # ASCII: a wider piece (a whole word) only pushes the line out, as join does
        pieces = {r: list(itertools.zip_longest(*cells, fillvalue="")) for r, cells in wrapped.items()}
        wrapped_lines = iter(_quick_lines(columns, widths, list(itertools.chain(*pieces.values())), style))
    for r in range(len(rows)):
        if spaced and r:
            yield ""
        if quick[r]:
            yield next(quick_lines)
            continue
        if simple:
            yield from itertools.islice(wrapped_lines, len(pieces[r]))
            continue
        cells = wrapped[r]
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
