"""Ctrl-C during a load: noted, and acted on between records, never inside a validator."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

_INTERRUPTED: list[int] = []  # SIGINTs noted while a catalogue is being read


def _stop_if_interrupted() -> None:
    """Raise KeyboardInterrupt (from here, a safe place) if Ctrl-C came during the load."""
    if _INTERRUPTED:
        _INTERRUPTED.clear()
        raise KeyboardInterrupt


@contextlib.contextmanager
def _interrupts() -> Iterator[None]:
    """While validating, Ctrl-C is only noted, and the load stops at its next record or
    batch (`_stop_if_interrupted`): raised inside a validator, KeyboardInterrupt would be
    swallowed by Pydantic (a pattern check reported as failing, with a traceback on
    stderr) and the interrupted load reported as invalid data."""
    import signal

    try:
        previous = signal.signal(signal.SIGINT, lambda signum, _frame: _INTERRUPTED.append(signum))
    except (ValueError, OSError, TypeError):  # not the main thread, or no signals here
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    _stop_if_interrupted()
