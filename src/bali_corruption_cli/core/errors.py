"""One exception family; the entry point turns each into a message and an exit code."""

from __future__ import annotations

# Exit codes, documented in README.md ("Exit codes").
EXIT_OK = 0
EXIT_NOT_FOUND = 1
EXIT_USAGE = 2
EXIT_DATA = 3
EXIT_IO = 74  # output could not be written (sysexits' EX_IOERR)
EXIT_INTERNAL = 70  # a bug (sysexits' EX_SOFTWARE)
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141  # stdout closed early, as a SIGPIPE'd tool would
EXIT_TERMINATED = 143  # SIGTERM while the cache was written (its temporary file removed first)


class BccError(Exception):
    """An error with a one-line message for the user and an exit code."""

    exit_code = 1

    def __init__(self, message: str, details: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(BccError):
    """A record asked for by id does not exist."""

    exit_code = EXIT_NOT_FOUND


class UsageError(BccError):
    """The command line asked for something that cannot be: a bad value, field or format."""

    exit_code = EXIT_USAGE


class WriteError(BccError):
    """A file could not be written (a full disk, no permission); nothing was left behind."""

    exit_code = EXIT_IO


class DataError(BccError):
    """The catalogue cannot be read: a file is missing, malformed or inconsistent."""

    exit_code = EXIT_DATA
