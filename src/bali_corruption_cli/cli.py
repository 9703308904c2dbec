"""The bcc command line: options and commands only.

Each command is load -> query -> render.  Errors of every kind are turned into
a one-line message on stderr and a documented exit code by ``BccGroup.main``.
"""

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from bali_corruption_cli import __version__, layout, query, render, vocab
from bali_corruption_cli.errors import (
    EXIT_BROKEN_PIPE,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_IO,
    EXIT_USAGE,
    BccError,
    UsageError,
)
from bali_corruption_cli.render import ColorMode, DocumentFormat, OutputFormat
from bali_corruption_cli.screen import Layout

if TYPE_CHECKING:  # the loader is imported when a command loads the catalogue, not for --help
    from bali_corruption_cli.catalog import Catalog, Record


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
            from bali_corruption_cli import shells

            os.environ[complete_var] = shells.instruction(os.environ[complete_var])
            shells.register()
        try:
            # Typer's main() is not used: it would turn Ctrl-C into a silent exit
            # 130 and a closed stdout into a silent exit 1.  Its steps, our handlers:
            self._main_shell_completion(extra, prog_name, complete_var)
            argv = global_options_first(sys.argv[1:] if args is None else list(args))
            with self.make_context(prog_name, argv, **extra) as ctx:
                result = self.invoke(ctx)
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
                render.error(f"cannot write output: {getattr(exc, 'strerror', None) or exc}")
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
        ColorMode,
        typer.Option(
            "--color", help="Colour in tables: auto (terminal only, honours NO_COLOR), always, never."
        ),
    ] = ColorMode.auto,
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
    from bali_corruption_cli import env

    render.configure(color)
    env.check()  # every BCC_* variable, strictly: a bad value is exit 2
    from bali_corruption_cli import screen

    screen.configure(color=color.value, pager=not no_pager, layout=layout_mode)
    if not overlays:
        overlays = env.overlays()
    ctx.obj = {"data_dir": data_dir, "overlays": overlays}


# The catalogue last loaded, kept until the process ends: freed when a command
# returned, 100,000 records took some 0.2 s to free object by object, after the
# answer was written (the console script ends with os._exit, without that teardown).
_loaded: "list[Catalog]" = []


def _catalog(ctx: typer.Context) -> "Catalog":
    from bali_corruption_cli import catalog

    obj = ctx.find_root().obj or {}
    loaded = catalog.load(obj.get("data_dir"), obj.get("overlays") or (), progress=render.slow_work)
    _loaded[:] = [loaded]
    return loaded


# ---------------------------------------------------------------- shared options

FormatOpt = Annotated[
    OutputFormat | None,
    typer.Option(
        "--format",
        "-f",
        case_sensitive=False,
        help="Output format (default: table).",
    ),
]
DocFormatOpt = Annotated[
    DocumentFormat | None,
    typer.Option(
        "--format",
        "-f",
        case_sensitive=False,
        help="Output format (default: the terminal view); markdown is a pasteable briefing.",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print a JSON array (same as --format json).")]
WideOpt = Annotated[
    bool, typer.Option("--wide", "-w", help="Show every field in the table, not only the default columns.")
]
# The columns of the commands whose rows are not records of one collection.
SEARCH_FIELDS = ("type", "id", "title", "score", "field", "snippet")
TIMELINE_FIELDS = (
    "id",
    "title",
    "kind",
    "country",
    "city",
    "start_date",
    "end_date",
    "month_day",
    "dated",
    "when",
)
COUNT_FIELDS = ("value", "count")


def _load_for_completion(ctx: typer.Context) -> "Catalog":
    from bali_corruption_cli import catalog

    root = ctx.find_root().params
    return catalog.load(root.get("data_dir"), root.get("overlays") or (), progress=render.slow_work)


def _field_names(ctx: typer.Context) -> list[str]:
    """The fields --fields may name for the command being completed."""
    command = ctx.info_name or ""
    fixed = {"search": SEARCH_FIELDS, "timeline": TIMELINE_FIELDS, "count": COUNT_FIELDS}
    if command in fixed:
        return list(fixed[command])
    return list(_load_for_completion(ctx).fields.get(command, ()))


def _complete_fields(ctx: typer.Context, incomplete: str) -> list[str]:
    """--fields: the field names, after a comma too ("id,ti" -> "id,title")."""
    try:
        done, _, last = incomplete.rpartition(",")
        head = done + "," if done else ""
        chosen = set(done.split(",")) if done else set()
        names = [f for f in _field_names(ctx) if f not in chosen]
        return [head + f for f in names if f.startswith(last.strip())]
    except Exception:  # completion must never fail loudly
        return []


def _complete_count_by(ctx: typer.Context, incomplete: str) -> list[str]:
    """count --by: the fields of the collection named before it that hold plain values."""
    try:
        from bali_corruption_cli import explore

        # While --by waits for its value Click leaves the words unparsed, in ctx.args.
        words = [ctx.params.get("collection"), *(a for a in ctx.args if not a.startswith("-"))]
        name = explore.resolve_collection(next(str(w) for w in words if w))
        cat = _load_for_completion(ctx)
        records = cat.records(name)

        def plain(value: Any) -> bool:
            items = value if isinstance(value, list) else [value]
            return not any(isinstance(v, (dict, list)) for v in items)

        countable = [f for f in cat.fields[name] if all(plain(r.get(f)) for r in records)]
        return [f for f in countable if f.startswith(incomplete)]
    except Exception:  # no collection yet, or a misspelt one: nothing to offer
        return []


FieldsOpt = Annotated[
    str | None,
    typer.Option(
        "--fields",
        help="Comma-separated fields to show, e.g. id,title.",
        metavar="A,B",
        autocompletion=_complete_fields,
    ),
]
SearchOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--search",
        "-s",
        help="Keep records whose text contains TEXT (case/accent-insensitive).",
        metavar="TEXT",
    ),
]


def _format(fmt: OutputFormat | None, as_json: bool) -> OutputFormat:
    """--json is short for --format json; asking for two different formats is an error."""
    if as_json and fmt not in (None, OutputFormat.json):
        raise UsageError(f"--json and --format {fmt.value if fmt else ''} ask for different formats; use one")
    return OutputFormat.json if as_json else (fmt or OutputFormat.table)


def _emit(
    catalog: "Catalog",
    collection: str,
    records: "list[Record]",
    fmt: OutputFormat | None,
    as_json: bool,
    fields: str | None,
    search: Sequence[str] | None = None,
    wide: bool = False,
) -> None:
    """Apply --search, pick --fields, and print in the chosen format (shared by every list command)."""
    if search:
        records = [r for r in records if query.text_matches(r, search)]
    chosen = _format(fmt, as_json)
    wanted = query.parse_fields(fields)
    valid = catalog.fields[collection]
    if wide and wanted:
        raise UsageError("--wide shows every field; --fields chooses some: use one")
    records = query.select_fields(records, wanted, valid)
    hidden: Sequence[str] = ()
    if wanted:
        columns: Sequence[str] = wanted
    elif chosen in (OutputFormat.table, OutputFormat.markdown) and not wide:
        columns = layout.COLLECTIONS[collection][1]
        if chosen == OutputFormat.markdown and "id" not in columns:  # pasted documents refer by id
            columns = ("id", *columns)
        hidden = [name for name in valid if name not in columns]
        if "date" in layout.DERIVED.get(collection, ()):
            records = [dict(r, date=query.event_date(r)) for r in records]
            hidden = [name for name in hidden if name not in ("start_date", "end_date", "month_day")]
    else:
        columns = valid
    render.emit_records(records, chosen, columns, collection, hidden=hidden)


def _emit_from_cache(
    catalog: "Catalog",
    collection: str,
    conditions: dict[str, set[str]],
    fmt: OutputFormat | None,
    as_json: bool,
    fields: str | None,
    search: Sequence[str] | None,
) -> bool:
    """A --json / jsonl answer straight from the cache's JSON and indexes, when nothing
    else (--fields, --search) needs the records themselves: the same bytes `_emit`
    writes, without decoding a record (100k practices: ~0.35 s less). False if not done."""
    if search or fields:
        return False
    chosen = _format(fmt, as_json)
    if chosen not in (OutputFormat.json, OutputFormat.jsonl) or not render.json_pieces_writable():
        return False
    pieces = catalog.select_json(collection, conditions)
    if pieces is None:
        return False
    render.write_json_pieces(pieces, chosen)
    return True


def _completer(values: Any) -> Any:
    """Shell completion of a filter's valid values; ``values`` takes the catalogue (or None)."""

    def complete(ctx: typer.Context, incomplete: str) -> list[str]:
        try:
            cat = None
            if getattr(values, "needs_catalog", False):
                cat = _load_for_completion(ctx)
            folded = vocab.fold(incomplete)
            return [v for v in values(cat) if vocab.fold(v).startswith(folded)]
        except Exception:  # completion must never fail loudly
            return []

    return complete


def _static(choices: Sequence[str]) -> Any:
    return lambda _cat: list(choices)


def _from_catalog(collection: str, field: str = "id") -> Any:
    def values(cat: "Catalog") -> list[str]:
        return sorted(str(r[field]) for r in cat.records(collection))

    values.needs_catalog = True  # type: ignore[attr-defined]
    return values


def _countries(cat: "Catalog") -> list[str]:
    """The catalogue's countries and regions, then every other ISO 3166-1 country."""
    from bali_corruption_cli import names

    own = [str(r["name"]) for r in cat.records("countries")]
    known = {vocab.fold(n) for n in own}
    return sorted(own) + [n for n in names.iso_country_names() if vocab.fold(n) not in known]


_countries.needs_catalog = True  # type: ignore[attr-defined]

# Every kind of every collection (count --kind: which apply depends on the collection).
_ALL_KINDS = tuple(
    dict.fromkeys(
        (
            *vocab.EVENT_KINDS,
            *vocab.STAKEHOLDER_KINDS,
            *vocab.RECOMMENDATION_KINDS,
            *vocab.SOURCE_KINDS,
            *vocab.QUOTE_KINDS,
            *vocab.COUNTRY_KINDS,
        )
    )
)

_COMPLETE = {
    "sector": _static(vocab.SECTORS),
    "theme": _static(vocab.THEMES),
    "role": _static(vocab.ROLES),
    "country": _countries,
    "stage": _from_catalog("stages"),
    "event": _from_catalog("events"),
    "host": _from_catalog("stakeholders"),
    "speaker": _from_catalog("stakeholders"),
    "by": _from_catalog("stakeholders"),
}


def _option(name: str, help_text: str, metavar: str, kinds: Sequence[str] = (), **extra: Any) -> Any:
    values = _COMPLETE.get(name) or (_static(kinds) if kinds else None)
    return typer.Option(
        f"--{name}",
        help=help_text + " Repeat for OR.",
        metavar=metavar,
        autocompletion=_completer(values) if values else None,
        **extra,
    )


# ---------------------------------------------------------------- list commands


@app.command()
def practices(
    ctx: typer.Context,
    sector: Annotated[list[str] | None, _option("sector", "Sector, e.g. private, government.", "S")] = None,
    theme: Annotated[list[str] | None, _option("theme", "Theme, e.g. due-diligence.", "T")] = None,
    stage: Annotated[list[str] | None, _option("stage", "Stage of the chain it addresses.", "ST")] = None,
    event: Annotated[list[str] | None, _option("event", "Event it came from (id or title).", "E")] = None,
    search: SearchOpt = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    wide: WideOpt = False,
) -> None:
    """List promising practices against corruption.

    \b
    Examples:
      bcc practices --sector private
      bcc practices --theme whistleblower-protection --json
      bcc practices --stage recruitment --fields id,title
    """
    cat = _catalog(ctx)
    conditions = {
        "sectors": query.sector_choices().resolve_all(sector),
        "themes": query.theme_choices().resolve_all(theme),
        "stages": query.record_choices(cat, "stages", "stage", "title").resolve_all(stage),
        "origin_event": query.record_choices(cat, "events", "event", "title").resolve_all(event),
    }
    if _emit_from_cache(cat, "practices", conditions, fmt, as_json, fields, search):
        return
    _emit(
        cat,
        "practices",
        query.filter_records(cat.records("practices"), **conditions),
        fmt,
        as_json,
        fields,
        search,
        wide,
    )


@app.command()
def events(
    ctx: typer.Context,
    country: Annotated[
        list[str] | None, _option("country", "Country or region: name, alias or ISO code.", "C")
    ] = None,
    kind: Annotated[
        list[str] | None,
        _option(
            "kind",
            "regional-conference, national-roundtable, report-launch, meeting.",
            "K",
            vocab.EVENT_KINDS,
        ),
    ] = None,
    year: Annotated[list[int] | None, _option("year", "Year of the event.", "Y", min=1, max=9999)] = None,
    host: Annotated[
        list[str] | None, _option("host", "Host organisation (id, name or acronym).", "ORG")
    ] = None,
    search: SearchOpt = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    wide: WideOpt = False,
) -> None:
    """List the conference, national roundtables, report launch and meetings.

    \b
    Examples:
      bcc events --country Vietnam
      bcc events --kind national-roundtable --fields id,country,city,start_date
      bcc events --host NACC --json
    """
    cat = _catalog(ctx)
    records = query.filter_records(
        cat.records("events"),
        country=query.country_choices(cat).resolve_all(country),
        kind=query.event_kind_choices().resolve_all(kind),
        hosts=query.record_choices(cat, "stakeholders", "host", "name").resolve_all(host),
    )
    years = {str(y) for y in year or ()}
    records = [r for r in records if not years or query.event_years(r) & years]
    _emit(cat, "events", records, fmt, as_json, fields, search, wide)


@app.command()
def stakeholders(
    ctx: typer.Context,
    sector: Annotated[
        list[str] | None, _option("sector", "Sector, e.g. government, international.", "S")
    ] = None,
    country: Annotated[list[str] | None, _option("country", "Country: name, alias or ISO code.", "C")] = None,
    kind: Annotated[
        list[str] | None, _option("kind", "organisation, person or group.", "K", vocab.STAKEHOLDER_KINDS)
    ] = None,
    role: Annotated[
        list[str] | None, _option("role", "Role played, e.g. host, funder, speaker.", "R")
    ] = None,
    event: Annotated[
        list[str] | None, _option("event", "Event they took part in (id or title).", "E")
    ] = None,
    search: SearchOpt = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    wide: WideOpt = False,
) -> None:
    """List organisations, people and delegate groups, with their roles.

    \b
    Examples:
      bcc stakeholders --kind person
      bcc stakeholders --role host --event regional-conference-2023
      bcc stakeholders --country Philippines --json
    """
    cat = _catalog(ctx)
    records = query.filter_records(
        cat.records("stakeholders"),
        sector=query.sector_choices().resolve_all(sector),
        country=query.country_choices(cat).resolve_all(country),
        kind=query.stakeholder_kind_choices().resolve_all(kind),
    )
    roles = query.plain_choices("role", vocab.ROLES).resolve_all(role)
    at = query.record_choices(cat, "events", "event", "title").resolve_all(event)
    if roles or at:
        records = [
            r
            for r in records
            if any((not roles or x["role"] in roles) and (not at or x["event"] in at) for x in r["roles"])
        ]
    _emit(cat, "stakeholders", records, fmt, as_json, fields, search, wide)


@app.command()
def recommendations(
    ctx: typer.Context,
    kind: Annotated[
        list[str] | None, _option("kind", "next-step or call.", "K", vocab.RECOMMENDATION_KINDS)
    ] = None,
    theme: Annotated[list[str] | None, _option("theme", "Theme, e.g. legislation.", "T")] = None,
    by: Annotated[list[str] | None, _option("by", "Who made it (stakeholder id or name).", "WHO")] = None,
    search: SearchOpt = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    wide: WideOpt = False,
) -> None:
    """List the next steps and the calls for action.

    \b
    Examples:
      bcc recommendations
      bcc recommendations --kind call --by "David Scott"
    """
    cat = _catalog(ctx)
    records = query.filter_records(
        cat.records("recommendations"),
        kind=query.Choices(
            "kind",
            {
                k: tuple(a for a, t in vocab.RECOMMENDATION_KIND_ALIASES.items() if t == k)
                for k in vocab.RECOMMENDATION_KINDS
            },
        ).resolve_all(kind),
        themes=query.theme_choices().resolve_all(theme),
        made_by=query.record_choices(cat, "stakeholders", "by", "name").resolve_all(by),
    )
    _emit(cat, "recommendations", records, fmt, as_json, fields, search, wide)


@app.command()
def stages(
    ctx: typer.Context,
    search: SearchOpt = None,
    chain: Annotated[
        bool | None,
        typer.Option(
            "--chain/--no-chain",
            help="Draw the chain with the practices that address each stage "
            "(default on a terminal when no format is given).",
        ),
    ] = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    wide: WideOpt = False,
) -> None:
    """Show where corruption enters the chain, from recruitment to the courts.

    \b
    Examples:
      bcc stages
      bcc stages --chain
      bcc stages --json | jq -r '.[].title'
    """
    cat = _catalog(ctx)
    if chain is None:
        chain = fmt is None and not as_json and not fields and not search and sys.stdout.isatty()
    if chain:
        if fmt not in (None, OutputFormat.table) or as_json or fields:
            raise UsageError("--chain draws a picture; it does not combine with --json, --format or --fields")
        from bali_corruption_cli import explore, render_explore

        render_explore.draw_chain(explore.chain(cat))
        return
    records = sorted(cat.records("stages"), key=lambda r: r["order"])
    _emit(cat, "stages", records, fmt, as_json, fields, search, wide)


@app.command()
def sources(
    ctx: typer.Context,
    kind: Annotated[
        list[str] | None,
        _option("kind", "article, news, story, press-release or report.", "K", vocab.SOURCE_KINDS),
    ] = None,
    search: SearchOpt = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    wide: WideOpt = False,
) -> None:
    """List the publications every record cites.

    \b
    Examples:
      bcc sources
      bcc sources --kind report --fields id,title,url
    """
    cat = _catalog(ctx)
    records = query.filter_records(
        cat.records("sources"), kind=query.plain_choices("kind", vocab.SOURCE_KINDS).resolve_all(kind)
    )
    _emit(cat, "sources", records, fmt, as_json, fields, search, wide)


@app.command()
def quotes(
    ctx: typer.Context,
    speaker: Annotated[list[str] | None, _option("speaker", "Speaker (id or name).", "WHO")] = None,
    event: Annotated[list[str] | None, _option("event", "Event (id or title).", "E")] = None,
    kind: Annotated[
        list[str] | None, _option("kind", "direct or paraphrase.", "K", vocab.QUOTE_KINDS)
    ] = None,
    search: SearchOpt = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    wide: WideOpt = False,
) -> None:
    """List attributed statements: who said what, where.

    \b
    Examples:
      bcc quotes --speaker "David Scott"
      bcc quotes --event regional-conference-2023 --json
    """
    cat = _catalog(ctx)
    records = query.filter_records(
        cat.records("quotes"),
        speaker=query.record_choices(cat, "stakeholders", "speaker", "name").resolve_all(speaker),
        event=query.record_choices(cat, "events", "event", "title").resolve_all(event),
        kind=query.plain_choices("kind", vocab.QUOTE_KINDS).resolve_all(kind),
    )
    _emit(cat, "quotes", records, fmt, as_json, fields, search, wide)


@app.command()
def findings(
    ctx: typer.Context,
    stage: Annotated[list[str] | None, _option("stage", "Stage of the chain (id or title).", "ST")] = None,
    search: SearchOpt = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    wide: WideOpt = False,
) -> None:
    """List findings on how corruption facilitates these crimes.

    \b
    Examples:
      bcc findings
      bcc findings --stage prosecution-and-judicial-processes
    """
    cat = _catalog(ctx)
    records = query.filter_records(
        cat.records("findings"),
        stages=query.record_choices(cat, "stages", "stage", "title").resolve_all(stage),
    )
    _emit(cat, "findings", records, fmt, as_json, fields, search, wide)


@app.command()
def countries(
    ctx: typer.Context,
    kind: Annotated[list[str] | None, _option("kind", "country or region.", "K", vocab.COUNTRY_KINDS)] = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    wide: WideOpt = False,
) -> None:
    """List countries and regions with their ISO codes and accepted spellings.

    \b
    Examples:
      bcc countries
      bcc countries --kind region --json
    """
    cat = _catalog(ctx)
    records = query.filter_records(
        cat.records("countries"), kind=query.plain_choices("kind", vocab.COUNTRY_KINDS).resolve_all(kind)
    )
    _emit(cat, "countries", records, fmt, as_json, fields, wide=wide)


# ---------------------------------------------------------------- exploring


def _machine(fmt: OutputFormat | DocumentFormat | None, as_json: bool) -> OutputFormat | None:
    """The machine format asked for, or None for the terminal view."""
    chosen = _format(None if fmt is None else OutputFormat(fmt.value), as_json)
    return None if chosen == OutputFormat.table else chosen


def _wrote_document(document: Any, fmt: DocumentFormat | None, as_json: bool, command: str) -> bool:
    """Write a nested document (show, summary) as JSON, YAML or Markdown if asked; False for
    the terminal view."""
    machine = _machine(fmt, as_json)
    if machine is None:
        return False
    if machine == OutputFormat.markdown:
        from bali_corruption_cli import render_markdown

        render.write(getattr(render_markdown, command)(document))
        return True
    if machine not in (OutputFormat.json, OutputFormat.yaml):
        raise UsageError(f"{command} prints one document: use --json, --format yaml or --format markdown")
    render.write(render.document_as(document, machine))
    return True


@app.command("search")
def search_command(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="Words to look for (typos and accents are forgiven).")],
    types: Annotated[
        list[str] | None,
        typer.Option(
            "--type", "-t", help="Only these record types, e.g. practice, event. Repeat for OR.", metavar="T"
        ),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Show at most N results.")] = 20,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
) -> None:
    """Search every collection at once, best matches first.

    \b
    Examples:
      bcc search whistleblower
      bcc search NACC --type stakeholder
      bcc search "border officers" --json
      bcc search bribery --fields type,id,title
    """
    from bali_corruption_cli import explore

    cat = _catalog(ctx)
    hits = [h.as_dict() for h in explore.search(cat, text, explore.resolve_types(types))][:limit]
    machine = _machine(fmt, as_json)
    if fields is not None or machine is not None:
        columns = query.parse_fields(fields) or list(SEARCH_FIELDS)
        hits = query.select_fields(hits, columns, SEARCH_FIELDS)
        if machine is not None:
            render.write(render.records_as(hits, machine, columns))
        else:
            render.emit_records(hits, OutputFormat.table, columns, "search results")
        return
    if not hits:
        render.note(f"nothing matches {text!r}")
        return
    from bali_corruption_cli import render_explore

    render_explore.draw_search(hits, lambda s: explore.match_spans(s, text))


def _all_ids(cat: "Catalog") -> list[str]:
    return sorted(cat.index)


_all_ids.needs_catalog = True  # type: ignore[attr-defined]
_complete_id = _completer(_all_ids)


@app.command()
def show(
    ctx: typer.Context,
    record_id: Annotated[
        str, typer.Argument(metavar="ID", help="Any record id.", autocompletion=_complete_id)
    ],
    fmt: DocFormatOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show one record whole, with its links both ways, its sources and caveats.

    \b
    Examples:
      bcc show roundtable-philippines
      bcc show border-officer-screening-guidelines --json
    """
    from bali_corruption_cli import explore

    view = explore.show(_catalog(ctx), record_id)
    if _wrote_document(view, fmt, as_json, "show"):
        return
    from bali_corruption_cli import render_explore

    render_explore.draw_show(view)


@app.command()
def summary(
    ctx: typer.Context,
    fmt: DocFormatOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """One screen that says what this is: conference, roundtables, practices, stages, sources.

    \b
    Examples:
      bcc summary
      bcc summary --json | jq .practices_by_sector
    """
    from bali_corruption_cli import explore

    figures = explore.summary(_catalog(ctx))
    if _wrote_document(figures, fmt, as_json, "summary"):
        return
    from bali_corruption_cli import render_explore

    render_explore.draw_summary(figures)


@app.command("count")
def count_command(
    ctx: typer.Context,
    collection: Annotated[str, typer.Argument(help="practices, events, stakeholders, ...")],
    by: Annotated[
        str,
        typer.Option(
            "--by",
            help="The field to count by, e.g. sectors.",
            metavar="FIELD",
            autocompletion=_complete_count_by,
        ),
    ],
    sector: Annotated[list[str] | None, _option("sector", "Sector (practices, stakeholders).", "S")] = None,
    theme: Annotated[list[str] | None, _option("theme", "Theme (practices, recommendations).", "T")] = None,
    stage: Annotated[list[str] | None, _option("stage", "Stage (practices, findings).", "ST")] = None,
    event: Annotated[
        list[str] | None, _option("event", "Event (practices, stakeholders, quotes).", "E")
    ] = None,
    country: Annotated[
        list[str] | None, _option("country", "Country or region (events, stakeholders).", "C")
    ] = None,
    kind: Annotated[
        list[str] | None, _option("kind", "Kind of record (as in the list commands).", "K", _ALL_KINDS)
    ] = None,
    year: Annotated[list[int] | None, _option("year", "Year (events).", "Y", min=1, max=9999)] = None,
    host: Annotated[list[str] | None, _option("host", "Host organisation (events).", "ORG")] = None,
    role: Annotated[list[str] | None, _option("role", "Role played (stakeholders).", "R")] = None,
    speaker: Annotated[list[str] | None, _option("speaker", "Speaker (quotes).", "WHO")] = None,
    search: SearchOpt = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
) -> None:
    """Count records by the values of one field, most common first.

    The filters are those of the collection's list command (bcc practices --help...).

    \b
    Examples:
      bcc count practices --by sectors
      bcc count events --by country --format csv
      bcc count practices --by themes --sector private
    """
    from bali_corruption_cli import explore

    cat = _catalog(ctx)
    name = explore.resolve_collection(collection)
    filters = {
        "sector": sector,
        "theme": theme,
        "stage": stage,
        "event": event,
        "country": country,
        "kind": kind,
        "year": year,
        "host": host,
        "role": role,
        "speaker": speaker,
    }
    records = query.filter_collection(cat, name, filters)
    if search:
        records = [r for r in records if query.text_matches(r, search)]
    rows = explore.count(cat, name, by, records)
    chosen = _format(fmt, as_json)
    columns = query.parse_fields(fields) or ["value", "count"]
    rows = query.select_fields(rows, columns, ["value", "count"])
    if chosen == OutputFormat.table:  # people read "(none)"; machine formats get null
        rows = [dict(r, value="(none)") if "value" in r and r["value"] is None else r for r in rows]
    render.emit_records(rows, chosen, columns, f"values of {name}.{by}")


@app.command()
def timeline(
    ctx: typer.Context,
    country: Annotated[
        list[str] | None, _option("country", "Country or region: name, alias or ISO code.", "C")
    ] = None,
    kind: Annotated[
        list[str] | None,
        _option(
            "kind",
            "regional-conference, national-roundtable, report-launch, meeting.",
            "K",
            vocab.EVENT_KINDS,
        ),
    ] = None,
    year: Annotated[list[int] | None, _option("year", "Year of the event.", "Y", min=1, max=9999)] = None,
    host: Annotated[
        list[str] | None, _option("host", "Host organisation (id, name or acronym).", "ORG")
    ] = None,
    search: SearchOpt = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
) -> None:
    """List events in date order; undated events follow, marked as such.

    Takes the filters of bcc events.

    \b
    Examples:
      bcc timeline
      bcc timeline --country Philippines --year 2023
      bcc timeline --json | jq -r '.[] | select(.dated) | .when'
    """
    from bali_corruption_cli import explore

    cat = _catalog(ctx)
    filters = {"country": country, "kind": kind, "year": year, "host": host}
    events = query.filter_collection(cat, "events", filters)
    if search:
        events = [e for e in events if query.text_matches(e, search)]
    rows = explore.timeline(cat, events)
    machine = _machine(fmt, as_json)
    if fields is not None or machine is not None:
        columns = query.parse_fields(fields) or list(TIMELINE_FIELDS)
        rows = query.select_fields(rows, columns, TIMELINE_FIELDS)
        if machine is not None:
            render.write(render.records_as(rows, machine, columns))
        else:
            render.emit_records(rows, OutputFormat.table, columns, "events")
        return
    if not rows and (country or kind or year or host or search):  # filtered down to nothing
        render.note("no events match")
        return
    from bali_corruption_cli import render_explore

    render_explore.draw_timeline(rows)


@app.command()
def cite(
    ctx: typer.Context,
    record_id: Annotated[
        str, typer.Argument(metavar="ID", help="Any record id.", autocompletion=_complete_id)
    ],
    style: Annotated[
        str,
        typer.Option(
            "--style", help="apa, bibtex or plain.", autocompletion=lambda: ["apa", "bibtex", "plain"]
        ),
    ] = "apa",
    as_json: JsonOpt = False,
) -> None:
    """Print a ready citation of the source(s) behind a record.

    \b
    Examples:
      bcc cite border-officer-screening-guidelines
      bcc cite regional-conference-2023 --style bibtex >> refs.bib
    """
    from bali_corruption_cli import explore

    chosen = query.plain_choices("style", explore.CITE_STYLES).resolve(style)
    cites = explore.cite(_catalog(ctx), record_id, chosen)
    if as_json:
        render.write(render.records_as(cites, OutputFormat.json, ["source", "at", "style", "citation"]))
        return
    from bali_corruption_cli import render_explore

    render_explore.draw_citations(cites)


_SHELL_NAMES = ("bash", "zsh", "fish", "powershell")


@app.command("completion")
def completion_command(
    shell: Annotated[
        str,
        typer.Argument(
            metavar="SHELL",
            help="bash, zsh, fish or powershell.",
            autocompletion=lambda: list(_SHELL_NAMES),
        ),
    ],
) -> None:
    """Print the shell completion script for SHELL (whichever shell runs bcc).

    \b
    Examples:
      bcc completion bash > ~/.local/share/bash-completion/completions/bcc
      bcc completion zsh > "${fpath[1]}/_bcc"
      bcc completion fish > ~/.config/fish/completions/bcc.fish
      bcc completion powershell >> $PROFILE
    """
    from bali_corruption_cli import shells

    chosen = query.plain_choices("shell", _SHELL_NAMES).resolve(shell)
    render.write(shells.script(chosen))


@app.command()
def report(
    ctx: typer.Context,
    path: Annotated[
        str,
        typer.Argument(
            metavar="[PATH]",
            help="HTML file to write (default: bcc-report.html; '-' for stdout).",
            show_default=False,
        ),
    ] = "bcc-report.html",
    force: Annotated[bool, typer.Option("--force", help="Replace PATH if it already exists.")] = False,
    country: Annotated[
        list[str] | None, _option("country", "Country or region: name, alias or ISO code.", "C")
    ] = None,
    sector: Annotated[list[str] | None, _option("sector", "Sector, e.g. private, government.", "S")] = None,
    theme: Annotated[list[str] | None, _option("theme", "Theme, e.g. due-diligence.", "T")] = None,
    stage: Annotated[list[str] | None, _option("stage", "Stage of the chain (id or title).", "ST")] = None,
    kind: Annotated[
        list[str] | None,
        _option(
            "kind",
            "Kind of any record, e.g. national-roundtable, person.",
            "K",
            (
                *vocab.EVENT_KINDS,
                *vocab.STAKEHOLDER_KINDS,
                *vocab.RECOMMENDATION_KINDS,
                *vocab.QUOTE_KINDS,
                *vocab.SOURCE_KINDS,
                *vocab.COUNTRY_KINDS,
            ),
        ),
    ] = None,
    search: SearchOpt = None,
) -> None:
    """Write a self-contained HTML briefing to read, search and print in a browser.

    The filters narrow the collections that have their field; other records stay
    when they are linked to a chosen one. Never overwrites without --force.

    \b
    Examples:
      bcc report
      bcc report philippines.html --country Philippines
      bcc report --sector private - > private-sector.html
    """
    from bali_corruption_cli import report as html_report
    from bali_corruption_cli import report_select

    target = None if path == "-" else Path(path)
    if target is not None:
        html_report.check_target(target, force)
    cat = _catalog(ctx)
    conditions = {
        "country": query.country_choices(cat).resolve_all(country),
        "sector": query.sector_choices().resolve_all(sector),
        "theme": query.theme_choices().resolve_all(theme),
        "stage": query.record_choices(cat, "stages", "stage", "title").resolve_all(stage),
        "kind": report_select.kind_choices().resolve_all(kind),
    }
    scope = [f"{name} {' or '.join(sorted(v))}" for name, v in conditions.items() if v]
    scope += [f"text containing {' and '.join(repr(s) for s in search or ())}"] if search else []
    obj = ctx.find_root().obj or {}
    digest = html_report.catalogue_hash(obj.get("data_dir"), obj.get("overlays") or ())
    data = html_report.page(cat, conditions, search or (), scope, digest)
    text = html_report.html(data)
    if target is None:
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is not None:
            sys.stdout.flush()
            buffer.write(text.encode("utf-8"))
        else:
            render.write(text)
        return
    html_report.write(target, text)
    render.note(f"wrote {target} ({data['total']} records); open it in a browser")


# Commands that live in their own modules register themselves on ``app``.
from bali_corruption_cli import cli_maintain  # noqa: E402, F401

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
            if "=" not in word and n + 1 < len(words):
                n += 1
                moved.append(words[n])
        else:
            rest.append(word)
        n += 1
    return [*words[:command], *moved, words[command], *rest]


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


def main() -> None:
    """Console-script entry point."""
    only_invoked(_words())
    app()
