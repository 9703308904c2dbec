"""The face of the output layer: messages on stderr, the spinner, and tables for people.

The only module that imports Rich (for the spinner, inside the function that
draws it).  Tables are laid out by tables.py; machine formats live in formats.py
and text handling in text.py, both re-exported here.  Text from the data is
never interpreted as markup, emoji codes or highlights.
"""

from __future__ import annotations

import errno
import os
import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from bali_corruption_cli.model import layout

# Re-exported: render is the face of the output layer.
from bali_corruption_cli.output.formats import (
    DocumentFormat as DocumentFormat,
)
from bali_corruption_cli.output.formats import (
    OutputFormat as OutputFormat,
)
from bali_corruption_cli.output.formats import (
    _flat as _flat,
)
from bali_corruption_cli.output.formats import (
    _orjson_pieces as _orjson_pieces,
)
from bali_corruption_cli.output.formats import (
    document_as as document_as,
)
from bali_corruption_cli.output.formats import (
    json_pieces_writable as json_pieces_writable,
)
from bali_corruption_cli.output.formats import (
    records_as as records_as,
)
from bali_corruption_cli.output.formats import (
    write_json_pieces as write_json_pieces,
)
from bali_corruption_cli.output.text import (
    _shown as _shown,
)
from bali_corruption_cli.output.text import (
    _utf_capable as _utf_capable,
)
from bali_corruption_cli.output.text import (
    cell as cell,
)
from bali_corruption_cli.output.text import (
    visible as visible,
)

if TYPE_CHECKING:
    from rich.console import Console

    from bali_corruption_cli.output import screen


class ColorMode(StrEnum):
    auto = "auto"
    always = "always"
    never = "never"


_settings: dict[str, Any] = {"color": ColorMode.auto}


def configure(color: ColorMode = ColorMode.auto) -> None:
    _settings["color"] = color


def prepare_streams() -> None:
    """Never fail on a character the terminal's encoding cannot show: escape it.

    A standard stream that is closed (``bcc >&-``) gets /dev/null: output goes
    nowhere, quietly, and no file bcc opens can land on descriptor 0, 1 or 2.
    """
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            try:
                null = os.open(os.devnull, os.O_RDWR)
                if null != fd:
                    os.dup2(null, fd)
                    os.close(null)
            except OSError:
                pass
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as bcc
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as bcc
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with suppress(ValueError, OSError):
                reconfigure(errors="backslashreplace")
    from bali_corruption_cli.core import output

    output.complete_stdout()  # a non-blocking stdout: every byte written, or an error


# ---------------------------------------------------------------- messages


MAX_DETAIL_LINES = 50


def error(message: str, details: str = "") -> None:
    """One line on stderr first; any details after it."""
    # The first line is the whole message: a newline from the data (say, in an id) is shown as \n.
    _write_err("bcc: error: " + visible(message).replace("\n", "\\n"))
    if details:
        lines = details.splitlines()
        if len(lines) > MAX_DETAIL_LINES:  # thousands of broken records must not flood the terminal
            more = len(lines) - MAX_DETAIL_LINES
            lines = [*lines[:MAX_DETAIL_LINES], f"... and {more} more line{'' if more == 1 else 's'}"]
        _write_err(visible("\n".join(lines)))


def warn(message: str) -> None:
    _write_err(f"bcc: warning: {visible(message)}")


def note(message: str) -> None:
    _write_err(f"bcc: {visible(message)}")


_AFTER: list[str] = []


def note_after(message: str) -> None:
    """A `note` for when the answer is written (`notes_after`): a command that then fails
    says only its error."""
    _AFTER.append(message)


def notes_after(say: bool = True) -> None:
    """The notes kept by `note_after`, now that the command has succeeded (``say`` False:
    forgotten, the command failed)."""
    while _AFTER:
        message = _AFTER.pop(0)
        if say:
            note(message)


# A run of this many characters without a space (a 100 000-character argument,
# say) is cut short in messages: one line must stay readable.
_LONG_RUN = re.compile(r"\S{241,}")


def _write_err(text: str) -> None:
    text = _LONG_RUN.sub(lambda m: f"{m.group()[:200]}...[{len(m.group()) - 200} more characters]", text)
    try:
        sys.stderr.write(text + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


@contextmanager
def slow_work(message: str, after: float = 1.0) -> Iterator[None]:
    """Show a spinner with ``message`` on stderr if the work lasts over ``after`` seconds.

    Only on a terminal: nothing is drawn into pipes, files or CI logs.
    """
    stream = sys.stderr
    if not (hasattr(stream, "isatty") and stream.isatty()) or os.environ.get("TERM") == "dumb":
        yield
        return
    import threading

    lock = threading.Lock()
    state: dict[str, Any] = {"status": None, "done": False}

    def start() -> None:
        with lock:
            if state["done"]:
                return
            status = console(stderr=True).status(visible(message), spinner="dots")
            status.start()
            state["status"] = status

    timer = threading.Timer(after, start)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        with lock:
            state["done"] = True
            if state["status"] is not None:
                state["status"].stop()


def write(text: str) -> None:
    """Data for stdout, written as is."""
    sys.stdout.write(text)


PROBLEM_KEYS = ("file", "line", "column", "id", "field", "message", "severity")


def problems(items: Sequence[Any], as_json: bool = False) -> None:
    """Catalogue problems (``bcc validate``) on stdout: one line each, or a JSON list of objects."""
    if as_json:
        import json

        rows = [{key: getattr(p, key) for key in PROBLEM_KEYS} for p in items]
        write(json.dumps(rows, ensure_ascii=not _utf_capable(sys.stdout), indent=2) + "\n")
        return
    write("".join(visible(str(p)) + "\n" for p in items))


# ---------------------------------------------------------------- consoles


def console(stderr: bool = False) -> Console:
    """A Console that never interprets data: no markup, emoji or highlighting."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    color = _settings["color"]
    always = color == ColorMode.always
    # --color never, or NO_COLOR (https://no-color.org) unless --color always:
    # no escape sequence at all, not even bold.
    plain = color == ColorMode.never or (color == ColorMode.auto and os.environ.get("NO_COLOR", "") != "")
    try:
        is_tty = bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        is_tty = False
    width = None
    if not is_tty and not always:
        columns = os.environ.get("COLUMNS", "")
        width = int(columns) if columns.isdigit() and 0 < int(columns) < 100_000 else 100_000
    out = Console(
        file=stream,
        force_terminal=True if always else None,
        no_color=False if always else (True if plain else None),
        color_system=None if plain else "auto",
        markup=False,
        emoji=False,
        highlight=False,
        width=width,
        soft_wrap=False,
        legacy_windows=False,
        safe_box=not _utf_capable(stream),
    )
    out.on_broken_pipe = _broken_pipe  # type: ignore[method-assign]
    return out


def _broken_pipe() -> None:
    """Rich would exit 1 when stdout is closed early; let bcc's entry point decide (141)."""
    raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))


def emit_records(
    records: Sequence[dict[str, Any]],
    fmt: OutputFormat,
    columns: Sequence[str],
    collection: str,
    hidden: Sequence[str] = (),
    document: bool = False,
) -> None:
    """Write records to stdout: a table for people (`emit_rows`), or a machine format."""
    if fmt in (OutputFormat.json, OutputFormat.jsonl) and json_pieces_writable():
        pieces = _orjson_pieces(records)
        if pieces is not None:
            write_json_pieces(pieces, fmt)
            return
    if fmt != OutputFormat.table:
        write(records_as(records, fmt, columns))
        return
    table = [([cell(record.get(name)) for name in columns], False) for record in records]
    emit_rows(table, columns, collection, hidden, document)


def emit_rows(
    table: Sequence[tuple[list[str], bool]],
    columns: Sequence[str],
    collection: str,
    hidden: Sequence[str] = (),
    document: bool = False,
    known: Sequence[tuple[int, int] | None] | None = None,
) -> None:
    """Write a table for people: each row's cells (`table_cells.row`) and whether one is marked
    editorial (a legend under the table then says what the mark means).

    ``hidden`` names the fields the table leaves out (a hint under it says so, on a
    terminal; such a default table's record blocks leave out the fields with no value);
    ``document`` lays a piped table out at ``COLUMNS`` or 80 columns; ``known``:
    the columns' widths the cache keeps (`tables.measure`).
    """
    if not table:
        note(f"no {collection} match")
        return
    from bali_corruption_cli.output import screen, tables
    from bali_corruption_cli.output.text import LEGEND

    noun = collection if len(table) != 1 else layout.SINGULAR.get(collection, collection)
    cells = [row for row, _marked in table]
    with gc_paused():  # laying out makes many lists and strings, and no cycle
        lines = human_rows(
            cells,
            columns,
            f"{len(table)} {noun}",
            screen.width(document),
            known,
            leave_out_empty=bool(hidden),
        )
        if any(marked for _row, marked in table):  # what a mark means: on a terminal and in files alike
            lines += ["", *tables.wrap(LEGEND, screen.width(), prose=True)]
        if hidden and screen.on_terminal():
            style = screen.style()
            hint = f"Not shown: {', '.join(hidden)} (use --wide or --fields)"
            lines += ["", *(style.dim(line) for line in tables.wrap(hint, screen.width(), prose=False))]
        screen.show(lines)


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector paused (work that makes no reference cycle; 100,000 rows
    laid out: its collections would walk every row again and again)."""
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def human_records(
    records: Sequence[dict[str, Any]], columns: Sequence[str], title: str, size: int | None
) -> list[str]:
    """`human_rows` of the records' values in ``columns``, as a list of lines."""
    return list(
        human_rows([[cell(record.get(name)) for name in columns] for record in records], columns, title, size)
    )


def _visible_rows(rows: list[list[str]], count: int) -> tuple[list[list[str]], list[bool]]:
    """The cells as printed (`_shown`), and which columns are all printable ASCII: those are
    kept as they are (one check of the column, not one a cell)."""
    from operator import itemgetter

    plain = []
    for n in range(count):
        joined = " ".join(map(itemgetter(n), rows))
        plain.append(joined.isascii() and joined.isprintable())
    if all(plain):
        return rows, plain
    return [[text if plain[n] else _shown(text) for n, text in enumerate(row)] for row in rows], plain


def human_rows(
    rows: list[list[str]],
    columns: Sequence[str],
    title: str,
    size: int | None,
    known: Sequence[tuple[int, int] | None] | None = None,
    leave_out_empty: bool = False,
) -> list[str] | screen.Lines:
    """A table when every word fits whole (or --layout table), else one block per record;
    a table's rows are laid out as its lines are read (`screen.Lines`).  ``known``: see
    `tables.measure` (used for the columns printed as they are)."""
    from bali_corruption_cli.output import screen, table_lines, tables

    style = screen.style()
    rows, plain = _visible_rows(rows, len(columns))
    chosen = screen.layout()
    lines = [style.bold(title), ""] if title else []
    widths = None
    if known is not None:  # only a column printed as it is was measured by the cache
        known = [given if printed else None for given, printed in zip(known, plain, strict=True)]
    measured = tables.measure(columns, rows, known)
    if chosen != screen.Layout.records:
        widths = tables.plan(measured, size, rows)
        if widths is None and chosen == screen.Layout.table:
            widths = [c.least for c in measured]  # asked for: as narrow as whole words allow
    if widths is None:
        return lines + list(tables.record_lines(columns, rows, size, style, leave_out_empty))
    count, blocks = table_lines.table_lines(measured, widths, rows, style)
    # auto: the table unless it is taller than the records would be (tall thin columns read
    # worse than blocks). Records take at least a line a field and a blank line between
    # records, so most tables need no comparison (100,000 rows: records are not laid out).
    body = count - 2  # header and rule not counted
    if chosen == screen.Layout.table or body <= len(rows) * (len(columns) + 1) - 1:
        return lines + screen.Lines(count, blocks)
    as_records = list(tables.record_lines(columns, rows, size, style, leave_out_empty))
    return lines + (screen.Lines(count, blocks) if body <= len(as_records) else as_records)
