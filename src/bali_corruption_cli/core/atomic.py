"""Every file bcc writes is written one way, and one policy says what it may replace.

The way: a temporary sibling of the target (in the same folder, so the rename cannot cross
file systems), filled, flushed to disk (``fsync``), given the mode the umask allows (or the
replaced file's), renamed over the target; the folder is flushed too.  On any failure,
Ctrl-C or SIGTERM the temporary file or folder is removed: nothing half-written is left.

The policy (`check_target`): a missing target is written; an existing regular file is
replaced only with ``--force``; a folder, a device, a FIFO, a socket or a symbolic link
(dangling or not) is never replaced, with or without ``--force``, nor is a file of the
catalogue being read.  A refusal is a UsageError (exit 2) and touches nothing.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from bali_corruption_cli.core.errors import EXIT_TERMINATED, UsageError, WriteError

TEMP_MARK = ".tmp-"


def temp_prefix(path: Path) -> str:
    """The start of the name of ``path``'s temporary siblings: ``.NAME.tmp-``."""
    return f".{path.name}{TEMP_MARK}"


def umask() -> int:
    """The process's umask (read by setting and restoring it: the only way before 3.13)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _kind(info: os.stat_result) -> str:
    mode = info.st_mode
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a file"


def _same(info: os.stat_result, others: Iterable[Path]) -> Path | None:
    for other in others:
        try:
            theirs = os.stat(other)
        except OSError:
            continue
        if (theirs.st_dev, theirs.st_ino) == (info.st_dev, info.st_ino):
            return other
    return None


def check_target(
    path: Path,
    *,
    force: bool,
    folder: bool = False,
    protected: Sequence[Path] = (),
    ours: Callable[[Path], bool] | None = None,
) -> None:
    """UsageError (exit 2, nothing touched) unless ``path`` may be written.

    ``folder``: the write makes a folder (a CSV export); an existing folder is replaced only
    when every entry in it passes ``ours`` (an empty one without ``--force``).
    ``protected``: the files of the catalogue being read, never replaced.
    """
    parent = path.parent
    if not parent.is_dir():
        raise UsageError(f"folder {parent} does not exist")
    try:
        info = path.lstat()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise UsageError(f"cannot look at {path}: {exc.strerror}") from exc
    what = _kind(info)
    never = "not replacing it, even with --force: give another name"
    if stat.S_ISDIR(info.st_mode) and folder:
        entries = list(path.iterdir())
        others = [p.name for p in entries if ours is None or not ours(p)]
        if others:
            raise UsageError(
                f"{path} holds files that are not a bcc CSV export ({', '.join(sorted(others)[:3])}); {never}"
            )
        if entries and not force:
            raise UsageError(f"{path} already exists; not overwriting it (use --force to replace it)")
        return
    if not stat.S_ISREG(info.st_mode):
        raise UsageError(f"{path} is {what}, not a regular file; {never}")
    if folder:
        raise UsageError(f"{path} is a file, and this writes a folder; {never}")
    if _same(info, protected) is not None:
        raise UsageError(f"{path} is a file of the catalogue being read; {never}")
    if not force:
        raise UsageError(f"{path} already exists; not overwriting it (use --force to replace it)")


@contextlib.contextmanager
def _terminated_raises() -> Iterator[None]:
    """SIGTERM raises SystemExit(143) while the block runs, so the cleanup of a temporary file
    runs as on Ctrl-C (outside the main thread, where no handler can be set: left as it is)."""

    def terminated(_signum: int, _frame: Any) -> None:
        raise SystemExit(EXIT_TERMINATED)

    try:
        previous: Any = signal.signal(signal.SIGTERM, terminated)
    except (ValueError, OSError, AttributeError):
        previous = None
    try:
        yield
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM held back while the block runs (they come when it ends): between
    making a temporary file and knowing its name, nothing could remove it."""
    hold = getattr(signal, "pthread_sigmask", None)
    try:
        previous = hold(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM}) if hold else None
    except (ValueError, OSError):
        previous = None
    try:
        yield
    finally:
        if hold is not None and previous is not None:
            hold(signal.SIG_SETMASK, previous)


def _fsync(path: Path) -> None:
    """Flush a file, or a folder and every file in it, to disk."""
    if path.is_dir():
        for child in path.iterdir():
            if child.is_file() and not child.is_symlink():
                _fsync(child)
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) * path.is_dir()
    try:
        fd = os.open(path, flags)
    except OSError:  # a folder cannot be opened on Windows
        return
    try:
        os.fsync(fd)
    except OSError:  # some file systems cannot flush a folder
        pass
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        import shutil

        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _still_replaceable(path: Path, folder: bool) -> None:
    """Just before the rename: the target is still missing, a regular file (or our folder)."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return
    ok = stat.S_ISDIR(info.st_mode) if folder else stat.S_ISREG(info.st_mode)
    if not ok:
        raise UsageError(f"{path} became {_kind(info)} while it was written; not replacing it")


@contextlib.contextmanager
def replacing(path: Path, *, folder: bool = False, mode: int | None = None) -> Iterator[Path]:
    """A temporary sibling of ``path`` (a file, or a folder with ``folder``) to fill; when the
    block ends without an error it is flushed, given its mode and renamed over ``path``.
    ``mode``: the new file's permissions (default: what the umask allows, as ``open`` gives).
    Check the target with `check_target` first; this only writes."""
    parent = path.parent
    with _terminated_raises():
        import tempfile  # here, not at start-up: tempfile imports random

        tmp: Path | None = None
        try:
            with _signals_held():  # a Ctrl-C or SIGTERM comes once ``tmp`` is known, to remove it
                if folder:
                    tmp = Path(tempfile.mkdtemp(prefix=temp_prefix(path), dir=parent))
                else:
                    fd, name = tempfile.mkstemp(prefix=temp_prefix(path), dir=parent)
                    tmp = Path(name)
                    os.close(fd)
            yield tmp
            _fsync(tmp)
            default = (0o777 if folder else 0o666) & ~umask()
            tmp.chmod(default if mode is None else mode)
            _still_replaceable(path, folder)
            if folder and path.is_dir():
                # A folder cannot be renamed over a non-empty one: the old one moves aside first.
                old = parent / f".{path.name}.old-{os.urandom(4).hex()}"
                os.replace(path, old)
                try:
                    os.replace(tmp, path)
                except BaseException:
                    os.replace(old, path)
                    raise
                _remove(old)
            else:
                os.replace(tmp, path)
            _fsync(parent)
        except BaseException:
            if tmp is not None:
                _remove(tmp)
                Path(f"{tmp}-journal").unlink(missing_ok=True)  # SQLite's, should it outlive a failure
            raise


def write_error(path: Path, exc: BaseException) -> WriteError:
    """The WriteError (exit 74) for a write to ``path`` that failed with ``exc``."""
    reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return WriteError(f"cannot write {path}: {reason}; nothing was left behind")


def write_bytes(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """``data`` written to ``path`` atomically (see `replacing`); an OSError is a WriteError."""
    try:
        with replacing(path, mode=mode) as tmp, tmp.open("wb") as fh:
            fh.write(data)
    except OSError as exc:
        raise write_error(path, exc) from exc


def write_all(plan: Sequence[tuple[Path, bytes]]) -> None:
    """Every file of ``plan`` written, or none: the folders they need are created, each file is
    staged beside its target, and all are renamed into place once every one is written.  On a
    failure the temporary files and the folders created are removed (WriteError, exit 74)."""
    created: list[Path] = []
    current = Path()
    try:
        with contextlib.ExitStack() as stack:
            for path, data in plan:
                current = path
                missing = [folder for folder in path.parents if not folder.exists()]
                for folder in reversed(missing):
                    folder.mkdir()
                    created.append(folder)
                tmp = stack.enter_context(replacing(path))
                with tmp.open("wb") as fh:
                    fh.write(data)
    except BaseException as exc:
        for folder in reversed(created):
            with contextlib.suppress(OSError):
                folder.rmdir()
        if isinstance(exc, OSError):
            raise write_error(current, exc) from exc
        raise
