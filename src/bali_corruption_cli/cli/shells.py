"""Shell completion: the script for each shell, and candidates each shell keeps as one word.

Imported only when bcc completes a word or prints a completion script. Typer's own
classes hand bash and PowerShell a value such as ``Viet Nam`` as it is, which the
shell then inserts as two words; the classes here quote it for that shell. zsh
(compadd) and fish quote what they insert themselves.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from typer._click.shell_completion import CompletionItem, add_completion_class
from typer._completion_classes import BashComplete, FishComplete, PowerShellComplete, ZshComplete

SHELLS = ("bash", "zsh", "fish", "powershell")
PROG = "bcc"
COMPLETE_VAR = "_BCC_COMPLETE"

# Characters a POSIX shell takes as they are, outside quotes (as shlex.quote has it;
# letters of any script included).
_BASH_PLAIN = re.compile(r"[^\w@%+=:,./-]", re.UNICODE)
_POWERSHELL_PLAIN = re.compile(r"^[\w@%+=:,./-]+$", re.UNICODE)


def bash_word(value: str) -> str:
    """``value`` as bash reads back one word: ``Viet Nam`` -> ``Viet\\ Nam``."""
    if "\n" in value:  # a backslash cannot carry a newline through the script's IFS
        return "'" + value.replace("'", "'\\''") + "'"
    return _BASH_PLAIN.sub(lambda m: "\\" + m.group(0), value)


def powershell_word(value: str) -> str:
    """``value`` as PowerShell reads back one word: ``'Viet Nam'``."""
    if not value or _POWERSHELL_PLAIN.match(value):
        return value
    return "'" + value.replace("'", "''") + "'"


# A character that would end a candidate's line, or act on the terminal showing it: a
# candidate holding one is left out (a value with a newline would reach the shell as
# several candidates, one of which could be a bare "$(...)").
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def safe(value: str) -> bool:
    """Whether ``value`` may be offered to a shell as one candidate."""
    return _UNSAFE.search(value) is None


# How the words before the one completed are read (set by `register`: the app's rule for
# global options after the command).
_reorder: list[Callable[[list[str]], list[str]]] = []


class _Completing:
    """What every shell's class shares: the words as bcc reads them, only safe candidates."""

    def get_completion_args(self) -> tuple[list[str], str]:
        args, incomplete = super().get_completion_args()  # type: ignore[misc]
        args = list(args)
        for reorder in _reorder:
            args = reorder(args)
        return args, incomplete

    def get_completions(self, args: list[str], incomplete: str) -> list[CompletionItem]:
        found: list[CompletionItem] = super().get_completions(args, incomplete)  # type: ignore[misc]
        return [item for item in found if safe(str(item.value)) and safe(str(item.help or ""))]


class SafeZshComplete(_Completing, ZshComplete):
    pass


class SafeFishComplete(_Completing, FishComplete):
    pass


class QuotingBashComplete(_Completing, BashComplete):
    def format_completion(self, item: CompletionItem) -> str:
        return bash_word(str(item.value))


class QuotingPowerShellComplete(_Completing, PowerShellComplete):
    def format_completion(self, item: CompletionItem) -> str:
        quoted = CompletionItem(powershell_word(str(item.value)), help=item.help)
        return super().format_completion(quoted)


def register(reorder: Callable[[list[str]], list[str]] | None = None) -> None:
    """Use the quoting classes for bash and PowerShell and the safe ones for zsh and fish
    (after Typer registered its own); ``reorder``: how to read the words before the one
    completed (the app's global options after the command)."""
    _reorder[:] = [] if reorder is None else [reorder]
    add_completion_class(QuotingBashComplete, "bash")
    add_completion_class(SafeZshComplete, "zsh")
    add_completion_class(SafeFishComplete, "fish")
    add_completion_class(QuotingPowerShellComplete, "powershell")
    add_completion_class(QuotingPowerShellComplete, "pwsh")


def instruction(value: str) -> str:
    """Typer's order of the completion instruction (``complete_bash``) for Click's too
    (``bash_complete``), so either may be set in _BCC_COMPLETE."""
    first, _, second = value.partition("_")
    if first in (*SHELLS, "pwsh") and second in ("complete", "source"):
        return f"{second}_{first}"
    return value


def script(shell: str) -> str:
    """The completion script for ``shell`` (one of SHELLS), whatever shell runs bcc."""
    from typer._completion_shared import get_completion_script

    return get_completion_script(prog_name=PROG, complete_var=COMPLETE_VAR, shell=shell) + "\n"
