"""Where human output goes: the width to lay it out at, whether to colour it, and the pager.

- On a terminal: its width (``COLUMNS`` wins, clamped), colour unless
  ``--color never``, ``NO_COLOR`` or ``TERM=dumb``, and a pager for output
  taller than the screen (``BCC_PAGER``, then ``PAGER``, else ``less -FRX``;
  ``--no-pager`` or an empty value turns it off).
- Piped or redirected: tables are not wrapped unless ``COLUMNS`` asks; prose
  views (summary, show, stages, timeline) are laid out at ``COLUMNS`` or 80;
  no colour unless ``--color always``; never a pager.
"""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # tables.py is imported when something is laid out, not for --help
    from bali_corruption_cli.output import tables

MIN_WIDTH = 20
MAX_WIDTH = 1000
DOCUMENT_WIDTH = 80


class Layout(StrEnum):
    auto = "auto"
    table = "table"
    records = "records"


_settings: dict[str, Any] = {"color": "auto", "pager": True, "layout": Layout.auto}


def configure(color: str | None = None, pager: bool | None = None, layout: Layout | None = None) -> None:
    for key, value in (("color", color), ("pager", pager), ("layout", layout)):
        if value is not None:
            _settings[key] = value


def layout() -> Layout:
    return Layout(_settings["layout"])


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def on_terminal() -> bool:
    return _isatty(sys.stdout)


def _columns_env() -> int | None:
    """``COLUMNS`` as a width, clamped to 20..1000; None if unset, not a number or not positive."""
    raw = os.environ.get("COLUMNS", "").strip()
    if not raw.isascii() or not raw.lstrip("-").isdigit() or len(raw) > 12:
        return None
    value = int(raw)
    if value <= 0:
        return None
    return max(MIN_WIDTH, min(MAX_WIDTH, value))


def _terminal_size() -> os.terminal_size | None:
    try:
        return os.get_terminal_size(sys.stdout.fileno())
    except (AttributeError, ValueError, OSError):
        return None


def width(document: bool = False) -> int | None:
    """The width to lay out at: None for a table that is piped with no ``COLUMNS``."""
    env = _columns_env()
    if env is not None:
        return env
    if on_terminal():
        size = _terminal_size()
        if size is not None and size.columns > 0:
            return max(MIN_WIDTH, min(MAX_WIDTH, size.columns))
        return DOCUMENT_WIDTH
    return DOCUMENT_WIDTH if document else None


def height() -> int:
    raw = os.environ.get("LINES", "").strip()
    if raw.isascii() and raw.isdigit() and 0 < len(raw) < 7 and int(raw) > 0:
        return int(raw)
    size = _terminal_size()
    return size.lines if size is not None and size.lines > 0 else 24


def colour() -> bool:
    mode = _settings["color"]
    if mode == "always":
        return True
    if mode == "never" or os.environ.get("NO_COLOR", "") != "" or os.environ.get("TERM") == "dumb":
        return False
    return on_terminal()


def style() -> tables.Style:
    from bali_corruption_cli.output import tables
    from bali_corruption_cli.output.text import _utf_capable

    color = colour()
    return tables.Style(color=color, utf=_utf_capable(sys.stdout), links=color and on_terminal())


def _pager_command() -> list[str] | None:
    if not _settings["pager"] or not on_terminal() or not _isatty(sys.stdin):
        return None
    for name in ("BCC_PAGER", "PAGER"):
        if name in os.environ:
            raw = os.environ[name].strip()
            if not raw or raw == "cat":
                return None
            import shlex

            try:
                words = shlex.split(raw)
            except ValueError:
                return None
            return words or None
    return ["less", "-FRX"]


class Lines:
    """A view's lines, counted before they are made: a long table's rows are laid out as
    its lines are written (the pager and the choice of layout need only the count).  Kept
    as blocks, each one or more whole lines joined by newlines; read once; ``+`` with a
    list of lines makes a new one."""

    __slots__ = ("_blocks", "_count")

    def __init__(self, count: int, blocks: Iterable[str]) -> None:
        self._count = count
        self._blocks = blocks

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[str]:
        return itertools.chain.from_iterable(block.split("\n") for block in self._blocks)

    def blocks(self) -> Iterator[str]:
        return iter(self._blocks)

    def __add__(self, more: Sequence[str]) -> Lines:
        return Lines(self._count + len(more), itertools.chain(self._blocks, _blocks(more)))

    def __radd__(self, before: Sequence[str]) -> Lines:
        return Lines(len(before) + self._count, itertools.chain(_blocks(before), self._blocks))


STREAM_LINES = 4096  # lines a block when a long list of lines is written


def _blocks(lines: Sequence[str]) -> list[str]:
    """Lines as blocks of `STREAM_LINES` (none for no line)."""
    return ["\n".join(lines[at : at + STREAM_LINES]) for at in range(0, len(lines), STREAM_LINES)]


def show(lines: Sequence[str] | Lines) -> None:
    """Write a human view to stdout, through the pager when it is taller than the screen;
    a long one is written while its rest is made (`Lines`)."""
    command = _pager_command()
    if command is not None and len(lines) >= height():
        text = "\n".join(lines) + "\n" if len(lines) else ""
        failed = _page(command, text)
        if failed is not None:  # never lost: printed plainly, and said why
            _write([text])
            _warn(failed)
        return
    blocks = lines.blocks() if isinstance(lines, Lines) else iter(_blocks(lines))
    _write(block + "\n" for block in blocks)


def _write(texts: Iterable[str]) -> None:
    """``texts`` to stdout: as UTF-8 bytes straight to its buffer where it takes them (a
    terminal's line-buffered text layer costs ~0.1 s more on 19 MB), written by a thread
    while the next are made (`output.write_streamed`), else as text."""
    from bali_corruption_cli.core import output
    from bali_corruption_cli.output import formats

    buffer = formats.utf8_buffer()
    if buffer is None:
        for text in texts:
            sys.stdout.write(text)
        return
    sys.stdout.flush()
    output.write_streamed(buffer, (text.encode("utf-8", "backslashreplace") for text in texts))


def _warn(message: str) -> None:
    from bali_corruption_cli.output.text import visible

    sys.stdout.flush()
    sys.stderr.write(f"bcc: warning: {visible(message)}\n")
    sys.stderr.flush()


def _page(command: list[str], text: str) -> str | None:
    """Run the pager on ``text``; None when it showed it, else why not (the caller prints
    plainly): it could not be started, it failed (``PAGER=false``) or a signal killed it."""
    import shlex
    import signal
    import subprocess

    env = dict(os.environ)
    env.setdefault("LESS", "FRX")
    env.setdefault("LV", "-c")
    try:
        sys.stdout.flush()
        pager = subprocess.Popen(command, stdin=subprocess.PIPE, env=env)
    except (OSError, ValueError) as exc:
        why = getattr(exc, "strerror", None) or str(exc)
        name = shlex.join(command)
        return f"the pager {name!r} could not be started ({why}): the output is printed without it"
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    try:
        assert pager.stdin is not None
        pager.stdin.write(text.encode(encoding, "backslashreplace"))
        pager.stdin.close()
    except BrokenPipeError:  # the reader quit the pager early: that is fine
        pass
    except OSError:
        pass
    while True:
        try:
            pager.wait()
            break
        except KeyboardInterrupt:  # Ctrl-C belongs to the pager (as with git)
            continue
    status = pager.returncode
    if status == 0:
        return None
    name = shlex.join(command)
    if status < 0:
        try:
            how = f"was killed by {signal.Signals(-status).name}"
        except ValueError:
            how = f"was killed by signal {-status}"
    else:
        how = f"failed (exit status {status})"
    return f"the pager {name!r} {how}: the output is printed without it"
