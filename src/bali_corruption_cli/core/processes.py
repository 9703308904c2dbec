"""Second processes, for work done beside this one.

On Linux, where fork is cheap and safe here: how many may run (`workers`), forking one that
leaves without any of this process's clean-up (`fork`), and whether it finished (`succeeded`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable


def workers() -> int:
    """Processes that may work at once: BCC_WORKERS, else up to 4 of the CPUs this process
    may use, on Linux; 1 elsewhere."""
    from bali_corruption_cli.core import env

    wanted = env.workers()  # UsageError if set and not a number from 1 to env.MAX_WORKERS
    if wanted is None:
        try:
            wanted = min(4, len(os.sched_getaffinity(0)))
        except (AttributeError, OSError):
            wanted = 1
    return wanted if sys.platform.startswith("linux") and hasattr(os, "fork") else 1


def fork(work: Callable[[], None]) -> int | None:
    """A forked process running ``work`` and leaving at once with ``os._exit`` (exit 0 when
    it returned, 1 on any exception: nothing of this process's clean-up runs there); its pid,
    or None when no process could be made."""
    try:
        pid = os.fork()
    except OSError:
        return None
    if pid:
        return pid
    code = 1
    try:
        work()
        code = 0
    finally:
        os._exit(code)


def succeeded(pid: int) -> bool:
    """Wait for a forked process; whether it did its work (exit 0)."""
    try:
        return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0
    except (ChildProcessError, OSError):
        return False
