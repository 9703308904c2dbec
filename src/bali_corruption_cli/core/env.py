"""The environment variables bcc reads, each parsed strictly: a bad value is a
UsageError (one line, exit 2) naming the variable, never a silent default.

* ``BCC_WORKERS``: a whole number of processes, 1 to MAX_WORKERS, in ASCII digits;
  unset or empty: bcc chooses.
* ``BCC_WITH``: overlay folders separated as in PATH (``os.pathsep``); unset or
  empty: none.  An empty entry ("a::b", a separator at either end) is refused: in
  PATH it would mean the current folder, here it would be dropped silently.
* ``BCC_CACHE_DIR`` (empty: no cache) and ``BCC_DATA_DIR`` (empty: the shipped
  catalogue) are folders: any other value is a folder's name (one that does not
  exist or is not a folder is reported where it is used).
"""

from __future__ import annotations

import os
from pathlib import Path

from bali_corruption_cli.core.errors import UsageError

MAX_WORKERS = 64


def _shown(value: str) -> str:
    return repr(value if len(value) <= 60 else value[:60] + "...")


def workers() -> int | None:
    """BCC_WORKERS as a number, or None when unset or empty."""
    raw = os.environ.get("BCC_WORKERS", "")
    if raw == "":
        return None
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_WORKERS:
        raise UsageError(
            f"BCC_WORKERS must be a whole number from 1 to {MAX_WORKERS} (ASCII digits), not {_shown(raw)}"
        )
    return int(raw)


def overlays() -> list[Path]:
    """BCC_WITH's folders, in order."""
    raw = os.environ.get("BCC_WITH", "")
    if raw == "":
        return []
    parts = raw.split(os.pathsep)
    if "" in parts:
        raise UsageError(
            f"BCC_WITH has an empty entry (separators are '{os.pathsep}'; none at either end "
            f"or doubled): {_shown(raw)}"
        )
    return [Path(p) for p in parts]


def check() -> None:
    """Every variable at once, before a command runs: a bad one stops it (exit 2)."""
    workers()
    overlays()
