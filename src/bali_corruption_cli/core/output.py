"""Every byte for stdout written, or an error: `write_all` retries short writes.

A non-blocking pipe (a reader that set O_NONBLOCK on it, shared with bcc) accepts
only what fits and refuses the rest (EAGAIN); Python's buffered stdout then drops
it.  `write_all` waits until the descriptor takes more and writes the rest;
`complete_stdout` puts a writer that does so under ``sys.stdout`` when stdout is a
pipe or a file (not a terminal), so every path (records, tables) is complete.  A
failure (a full disk) is an OSError naming standard output (exit 74); a closed pipe
stays BrokenPipeError (141).
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterable
from contextlib import suppress
from typing import Any

STDOUT_NAME = "standard output"


def write_all(target: Any, data: bytes | memoryview, name: str = STDOUT_NAME) -> None:
    """Write all of ``data`` to a descriptor, or to a binary stream's descriptor (flushed
    first); a stream without one (a test runner's) is written and flushed as it is."""
    if not isinstance(target, int):
        try:
            fd = target.fileno()
        except (AttributeError, ValueError, OSError, io.UnsupportedOperation):
            target.write(data)
            target.flush()
            return
        target.flush()
        target = fd
    view = memoryview(data).cast("B")
    try:
        while view:
            try:
                written = os.write(target, view[: 1 << 30])
            except BlockingIOError:
                import select

                select.select([], [target], [])  # until the reader makes room
                continue
            view = view[written:]
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror or str(exc), name) from exc


def write_streamed(target: Any, chunks: Iterable[bytes], name: str = STDOUT_NAME) -> None:
    """`write_all` of each chunk, in order: the first at once, the others by a thread while
    the caller makes the next (a terminal's time taking a long view overlaps the laying
    out of its rest).  The thread's failure is raised here; a failure making the chunks
    stops the writing."""
    import queue
    import threading

    chunks = iter(chunks)
    first = next(chunks, None)
    if first is None:
        return
    write_all(target, first, name)
    if not isinstance(target, int):
        with suppress(AttributeError, ValueError, OSError, io.UnsupportedOperation):
            target = target.fileno()
    waiting: queue.Queue[bytes | None] = queue.Queue(maxsize=4)
    failed: list[BaseException] = []  # the writer's failure, or the caller's: nothing more written

    def writer() -> None:
        while (chunk := waiting.get()) is not None:
            if not failed:
                try:
                    write_all(target, chunk, name)
                except BaseException as exc:  # handed to the caller's thread
                    failed.append(exc)

    thread = threading.Thread(target=writer, name="bcc-writer", daemon=True)
    thread.start()
    try:
        for chunk in chunks:
            if failed:
                break
            waiting.put(chunk)
    except BaseException as exc:  # Ctrl-C or a failure making a chunk: the writer may be
        failed.append(exc)  # stuck on a reader that stopped; it is left behind, not waited for
        raise
    waiting.put(None)
    thread.join()
    if failed:
        raise failed[0]


class _Complete(io.RawIOBase):
    """A raw writer on a descriptor whose writes are all complete (`write_all`)."""

    def __init__(self, fd: int, owner: Any = None) -> None:
        super().__init__()
        self._fd = fd
        self._owner = owner  # the stream that owns the descriptor: kept alive, never closed here

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._fd

    def isatty(self) -> bool:
        return os.isatty(self._fd)

    def write(self, data: Any) -> int:
        view = memoryview(data)
        write_all(self._fd, view)
        return view.nbytes

    def close(self) -> None:  # the descriptor is stdout's: left open
        super().close()


def complete_stdout() -> None:
    """Unless stdout is a terminal, write it through `_Complete` (same encoding and errors)."""
    stream = sys.stdout
    try:
        fd = stream.fileno()
        if os.isatty(fd) or isinstance(getattr(getattr(stream, "buffer", None), "raw", None), _Complete):
            return
        encoding, errors = stream.encoding, stream.errors
        stream.flush()
    except (AttributeError, ValueError, OSError, io.UnsupportedOperation):
        return  # not a descriptor (a test runner)
    sys.stdout = io.TextIOWrapper(io.BufferedWriter(_Complete(fd, stream)), encoding=encoding, errors=errors)
