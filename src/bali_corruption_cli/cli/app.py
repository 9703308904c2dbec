"""The app: its error handling, the global options, the catalogue a command loads, and argv.

Every command module registers on ``app`` (cli/__init__.py imports them); none imports
another.  Errors of every kind become a one-line message on stderr and a documented
exit code in ``BccGroup.main``.
"""

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from bali_corruption_cli import __version__
from bali_corruption_cli.core import env
from bali_corruption_cli.core.errors import (
    EXIT_BROKEN_PIPE,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_IO,
    EXIT_USAGE,
    BccError,
    UsageError,
)
from bali_corruption_cli.output import render
from bali_corruption_cli.output.render import ColorMode
from bali_corruption_cli.output.screen import Layout

if TYPE_CHECKING:  # the loader is imported when a command loads the catalogue, not for --help
    from bali_corruption_cli.catalog import Catalog


class BccGroup(TyperGroup):
    """Runs the app and translates every failure into a message and an exit code."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        import signal
        from contextlib import suppress

        from typer._click import exceptions as click_exc

        # An entry point may leave Ctrl-C at SIG_DFL while Python imports (a quiet
        # exit 130 instead of a traceback); from here on it is handled below.
        if signal.getsignal(signal.SIGINT) is signal.SIG_DFL:
            with suppress(ValueError):  # not the main thread
                signal.signal(signal.SIGINT, signal.default_int_handler)
        render.prepare_streams()
        code = 0
        prog_name = prog_name or "bcc"
        complete_var = complete_var or "_BCC_COMPLETE"
        if os.environ.get(complete_var):  # completing a word: values quoted for each shell
            from bali_corruption_cli.cli import shells

            os.environ[complete_var] = shells.instruction(os.environ[complete_var])
            shells.register(completion_words)
        render.notes_after(say=False)  # none left from an earlier run in this process (tests)
        try:
            # Typer's main() is not used: it would turn Ctrl-C into a silent exit
            # 130 and a closed stdout into a silent exit 1.  Its steps, our handlers:
            self._main_shell_completion(extra, prog_name, complete_var)
            argv = global_options_first(sys.argv[1:] if args is None else list(args))
            if any("\x00" in str(arg) for arg in argv):  # no shell passes one: a path cannot hold it
                raise UsageError("an argument holds a NUL character (\\x00), which no path or value may hold")
            with self.make_context(prog_name, argv, **extra) as ctx:
                result = self.invoke(ctx)
            render.notes_after()  # what the answer left out, said once it is written
            code = result if isinstance(result, int) else 0
        except typer.Exit as exc:
            code = exc.exit_code
        except click_exc.NoArgsIsHelpError as exc:
            render.write(exc.format_message() + "\n")
            code = EXIT_USAGE
        except click_exc.UsageError as exc:
            command = exc.ctx.command_path if exc.ctx else "bcc"
            render.error(exc.format_message(), f"Try '{command} --help' for help.")
            code = EXIT_USAGE
        except click_exc.ClickException as exc:
            render.error(exc.format_message())
            code = exc.exit_code
        except BccError as exc:
            render.error(exc.message, exc.details)
            code = exc.exit_code
        except (typer.Abort, KeyboardInterrupt):
            render.error("interrupted")
            code = EXIT_INTERRUPTED
        except BrokenPipeError:
            code = _closed_pipe()
        except OSError as exc:
            if exc.errno == 32:  # EPIPE surfacing through another wrapper
                code = _closed_pipe()
            else:
                render.error(f"{exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else ""))
                code = EXIT_IO
        except RecursionError:
            render.error("input nested too deeply")
            code = EXIT_USAGE
        except Exception as exc:  # the last line of defence: never a traceback
            render.error(f"internal error: {type(exc).__name__}: {exc} (please report this)")
            code = EXIT_INTERNAL
        try:
            sys.stdout.flush()
        except KeyboardInterrupt:
            render.error("interrupted")
            code = EXIT_INTERRUPTED
        except (OSError, ValueError) as exc:
            quiet = _closed_pipe()  # nothing more reaches stdout, and exiting cannot fail
            if isinstance(exc, BrokenPipeError):
                code = quiet
            elif code == 0:
                render.error(f"cannot write standard output: {getattr(exc, 'strerror', None) or exc}")
                code = EXIT_IO
        if standalone_mode:
            sys.exit(code)
        return code


def _closed_pipe() -> int:
    """stdout was closed early (``bcc events | head -1``): stop quietly."""
    try:
        fileno = sys.stdout.fileno()  # not a real file (e.g. under a test runner): nothing to do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fileno)
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
    return EXIT_BROKEN_PIPE


app = typer.Typer(
    cls=BccGroup,
    name="bcc",
    help=(
        "bcc: a reference on corruption as a facilitator of trafficking in persons "
        "and people smuggling in the Bali Process region.\n\n"
        "\b\nExamples:\n"
        "  bcc practices --sector private\n"
        "  bcc events --country 'Viet Nam'\n"
        "  bcc practices --json | jq '.[].title'"
    ),
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


def _version(value: bool) -> None:
    if value:
        render.write(f"bcc {__version__}\n")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data-dir",
            envvar="BCC_DATA_DIR",
            help="Read the catalogue from DIR (same layout as the shipped data/).",
            metavar="DIR",
            show_envvar=True,
        ),
    ] = None,
    color: Annotated[
        ColorMode | None,
        typer.Option(
            "--color",
            help="Colour: auto (on a terminal, unless NO_COLOR or TERM=dumb), always, never. "
            "Default: auto, or always when FORCE_COLOR is set and not empty.",
        ),
    ] = None,
    overlays: Annotated[
        list[Path] | None,
        typer.Option(
            "--with",
            help="Add the records of DIR on top of the catalogue (repeatable; also BCC_WITH, "
            "separated as in PATH).",
            metavar="DIR",
        ),
    ] = None,
    layout_mode: Annotated[
        Layout,
        typer.Option(
            "--layout",
            help="Tables for people: auto (a table if every word fits whole, else one block per "
            "record), table or records.",
        ),
    ] = Layout.auto,
    no_pager: Annotated[
        bool,
        typer.Option(
            "--no-pager", help="Never page long output (default on a terminal: BCC_PAGER, PAGER, less -FRX)."
        ),
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print bcc's version and exit."),
    ] = False,
) -> None:

    if color is None:  # https://force-color.org: FORCE_COLOR, not empty, forces colour (over NO_COLOR)
        color = ColorMode.always if os.environ.get("FORCE_COLOR", "") != "" else ColorMode.auto
    render.configure(color)
    env.check()  # every BCC_* variable, strictly: a bad value is exit 2
    from bali_corruption_cli.output import screen

    screen.configure(color=color.value, pager=not no_pager, layout=layout_mode)
    if not overlays:
        overlays = env.overlays()
    ctx.obj = {"data_dir": data_dir, "overlays": overlays}


# The catalogue last loaded, kept until the process ends: freed when a command
# returned, 100,000 records took some 0.2 s to free object by object, after the
# answer was written (the console script ends with os._exit, without that teardown).
_loaded: "list[Catalog]" = []


def catalogue_files(ctx: typer.Context) -> list[Path]:
    """The collection files of the catalogue being read (the data folder and every --with
    overlay): a writer never replaces one of them (`core.atomic.check_target`)."""
    from bali_corruption_cli import catalog
    from bali_corruption_cli.model import layout

    obj = ctx.find_root().obj or {}
    folders = [catalog.active_data_dir(obj.get("data_dir")), *(obj.get("overlays") or ())]
    return [folder / filename for folder in folders for filename, _columns in layout.COLLECTIONS.values()]


def table_display() -> Any:
    """What the cache keeps for the default tables (`table_cells`' cells), handed to the store
    by this layer, which knows both: made only when a cache entry is written."""
    from bali_corruption_cli.output import table_cells
    from bali_corruption_cli.store.cache_sections import Display

    return Display(
        table_cells.version(), table_cells.column_count, table_cells.default_row, table_cells.column_widths
    )


def _catalog(ctx: typer.Context) -> "Catalog":
    from bali_corruption_cli import catalog

    obj = ctx.find_root().obj or {}
    loaded = catalog.load(
        obj.get("data_dir"), obj.get("overlays") or (), progress=render.slow_work, display=table_display
    )
    _loaded[:] = [loaded]
    return loaded


# Under every command's --help: the options every command takes, before or after its name.
GLOBAL_HELP = (
    "\b\nGlobal options (before or after the command; bcc --help says more):\n"
    "  --data-dir DIR               Read the catalogue from DIR (also BCC_DATA_DIR).\n"
    "  --with DIR                   Add the records of DIR on top (repeatable; also BCC_WITH).\n"
    "  --color auto|always|never    Colour (NO_COLOR and FORCE_COLOR are honoured).\n"
    "  --layout auto|table|records  Tables for people: a table or one block per record.\n"
    "  --no-pager                   Never page long output."
)


def add_global_help(typer_app: typer.Typer) -> None:
    """Give every command of ``typer_app`` (and of its groups) the global options' help."""
    for info in typer_app.registered_commands:
        info.epilog = info.epilog or GLOBAL_HELP
    for group in typer_app.registered_groups:
        if group.typer_instance is not None:
            add_global_help(group.typer_instance)


# The root options that take a value: the word after them is no command.
ROOT_VALUE_OPTIONS = frozenset({"--data-dir", "--color", "--with", "--layout"})
ROOT_FLAGS = frozenset({"--no-pager"})


def global_options_first(words: Sequence[str]) -> list[str]:
    """Move the global options found after the command before it, so that
    ``bcc events --color never`` means ``bcc --color never events`` (as git and gh allow).

    Words after ``--`` are left alone; ``--opt=value`` and ``--opt value`` are both moved.
    """
    words = list(words)
    command = _command_index(words)
    if command is None:
        return words
    moved: list[str] = []
    rest: list[str] = []
    n = command + 1
    while n < len(words):
        word = words[n]
        if word == "--":
            rest.extend(words[n:])
            break
        name = word.split("=", 1)[0]
        if name in ROOT_FLAGS and "=" not in word:
            moved.append(word)
        elif name in ROOT_VALUE_OPTIONS:
            moved.append(word)
            if "=" not in word:
                if n + 1 == len(words) or words[n + 1] == "--":
                    # Moved before the command, it would take the command's name as its value.
                    from typer._click import exceptions as click_exc

                    raise click_exc.UsageError(f"Option '{word}' requires an argument.")
                n += 1
                moved.append(words[n])
        else:
            rest.append(word)
        n += 1
    return [*words[:command], *moved, words[command], *rest]


def completion_words(args: list[str]) -> list[str]:
    """The words before the one completed, read as bcc reads them when it runs: the global
    options after the command moved before it (``bcc events --data-dir DIR --country
    Vie<TAB>`` completes from DIR).  A global option still waiting for its value is
    completed as the root's (a folder for --data-dir)."""
    pending = bool(args) and args[-1] in ROOT_VALUE_OPTIONS
    head = args[:-1] if pending else args
    try:
        moved = global_options_first(head)
    except Exception:  # an unfinished line: completed as it stands
        return args
    if not pending:
        return moved
    command = _command_index(moved)
    return [*(moved if command is None else moved[:command]), args[-1]]


def _command_index(words: Sequence[str]) -> int | None:
    n = 0
    while n < len(words):
        word = words[n]
        if word == "--":
            return n + 1 if n + 1 < len(words) else None
        if word in ROOT_VALUE_OPTIONS:
            n += 2
            continue
        if not word.startswith("-"):
            return n
        n += 1
    return None


def _command_word(words: Sequence[str]) -> str | None:
    """The first word after the root options (the command, if it names one)."""
    n = _command_index(words)
    return None if n is None else words[n]


def _words() -> list[str]:
    """The words bcc is run with; for shell completion, those before the one completed."""
    if "_BCC_COMPLETE" not in os.environ:
        return sys.argv[1:]
    try:  # as Click reads them (split roughly: only an exact command name prunes)
        return os.environ["COMP_WORDS"].split()[1 : int(os.environ["COMP_CWORD"])]
    except (KeyError, ValueError):
        return []


def only_invoked(words: Sequence[str]) -> None:
    """Keep in ``app`` only the command the words invoke, when they name one.

    Typer turns every command's parameters into Click objects at each start
    (~15 ms for 19 commands, 1x `python -c pass`); one is enough to run it. Its
    usage errors, help and completions are the same. Anything else (no command,
    a typo, the root's own --help) keeps them all.
    """
    from typer.main import get_command_name

    name = _command_word(words)
    if name is None:
        return
    commands = [
        c
        for c in app.registered_commands
        if (c.name or get_command_name(c.callback.__name__)) == name  # type: ignore[union-attr]
    ]
    groups = [g for g in app.registered_groups if g.name == name]
    if commands or groups:
        app.registered_commands, app.registered_groups = commands, groups
