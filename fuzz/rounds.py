"""The loop both fuzz targets share: run Hypothesis rounds until time is up, report failures."""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from typing import Any


def note_failure(failing: dict[str, Any], exc: BaseException, case: Any) -> None:
    """Keep one input per distinct failure (type and place); Hypothesis shrinks it as it goes."""
    frame = traceback.extract_tb(exc.__traceback__)[-1]
    failing[f"{type(exc).__name__}@{frame.filename}:{frame.lineno}"] = case


def run_rounds(
    fuzz: Callable[[], None],
    failing: dict[str, Any],
    save: Callable[[Any], Any],
    seconds: float,
    done: Callable[[int], str],
) -> int:
    """Call ``fuzz`` (one Hypothesis run) until ``seconds`` have passed; 1 on a failure, with
    each failing input saved, else 0 and the ``done`` line for the number of rounds."""
    stop = time.monotonic() + seconds
    rounds = 0
    while time.monotonic() < stop:
        try:
            fuzz()
        except Exception as exc:
            print("".join(traceback.format_exception(exc)))
            for where, case in failing.items():
                print(f"FAIL {where}: input saved to {save(case)}")
            return 1
        rounds += 1
    print(done(rounds))
    return 0
