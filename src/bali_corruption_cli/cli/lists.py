"""The list commands, one per collection, made from the filter table in filters.py."""

import sys
from typing import Annotated, Any

import typer

from bali_corruption_cli.cli import emit
from bali_corruption_cli.cli.app import _catalog, app
from bali_corruption_cli.cli.options import (
    FieldsOpt,
    FormatOpt,
    JsonOpt,
    LimitOpt,
    ReverseOpt,
    SearchOpt,
    SortOpt,
    WideOpt,
    described_fields,
    filter_options,
)
from bali_corruption_cli.core.errors import UsageError
from bali_corruption_cli.model import layout
from bali_corruption_cli.output.render import OutputFormat
from bali_corruption_cli.query import filters
from bali_corruption_cli.query.ordering import Ordering

# Each list command's help: one line of purpose, then examples.
DOCS = {
    "practices": """List promising practices against corruption.

    \b
    Examples:
      bcc practices --sector private
      bcc practices --theme whistleblower-protection --json
      bcc practices --stage recruitment --fields id,title
    """,
    "events": """List the conference, national roundtables, report release and meetings.

    \b
    Examples:
      bcc events --country Vietnam
      bcc events --kind national-roundtable --fields id,country,city,start_date
      bcc events --host NACC --json
    """,
    "stakeholders": """List organisations, people and delegate groups, with their roles.

    \b
    Examples:
      bcc stakeholders --kind person
      bcc stakeholders --role host --event regional-conference-2023
      bcc stakeholders --country Philippines --json
    """,
    "recommendations": """List the next steps and the calls for action.

    \b
    Examples:
      bcc recommendations
      bcc recommendations --kind call --by "David Scott"
    """,
    "sources": """List the publications every record cites.

    \b
    Examples:
      bcc sources
      bcc sources --kind report --fields id,title,url
    """,
    "quotes": """List attributed statements: who said what, where.

    \b
    Examples:
      bcc quotes --speaker "David Scott"
      bcc quotes --event regional-conference-2023 --json
    """,
    "findings": """List findings on how corruption facilitates these crimes.

    \b
    Examples:
      bcc findings
      bcc findings --stage prosecution-and-judicial-processes
    """,
    "countries": """List countries and regions with their ISO codes and accepted spellings.

    \b
    Examples:
      bcc countries
      bcc countries --kind region --json
    """,
}


def _list_command(collection: str) -> None:
    def command(
        ctx: typer.Context,
        search: SearchOpt = None,
        fmt: FormatOpt = None,
        as_json: JsonOpt = False,
        fields: FieldsOpt = None,
        wide: WideOpt = False,
        sort: SortOpt = None,
        reverse: ReverseOpt = False,
        limit: LimitOpt = None,
        **given: Any,
    ) -> None:
        if emit.fields_listed(fields, lambda: described_fields(collection), fmt, as_json):
            return
        cat = _catalog(ctx)
        chosen = filters.choose(cat, collection, given)
        found = cat.select(
            collection,
            filters.index_conditions(chosen),
            search,
            filters.decider(cat, collection, chosen, search),
        )
        emit.records(cat, found, fmt, as_json, fields, wide, Ordering(sort, reverse, limit))

    command.__name__ = command.__qualname__ = collection
    command.__doc__ = DOCS[collection]
    app.command(collection)(filter_options(filters.FILTERS[collection])(command))


for _name in ("practices", "events", "stakeholders", "recommendations"):
    _list_command(_name)


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
    sort: SortOpt = None,
    reverse: ReverseOpt = False,
    limit: LimitOpt = None,
) -> None:
    """Show where corruption enters the chain, from recruitment to the courts.

    \b
    Examples:
      bcc stages
      bcc stages --chain
      bcc stages --json | jq -r '.[].title'
    """
    if emit.fields_listed(fields, lambda: described_fields("stages"), fmt, as_json):
        return
    cat = _catalog(ctx)
    order = Ordering(sort, reverse, limit)
    if chain is None:
        chain = (
            fmt is None and not as_json and not fields and not search and not order and sys.stdout.isatty()
        )
    if chain:
        if fmt not in (None, OutputFormat.table) or as_json or fields or order:
            raise UsageError(
                "--chain draws a picture; it does not combine with --json, --format, --fields, "
                "--sort, --reverse or --limit"
            )
        from bali_corruption_cli.output import render_explore
        from bali_corruption_cli.query import evidence, explore

        render_explore.draw_chain(explore.chain(cat), evidence.BASIS_LEGEND)
        return
    chosen = filters.decider(cat, "stages", {}, search)
    found = cat.select(
        "stages",
        {},
        search,
        lambda records: sorted(chosen(records) if chosen else records, key=lambda r: r["order"]),
    )
    emit.records(cat, found, fmt, as_json, fields, wide, order)


for _name in ("sources", "quotes", "findings", "countries"):
    _list_command(_name)


# The commands whose rows `bcc fields` describes besides the collections.
_ROWS_OF = ("timeline", "count", "search")


@app.command("fields")
def fields_command(
    what: Annotated[
        str,
        typer.Argument(
            metavar="COLLECTION",
            help="A collection (practices, events, ...), or timeline, count or search.",
            autocompletion=lambda: [*layout.COLLECTIONS, *_ROWS_OF],
        ),
    ],
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List a collection's fields, each with its meaning.

    These are the names --fields, --sort and count --by take.

    \b
    Examples:
      bcc fields practices
      bcc fields events --json | jq -r '.[].field'
    """
    name = what.strip().lower()
    if name not in _ROWS_OF:
        from bali_corruption_cli.model import schemas

        try:
            name = schemas.collection_name(what)
        except UsageError as exc:
            raise UsageError(f"{exc.message}, or the rows of {', '.join(_ROWS_OF)}") from None
    emit.write_fields(described_fields(name), fmt, as_json)
