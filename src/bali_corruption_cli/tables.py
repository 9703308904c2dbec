"""Lay out text for people: column widths, word wrapping, tables and records blocks.

Plain Python, no Rich: every line is built here, so nothing is cut, folded or
hidden behind our back.  The rules:

- a cell is split into words at spaces; ids, kinds, dates, codes, list items
  and web addresses are single words and are never broken;
- only in prose columns (titles, names, descriptions, quotes) may a single
  word longer than ``PROSE_WORD`` break, and the break is marked with ``↩``;
- a table either fits the width with every word whole, or ``plan`` says no
  and the caller shows records instead (one ``field: value`` block each, as
  psql's ``\\x auto`` does);
- no line ends in whitespace; the last column is never padded.

Text given here is already made visible (``render.visible``): no control characters.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

# Fields whose values are running text: they take the spare width and wrap.
PROSE_FIELDS = frozenset(
    {
        "title",
        "name",
        "description",
        "text",
        "summary",
        "notes",
        "caveats",
        "snippet",
        "match",
        "wording",
        "position",
        "publisher",
        "date_note",
        "aliases",
        "alt_titles",
        "place",
        "via",
    }
)
# A word of prose longer than this may be broken (marked) rather than widen its column.
PROSE_WORD = 24
# A prose column narrower than this (or its natural width) is unreadable: show records instead.
PROSE_MIN = 20
# Prose columns get up to this width before short columns grow past their least width.
PROSE_COMFORT = 32
GAP = "  "
_URL = re.compile(r"^[(\[<\"']?[a-z][a-z0-9+.-]*://", re.IGNORECASE)
# An identifier (``regulate-financial-institutions``, ``2023-11-21``), perhaps with punctuation after it.
_ID = re.compile(r"[(\[]?[a-z0-9]+(?:[-_.][a-z0-9]+)+[)\]:,;.]*")

# An address that may become a terminal hyperlink: http(s), printable ASCII, no spaces or escapes.
_SAFE_URL = re.compile(r"https?://[!#-~]+")

BREAK_MARK = {True: "↩", False: "\\"}


def char_width(ch: str) -> int:
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def width(text: str) -> int:
    """Terminal cells ``text`` takes (wide East Asian characters count two)."""
    if text.isascii():
        return len(text)
    return sum(map(char_width, text))


def _breakable(word: str, prose: bool) -> bool:
    return prose and width(word) > PROSE_WORD and not _URL.match(word) and not _ID.fullmatch(word)


def _chunks(word: str, size: int, mark: str) -> list[str]:
    """``word`` in pieces of at most ``size`` cells, each but the last ending in ``mark``."""
    pieces: list[str] = []
    current, used = "", 0
    room = max(1, size - width(mark))
    for ch in word:
        w = char_width(ch)
        if used + w > room and current:
            pieces.append(current + mark)
            current, used = "", 0
        current += ch
        used += w
    pieces.append(current)
    return pieces


def wrap(text: str, size: int | None, prose: bool, utf: bool = True) -> list[str]:
    """``text`` as lines of at most ``size`` cells, broken only between words.

    A word wider than ``size`` stays whole on a line of its own (and the line is
    wider), unless it is a long word of prose, which breaks, marked.  Newlines
    in the text are kept.  ``size`` None: no wrapping.
    """
    if "\n" not in text and (size is None or (len(text) <= size and text.isascii())):
        return [text.rstrip(" ")]  # the common case, without the word loop
    lines: list[str] = []
    for paragraph in text.split("\n"):
        if size is None or width(paragraph) <= size:
            lines.append(paragraph.rstrip(" "))
            continue
        line, used = "", 0
        for word in paragraph.split(" "):
            w = width(word)
            if line and used + 1 + w <= size:
                line, used = f"{line} {word}", used + 1 + w
                continue
            if line or used:
                lines.append(line.rstrip(" "))
            if w > size and _breakable(word, prose):
                *done, word = _chunks(word, size, BREAK_MARK[utf])
                lines.extend(done)
                w = width(word)
            line, used = word, w
        lines.append(line.rstrip(" "))
    return lines


@dataclass(frozen=True)
class Column:
    name: str
    natural: int  # the widest line of any cell, or the header
    least: int  # the narrowest it can be with every unbreakable word whole
    prose: bool


def measure(names: Sequence[str], rows: Sequence[Sequence[str]]) -> list[Column]:
    """Each column's natural and least widths (one pass over the cells, string methods
    doing the work: 100,000 rows in a few tenths of a second)."""
    columns = []
    for n, name in enumerate(names):
        prose = name in PROSE_FIELDS
        natural = least = width(name)
        blob = "\n".join(text for row in rows if (text := row[n]))
        measure_of = len if blob.isascii() else width
        if blob:
            natural = max(natural, max(map(measure_of, blob.split("\n"))))
        # The widest words first: the least width is the widest one that may not break.
        longer = {word for word in blob.replace("\n", " ").split(" ") if len(word) > least}
        for word in sorted(longer, key=measure_of, reverse=True):
            w = measure_of(word)
            if w <= least:
                break
            least = max(least, min(w, PROSE_WORD) if _breakable(word, prose) else w)
        if prose:
            least = max(least, min(natural, PROSE_MIN))
        columns.append(Column(name, natural, least, prose))
    return columns


def plan(columns: Sequence[Column], size: int | None) -> list[int] | None:
    """Column widths for a table ``size`` cells wide; None when it cannot fit with
    every word whole (show records then).  ``size`` None: natural widths."""
    natural = [c.natural for c in columns]
    gaps = len(GAP) * (len(columns) - 1)
    if size is None or sum(natural) + gaps <= size:
        return natural
    widths = [c.least for c in columns]
    spare = size - gaps - sum(widths)
    if spare < 0:
        return None
    # Short columns grow towards their natural width and prose towards a readable one,
    # in proportion to what each lacks; prose shares what is left.
    spare = _share(columns, widths, spare, list(range(len(columns))), PROSE_COMFORT)
    _share(columns, widths, spare, [n for n, c in enumerate(columns) if c.prose], None)
    return widths


def _share(
    columns: Sequence[Column], widths: list[int], spare: int, among: list[int], cap: int | None
) -> int:
    """Give ``spare`` cells to the columns ``among``, in proportion to what each lacks of its
    natural width (for prose: of ``cap``, when given); returns what is left."""

    def goal(n: int) -> int:
        if cap is None or not columns[n].prose:
            return columns[n].natural
        return min(columns[n].natural, max(cap, widths[n]))

    wanting = [n for n in among if goal(n) > widths[n]]
    while spare > 0 and wanting:
        total = sum(goal(n) - widths[n] for n in wanting)
        given = 0
        for n in wanting:
            share = max(1, spare * (goal(n) - widths[n]) // total)
            share = min(share, goal(n) - widths[n], spare - given)
            widths[n] += share
            given += share
        spare -= given
        wanting = [n for n in wanting if goal(n) > widths[n]]
        if given == 0:
            break
    return spare


@dataclass(frozen=True)
class Style:
    """ANSI styles, or none at all."""

    color: bool
    utf: bool = True
    links: bool = False  # OSC 8 hyperlinks: only on a colour terminal, never into a pipe

    def __call__(self, text: str, code: str) -> str:
        if not self.color or not text:
            return text
        return f"\x1b[{code}m{text}\x1b[0m"

    def bold(self, text: str) -> str:
        return self(text, "1")

    def dim(self, text: str) -> str:
        return self(text, "2")

    def key(self, text: str) -> str:
        return self(text, "36")

    def warn(self, text: str) -> str:
        return self(text, "33")

    def link(self, url: str) -> str:
        """A source's web address: an OSC 8 hyperlink on a colour terminal when it is a plain
        http(s) address (nothing else is ever made a link), else the text as it is."""
        if not (self.color and self.links) or not _SAFE_URL.fullmatch(url):
            return self.key(url)
        return f"\x1b]8;;{url}\x1b\\{self.key(url)}\x1b]8;;\x1b\\"


KEY_FIELDS = frozenset({"id"})


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
    wrapped = [[wrap(row[n], widths[n], c.prose, style.utf) for n, c in enumerate(columns)] for row in rows]
    spaced = any(len(cell) > 1 for cells in wrapped for cell in cells)
    keyed = [n for n, c in enumerate(columns) if c.name in KEY_FIELDS] if style.color else []
    for r, cells in enumerate(wrapped):
        if spaced and r:
            yield ""
        if not keyed and all(len(cell) == 1 for cell in cells):  # one line, no colour: the quick way
            plain = [cell[0] for cell in cells]
            yield join(plain, plain)
            continue
        for i in range(max(len(cell) for cell in cells)):
            plain = [cell[i] if i < len(cell) else "" for cell in cells]
            shown = [style.key(t) if columns[n].name in KEY_FIELDS else t for n, t in enumerate(plain)]
            yield join(shown, plain)


def field_lines(
    label: str, value: str, label_width: int, size: int | None, prose: bool, style: Style, indent: str = ""
) -> Iterator[str]:
    """One ``label: value`` entry, the value wrapped under itself (or below the label when narrow)."""
    head = f"{indent}{label}:".ljust(len(indent) + label_width + 1)
    room = None if size is None else size - width(head) - 1
    styled_head = indent + style.bold(f"{label}:") + head[len(indent) + len(label) + 1 :]
    if (room is None or (room >= 16 and len(value) <= room)) and "\n" not in value and value.isascii():
        shown = style.key(value) if label in KEY_FIELDS else value
        yield (styled_head + " " + shown).rstrip(" ")  # fits beside the label: the common case
        return
    widest = max(
        (width(w) for w in value.replace("\n", " ").split(" ") if not _breakable(w, prose)), default=0
    )
    below = None if size is None else size - len(indent) - 2
    # Too narrow beside the label, or a word that fits only below it: the value goes below.
    if room is not None and below is not None and (room < 16 or (widest > room >= 0 and widest <= below)):
        yield styled_head.rstrip(" ")
        inner = indent + "  "
        for line in wrap(value, None if size is None else max(1, size - len(inner)), prose, style.utf):
            yield (inner + (style.key(line) if label in KEY_FIELDS else line)).rstrip(" ")
        return
    lines = wrap(value, room, prose, style.utf) or [""]
    for n, line in enumerate(lines):
        shown = style.key(line) if label in KEY_FIELDS else line
        yield ((styled_head + " " if n == 0 else " " * (width(head) + 1)) + shown).rstrip(" ")


def record_lines(
    names: Sequence[str], rows: Sequence[Sequence[str]], size: int | None, style: Style
) -> Iterator[str]:
    """Each record as a block of ``field: value`` lines, blocks separated by a blank line."""
    label_width = max((width(n) for n in names), default=0)
    for r, row in enumerate(rows):
        if r:
            yield ""
        for name, value in zip(names, row, strict=True):
            yield from field_lines(name, value, label_width, size, name in PROSE_FIELDS, style)
