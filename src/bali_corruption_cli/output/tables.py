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
from collections.abc import Callable, Iterator, Sequence
from typing import NamedTuple

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
        # references, which views for people print as names (`output.people`)
        "speaker",
        "organisation",
        "hosts",
        "funders",
        "made_by",
        "event",
        "about",
        "origin_event",
        "builds_on",
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
    for paragraph in text.split("\n") if "\n" in text else (text,):
        if size is None or width(paragraph) <= size:
            lines.append(paragraph.rstrip(" "))
        elif paragraph.isascii():
            lines.extend(_wrap_ascii(paragraph, size, prose, utf))
        else:
            lines.extend(_greedy(paragraph, size, prose, utf))
    return lines


def wrap_lines(texts: Sequence[str], size: int, prose: bool, utf: bool = True) -> list[Sequence[str]]:
    """`wrap` of each text in a column of one-line ASCII texts (`Column.simple`), made a
    column at a time: a text that fits is its own line, kept as it is; each distinct text
    that does not is wrapped once (a column of sectors or kinds repeats a few values)."""
    longer = dict.fromkeys(text for text in texts if len(text) > size)
    if not longer:
        return list(zip(texts))
    lines = {text: _wrap_ascii(text, size, prose, utf) for text in longer}
    return [(text,) if len(text) <= size else lines[text] for text in texts]


def _wrap_ascii(paragraph: str, size: int, prose: bool, utf: bool = True) -> list[str]:
    """`wrap` of one ASCII paragraph (no newline) longer than ``size``."""
    if "  " in paragraph or paragraph[:1] == " ":
        return _greedy(paragraph, size, prose, utf)
    # words between single spaces: each line ends at the last space that fits (the word
    # loop's lines, found by str.rfind); from a word wider than the line on: the loop
    lines = []
    while len(paragraph) > size and (cut := paragraph.rfind(" ", 0, size + 1)) > 0:
        lines.append(paragraph[:cut])
        paragraph = paragraph[cut + 1 :]
    if len(paragraph) <= size:
        lines.append(paragraph.rstrip(" "))
        return lines
    return lines + _greedy(paragraph, size, prose, utf)


def _greedy(paragraph: str, size: int, prose: bool, utf: bool) -> list[str]:
    """`wrap`'s word loop for one paragraph wider than ``size``."""
    lines: list[str] = []
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


class Column(NamedTuple):
    name: str
    natural: int  # the widest line of any cell, or the header
    least: int  # the narrowest it can be with every unbreakable word whole
    prose: bool
    simple: bool = False  # every cell ASCII and one line


def measure(
    names: Sequence[str],
    rows: Sequence[Sequence[str]],
    known: Sequence[tuple[int, int] | None] | None = None,
) -> list[Column]:
    """Each column's natural and least widths (one pass over the cells, string methods
    doing the work: 100,000 rows in about a tenth of a second).  ``known``: a column's
    (widest text, widest word) when every cell is printable ASCII, as the cache keeps
    them for a whole collection (`table_cells.column_widths`): its cells are not read."""
    from operator import itemgetter

    from bali_corruption_cli.output.table_cells import widest_word

    columns = []
    for n, name in enumerate(names):
        prose = name in PROSE_FIELDS
        natural = least = width(name)
        given = known[n] if known is not None else None
        measure_of: Callable[[str], int] = len
        widest: int | None
        if given is not None:  # printable ASCII, one line a cell
            natural, widest, simple, texts = max(natural, given[0]), given[1], True, None
        else:
            texts = list(filter(None, map(itemgetter(n), rows)))
            blob = "\n".join(texts)
            measure_of = len if blob.isascii() else width
            # (the lines are the texts when none holds a newline)
            lines = blob.split("\n") if "\n" in blob else texts
            if lines:
                natural = max(natural, max(map(measure_of, lines)))
            widest = widest_word(blob, natural) if measure_of is len else None
            simple = blob.isascii() and len(lines) == len(texts)
        words: list[str] = []
        if widest is not None and (not prose or widest <= PROSE_WORD):
            least = max(least, widest)  # no word may break: the widest word (no loop)
        else:  # some words may break: each wider one looked at
            if texts is None:
                texts = list(filter(None, map(itemgetter(n), rows)))
            blob = "\n".join(texts)
            words = blob.replace("\n", " ").split(" ") if " " in blob or "\n" in blob else texts
        # The widest words first: the least width is the widest one that may not break.
        longer = {word for word in set(words) if measure_of(word) > least}
        for word in sorted(longer, key=measure_of, reverse=True):
            w = measure_of(word)
            if w <= least:
                break
            least = max(least, min(w, PROSE_WORD) if _breakable(word, prose) else w)
        if prose:
            least = max(least, min(natural, PROSE_MIN))
        columns.append(Column(name, natural, least, prose, simple))
    return columns


def plan(columns: Sequence[Column], size: int | None, rows: Sequence[Sequence[str]] = ()) -> list[int] | None:
    """Column widths for a table ``size`` cells wide; None when it cannot fit with
    every word whole (show records then).  ``size`` None: natural widths.

    Given ``rows``, the spare width goes where it makes the table shortest (judged on
    a sample of the rows); without them, or where no cell saves a line, it is shared fairly."""
    natural = [c.natural for c in columns]
    gaps = len(GAP) * (len(columns) - 1)
    if size is None or sum(natural) + gaps <= size:
        return natural
    widths = [c.least for c in columns]
    spare = size - gaps - sum(widths)
    if spare < 0:
        return None
    fair = _fair(columns, list(widths), spare)
    if not rows:
        return fair
    sample = list(rows[:: max(1, len(rows) // SAMPLE_ROWS)])[:SAMPLE_ROWS]
    lines = _line_counts(columns, sample)
    left = _shortest(columns, widths, spare, lines)
    shortest = _fair(columns, widths, left)
    return shortest if _height(columns, lines, shortest) <= _height(columns, lines, fair) else fair


def _fair(columns: Sequence[Column], widths: list[int], spare: int) -> list[int]:
    """Short columns grow towards their natural width and prose towards a readable one;
    prose shares what is left."""
    spare = _share(columns, widths, spare, list(range(len(columns))), PROSE_COMFORT)
    _share(columns, widths, spare, [n for n, c in enumerate(columns) if c.prose], None)
    return widths


SAMPLE_ROWS = 60


def _line_counts(columns: Sequence[Column], sample: Sequence[Sequence[str]]) -> list[list[list[int]]]:
    """lines[n][w - least][r]: how many lines row r's cell of column n takes at width w."""
    return [
        [[len(wrap(row[n], w, c.prose)) for row in sample] for w in range(c.least, c.natural + 1)]
        for n, c in enumerate(columns)
    ]


def _height(columns: Sequence[Column], lines: list[list[list[int]]], widths: Sequence[int]) -> int:
    at = [lines[n][min(widths[n], c.natural) - c.least] for n, c in enumerate(columns)]
    return sum(max(cell[r] for cell in at) for r in range(len(at[0]))) if at else 0


def _shortest(columns: Sequence[Column], widths: list[int], spare: int, lines: list[list[list[int]]]) -> int:
    """Hand out ``spare`` cells, each time to the column whose widening saves the most lines
    per cell; returns the cells no widening could use."""
    current = _height(columns, lines, widths)
    while spare > 0:
        best: tuple[float, int, int, int] | None = None  # (saved per cell, column, cells, new height)
        for n, c in enumerate(columns):
            for more in range(1, min(spare, c.natural - widths[n]) + 1):
                trial = list(widths)
                trial[n] += more
                saved = current - _height(columns, lines, trial)
                if saved > 0:
                    if best is None or saved / more > best[0]:
                        best = (saved / more, n, more, current - saved)
                    break  # the least widening that saves a line: the next may only add to it
        if best is None:
            return spare
        _, n, more, current = best
        widths[n] += more
        spare -= more
    return spare


def _share(
    columns: Sequence[Column], widths: list[int], spare: int, among: list[int], cap: int | None
) -> int:
    """Give ``spare`` cells to the columns ``among``, fairly: each gets an equal share, and a
    column that needs less than its share (a short name) gets just what it needs, the rest
    going to the others; a column wants its natural width (for prose: up to ``cap``, when
    given).  Returns what is left."""

    def lack(n: int) -> int:
        goal = columns[n].natural
        if cap is not None and columns[n].prose:
            goal = min(goal, max(cap, widths[n]))
        return goal - widths[n]

    wanting = sorted((n for n in among if lack(n) > 0), key=lack)
    while spare > 0 and wanting:
        share = max(1, spare // len(wanting))
        n = wanting[0]
        given = min(lack(n), share, spare)
        widths[n] += given
        spare -= given
        if lack(n) <= 0:
            wanting.pop(0)
        else:  # every column lacks at least a share: hand out one share each, round-robin
            for m in wanting[1:]:
                if spare <= 0:
                    break
                more = min(lack(m), share, spare)
                widths[m] += more
                spare -= more
            wanting = sorted((m for m in wanting if lack(m) > 0), key=lack)
    return spare


class Style(NamedTuple):
    """ANSI styles, or none at all."""

    color: bool
    utf: bool = True
    links: bool = False  # OSC 8 hyperlinks: only on a colour terminal, never into a pipe

    def __call__(self, text: str, code: str) -> str:
        if not self.color or not text:
            return text
        before, after = self.around(code)
        return before + text + after

    def around(self, code: str) -> tuple[str, str]:
        """What goes before and after a non-empty text in style ``code`` (nothing without colour)."""
        return (f"\x1b[{code}m", "\x1b[0m") if self.color else ("", "")

    def bold(self, text: str) -> str:
        return self(text, "1")

    def dim(self, text: str) -> str:
        return self(text, "2")

    def key(self, text: str) -> str:
        return self(text, KEY_CODE)

    def warn(self, text: str) -> str:
        return self(text, "33")

    def link(self, url: str) -> str:
        """A source's web address: an OSC 8 hyperlink on a colour terminal when it is a plain
        http(s) address (nothing else is ever made a link), else the text as it is."""
        if not (self.color and self.links) or not _SAFE_URL.fullmatch(url):
            return self.key(url)
        return f"\x1b]8;;{url}\x1b\\{self.key(url)}\x1b]8;;\x1b\\"


KEY_FIELDS = frozenset({"id"})
KEY_CODE = "36"  # ids in cyan


def _head(label: str, label_width: int, style: Style, indent: str) -> tuple[str, str]:
    """The label column of an entry, plain and styled."""
    head = f"{indent}{label}:".ljust(len(indent) + label_width + 1)
    return head, indent + style.bold(f"{label}:") + head[len(indent) + len(label) + 1 :]


def field_lines(
    label: str,
    value: str,
    label_width: int,
    size: int | None,
    prose: bool,
    style: Style,
    indent: str = "",
    heads: tuple[str, str] | None = None,
) -> Iterator[str]:
    """One ``label: value`` entry, the value wrapped under itself (or below the label when
    narrow); ``heads``: `_head` of the label, when the caller made it once for many records."""
    head, styled_head = heads or _head(label, label_width, style, indent)
    shown = style.key if label in KEY_FIELDS else str
    if size is None:
        for n, line in enumerate(wrap(value, None, prose, style.utf)):
            yield ((styled_head + " " if n == 0 else " " * (width(head) + 1)) + shown(line)).rstrip(" ")
        return
    room = size - width(head) - 1
    if room >= 16 and len(value) <= room and "\n" not in value and value.isascii():
        yield (styled_head + " " + shown(value)).rstrip(" ")  # fits beside the label: the common case
        return
    widest = max(
        (width(w) for w in value.replace("\n", " ").split(" ") if not _breakable(w, prose)), default=0
    )
    below = size - len(indent) - 2
    # Too narrow beside the label, or a word that fits only below it: the value goes below.
    if room < 16 or room < widest <= below:
        yield styled_head.rstrip(" ")
        inner = indent + "  "
        for line in wrap(value, max(1, below), prose, style.utf):
            yield (inner + shown(line)).rstrip(" ")
        return
    for n, line in enumerate(wrap(value, room, prose, style.utf) or [""]):
        yield ((styled_head + " " if n == 0 else " " * (width(head) + 1)) + shown(line)).rstrip(" ")


def record_lines(
    names: Sequence[str],
    rows: Sequence[Sequence[str]],
    size: int | None,
    style: Style,
    leave_out_empty: bool = False,
) -> Iterator[str]:
    """Each record as a block of ``field: value`` lines, blocks separated by a blank line;
    with ``leave_out_empty`` (a default table: fields nobody asked for), a field with no
    value is left out of its block (the first, the id, never)."""
    label_width = max((width(n) for n in names), default=0)
    heads = [_head(name, label_width, style, "") for name in names]  # made once, not per record
    prose = [name in PROSE_FIELDS for name in names]
    for r, row in enumerate(rows):
        if r:
            yield ""
        for n, (name, value) in enumerate(zip(names, row, strict=True)):
            if value or n == 0 or not leave_out_empty:
                yield from field_lines(name, value, label_width, size, prose[n], style, heads=heads[n])
