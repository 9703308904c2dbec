"""The bcc command line: the app and its commands, each command module registering on it.

Each command is load -> query -> render.  See ARCHITECTURE.md for the map.
"""

import importlib

from bali_corruption_cli.cli.app import (
    ROOT_FLAGS,
    ROOT_VALUE_OPTIONS,
    BccGroup,
    _command_word,
    _words,
    add_global_help,
    app,
    global_options_first,
    only_invoked,
)

# The command modules register their commands on ``app``, in the order --help lists them.
MODULES = ("lists", "explore", "report", "maintain", "publish")
# Which module registers each command (tests/test_architecture.py holds this to the code).
COMMAND_MODULES = {
    **dict.fromkeys(
        ("practices", "events", "stakeholders", "recommendations", "stages", "sources", "quotes"), "lists"
    ),
    **dict.fromkeys(("findings", "countries", "fields"), "lists"),
    **dict.fromkeys(("search", "show", "summary", "count", "timeline", "cite", "completion"), "explore"),
    "report": "report",
    **dict.fromkeys(("validate", "schema", "export", "new", "data"), "maintain"),
    **dict.fromkeys(("info", "diff"), "publish"),
}


def _modules() -> tuple[str, ...]:
    """The command modules to import: all of them, or, run as the console script
    (`entry.main` marks it) with a command named, only the one that registers it (the
    others' commands would be dropped by `only_invoked` anyway: a few ms saved)."""
    import bali_corruption_cli as root

    if not getattr(root, "_console_script", False):
        return MODULES
    wanted = COMMAND_MODULES.get(_command_word(_words()) or "")
    return MODULES if wanted is None else (wanted,)


for _module in _modules():
    importlib.import_module(f"bali_corruption_cli.cli.{_module}")
add_global_help(app)

__all__ = [
    "ROOT_FLAGS",
    "ROOT_VALUE_OPTIONS",
    "BccGroup",
    "_command_word",
    "app",
    "global_options_first",
    "main",
    "only_invoked",
]


def main() -> None:
    """Console-script entry point."""
    only_invoked(_words())
    app()
