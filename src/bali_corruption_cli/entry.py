"""The console script's first code: make an early Ctrl-C quiet, then run the CLI.

Until the CLI's own handler is in place (importing Typer takes a moment), the
default SIGINT action ends the process like any Unix tool, without a
traceback; ``BccGroup.main`` then turns Ctrl-C into "interrupted", exit 130.
"""

import _signal  # type: ignore[import-not-found]  # C module: no Python code runs first


def main() -> None:
    try:  # noqa: SIM105 - contextlib would be more Python code before the handler is set
        _signal.signal(_signal.SIGINT, _signal.SIG_DFL)
    except (ValueError, OSError):  # not the main thread, or no signals here
        pass
    from bali_corruption_cli.cli import main as run

    run()
