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
for _module in ("lists", "explore", "report", "maintain", "publish"):
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
