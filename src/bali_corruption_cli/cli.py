"""The bcc command line: options and commands only.

Each command is load -> query -> render.  Errors of every kind are turned into
a one-line message on stderr and a documented exit code by ``BccGroup.main``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from bali_corruption_cli import __version__, layout, query, render, vocab
from bali_corruption_cli.catalog import Catalog, Record
from bali_corruption_cli.errors import EXIT_INTERRUPTED, EXIT_USAGE, BccError, UsageError
from bali_corruption_cli.render import ColorMode, OutputFormat

EXIT_BROKEN_PIPE = 141
EXIT_INTERNAL = 70


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
        from typer._click import exceptions as click_exc

        render.prepare_streams()
        code = 0
        try:
            result = super().main(args, prog_name or "bcc", complete_var, standalone_mode=False, **extra)
            code = result if isinstance(result, int) else 0
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
                code = 1
        except RecursionError:
            render.error("input nested too deeply")
            code = EXIT_USAGE
        except Exception as exc:  # the last line of defence: never a traceback
            render.error(f"internal error: {type(exc).__name__}: {exc} (please report this)")
            code = EXIT_INTERNAL
        try:
            sys.stdout.flush()
        except (BrokenPipeError, OSError):
            code = _closed_pipe()
        if standalone_mode:
            sys.exit(code)
        return code


def _closed_pipe() -> int:
    """stdout was closed early (``bcc events | head -1``): stop quietly."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
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
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print bcc's version and exit."),
    ] = False,
) -> None:
    render.configure(color)
    if not overlays:
        env = os.environ.get("BCC_WITH", "")
        overlays = [Path(p) for p in env.split(os.pathsep) if p]
    ctx.obj = {"data_dir": data_dir, "overlays": overlays}


def _catalog(ctx: typer.Context) -> Catalog:
    from bali_corruption_cli import catalog

    obj = ctx.find_root().obj or {}
    return catalog.load(obj.get("data_dir"), obj.get("overlays") or ())


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
JsonOpt = Annotated[bool, typer.Option("--json", help="Print a JSON array (same as --format json).")]
FieldsOpt = Annotated[
    str | None,
    typer.Option("--fields", help="Comma-separated fields to show, e.g. id,title.", metavar="A,B"),
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


def _emit(
    catalog: Catalog,
    collection: str,
    records: list[Record],
    fmt: OutputFormat | None,
    as_json: bool,
    fields: str | None,
) -> None:
    if as_json and fmt not in (None, OutputFormat.json):
        raise UsageError(f"--json and --format {fmt.value if fmt else ''} ask for different formats; use one")
    chosen = OutputFormat.json if as_json else (fmt or OutputFormat.table)
    wanted = query.parse_fields(fields)
    valid = catalog.fields[collection]
    records = query.select_fields(records, wanted, valid)
    if wanted:
        columns: Sequence[str] = wanted
    elif chosen == OutputFormat.table or chosen == OutputFormat.markdown:
        columns = layout.COLLECTIONS[collection][1]
    else:
        columns = valid
    render.emit_records(records, chosen, columns, collection)


def _option(name: str, help_text: str, metavar: str) -> Any:
    return typer.Option(f"--{name}", help=help_text + " Repeat for OR.", metavar=metavar)


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
) -> None:
    """List promising practices against corruption.

    \b
    Examples:
      bcc practices --sector private
      bcc practices --theme whistleblower-protection --json
      bcc practices --stage recruitment --fields id,title
    """
    cat = _catalog(ctx)
    records = query.filter_records(
        cat.records("practices"),
        sectors=query.sector_choices().resolve_all(sector),
        themes=query.theme_choices().resolve_all(theme),
        stages=query.record_choices(cat, "stages", "stage", "title").resolve_all(stage),
        origin_event=query.record_choices(cat, "events", "event", "title").resolve_all(event),
    )
    records = [r for r in records if query.text_matches(r, search or ())]
    _emit(cat, "practices", records, fmt, as_json, fields)


@app.command()
def events(
    ctx: typer.Context,
    country: Annotated[
        list[str] | None, _option("country", "Country or region: name, alias or ISO code.", "C")
    ] = None,
    kind: Annotated[
        list[str] | None,
        _option("kind", "regional-conference, national-roundtable, report-launch, meeting.", "K"),
    ] = None,
    year: Annotated[list[int] | None, _option("year", "Year of the event.", "Y")] = None,
    host: Annotated[
        list[str] | None, _option("host", "Host organisation (id, name or acronym).", "ORG")
    ] = None,
    search: SearchOpt = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
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
    records = [r for r in records if query.text_matches(r, search or ())]
    _emit(cat, "events", records, fmt, as_json, fields)


@app.command()
def stakeholders(
    ctx: typer.Context,
    sector: Annotated[
        list[str] | None, _option("sector", "Sector, e.g. government, international.", "S")
    ] = None,
    country: Annotated[list[str] | None, _option("country", "Country: name, alias or ISO code.", "C")] = None,
    kind: Annotated[list[str] | None, _option("kind", "organisation, person or group.", "K")] = None,
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
    records = [r for r in records if query.text_matches(r, search or ())]
    _emit(cat, "stakeholders", records, fmt, as_json, fields)


@app.command()
def recommendations(
    ctx: typer.Context,
    kind: Annotated[list[str] | None, _option("kind", "next-step or call.", "K")] = None,
    theme: Annotated[list[str] | None, _option("theme", "Theme, e.g. legislation.", "T")] = None,
    by: Annotated[list[str] | None, _option("by", "Who made it (stakeholder id or name).", "WHO")] = None,
    search: SearchOpt = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
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
    records = [r for r in records if query.text_matches(r, search or ())]
    _emit(cat, "recommendations", records, fmt, as_json, fields)


@app.command()
def stages(
    ctx: typer.Context,
    search: SearchOpt = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
) -> None:
    """List where corruption enters the chain, from recruitment to the courts.

    \b
    Examples:
      bcc stages
      bcc stages --json | jq -r '.[].title'
    """
    cat = _catalog(ctx)
    records = sorted(cat.records("stages"), key=lambda r: r["order"])
    records = [r for r in records if query.text_matches(r, search or ())]
    _emit(cat, "stages", records, fmt, as_json, fields)


@app.command()
def sources(
    ctx: typer.Context,
    kind: Annotated[
        list[str] | None, _option("kind", "article, news, story, press-release or report.", "K")
    ] = None,
    search: SearchOpt = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
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
    records = [r for r in records if query.text_matches(r, search or ())]
    _emit(cat, "sources", records, fmt, as_json, fields)


@app.command()
def quotes(
    ctx: typer.Context,
    speaker: Annotated[list[str] | None, _option("speaker", "Speaker (id or name).", "WHO")] = None,
    event: Annotated[list[str] | None, _option("event", "Event (id or title).", "E")] = None,
    kind: Annotated[list[str] | None, _option("kind", "direct or paraphrase.", "K")] = None,
    search: SearchOpt = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
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
    records = [r for r in records if query.text_matches(r, search or ())]
    _emit(cat, "quotes", records, fmt, as_json, fields)


@app.command()
def findings(
    ctx: typer.Context,
    stage: Annotated[list[str] | None, _option("stage", "Stage of the chain (id or title).", "ST")] = None,
    search: SearchOpt = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
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
    records = [r for r in records if query.text_matches(r, search or ())]
    _emit(cat, "findings", records, fmt, as_json, fields)


@app.command()
def countries(
    ctx: typer.Context,
    kind: Annotated[list[str] | None, _option("kind", "country or region.", "K")] = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
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
    _emit(cat, "countries", records, fmt, as_json, fields)


# Commands that live in their own modules register themselves on ``app``.
from bali_corruption_cli import cli_maintain  # noqa: E402, F401


def main() -> None:
    """Console-script entry point."""
    app()
