"""Second processes, for work done beside this one: the one place bcc forks.

On Linux, where fork is cheap and safe here: how many may run (`workers`), forking one that
leaves without any of this process's clean-up (`fork`, or `piped` with a pipe back to this
one), whether it finished (`succeeded`), and ending one no longer wanted (`stop`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from contextlib import suppress


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


def fork(work: Callable[[], None], close: Sequence[int] = ()) -> int | None:
    """A forked process running ``work`` and leaving at once with ``os._exit`` (exit 0 when
    it returned, 1 on any exception: nothing of this process's clean-up runs there), after
    closing the descriptors ``close`` (this process's ends of other pipes); its pid, or None
    when no process could be made."""
    try:
        pid = os.fork()
    except OSError:
        return None
    if pid:
        return pid
    code = 1
    try:
        for fd in close:
            os.close(fd)
        work()
        code = 0
    finally:
        os._exit(code)


def piped(work: Callable[[int], None], close: Sequence[int] = ()) -> tuple[int, int] | None:
    """`fork` with a pipe back: ``work`` gets the writing end; (pid, the reading end), or
    None when no process (or pipe) could be made."""
    try:
        r, w = os.pipe()
    except OSError:
        return None
    pid = fork(lambda: work(w), close=(*close, r))
    os.close(w)
    if pid is None:
        os.close(r)
        return None
    return pid, r


def stop(pid: int) -> None:
    """End a forked process if it is still running, and reap it (this one failed, was
    interrupted, or no longer needs its answer)."""
    import signal

    with suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGKILL)
    with suppress(ChildProcessError):
        os.waitpid(pid, 0)


def succeeded(pid: int) -> bool:
    """Wait for a forked process; whether it did its work (exit 0)."""
    try:
        return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0
    except (ChildProcessError, OSError):
        return False
