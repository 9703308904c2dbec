"""The options every list-like command shares, declared once, and shell completion of values.

Filter options are made from the table in filters.py (``filter_options``); the
output options (``--format``, ``--json``, ``--fields``, ``--wide``, ``--search``)
are type aliases used as they are.
"""

import inspect
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer._click import types as click_types

from bali_corruption_cli.model import vocab
from bali_corruption_cli.output import render
from bali_corruption_cli.output.render import DocumentFormat, OutputFormat
from bali_corruption_cli.query import filters

if TYPE_CHECKING:
    from bali_corruption_cli.catalog import Catalog

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
# What each of those columns means (the timeline's others are the events' own fields).
FIXED_FIELD_HELP: dict[str, dict[str, str]] = {
    "search": {
        "type": "The kind of record (practice, event, stakeholder, ...).",
        "id": "The record's id.",
        "title": "The record's title or name.",
        "score": "How well the record matches (higher first).",
        "field": "The field the best match is in.",
        "snippet": "The matched text in context.",
    },
    "timeline": {
        "dated": "True when a source gives the event's first day.",
        "when": "The date for people, or 'undated'.",
    },
    "count": {
        "value": "A value of the field counted (null: records without one).",
        "count": "How many records hold the value.",
    },
}


def described_fields(command: str) -> dict[str, str]:
    """The fields a command's rows have, each with its meaning (``--fields ?``, ``bcc fields``)."""
    from bali_corruption_cli.model import schemas

    if command == "timeline":
        events = schemas.field_descriptions("events")
        fixed = FIXED_FIELD_HELP["timeline"]
        return {name: fixed.get(name) or events[name] for name in TIMELINE_FIELDS}
    if command in FIXED_FIELD_HELP:
        return dict(FIXED_FIELD_HELP[command])
    return schemas.field_descriptions(command)


def _load_for_completion(ctx: typer.Context) -> "Catalog":
    """The catalogue the command line names, as the command itself would load it: --data-dir
    (or BCC_DATA_DIR) and --with (or BCC_WITH).  While completing, the root callback does not
    run and Click hands the options' values over as text."""
    from pathlib import Path

    from bali_corruption_cli import catalog
    from bali_corruption_cli.cli.app import table_display
    from bali_corruption_cli.core import env

    root = ctx.find_root().params
    data_dir = root.get("data_dir") or None
    overlays = [Path(p) for p in root.get("overlays") or ()] or env.overlays()
    return catalog.load(
        None if data_dir is None else Path(data_dir),
        overlays,
        progress=render.slow_work,
        display=table_display,
    )


def _field_names(ctx: typer.Context) -> list[str]:
    """The fields --fields may name for the command being completed."""
    command = ctx.info_name or ""
    fixed = {"search": SEARCH_FIELDS, "timeline": TIMELINE_FIELDS, "count": COUNT_FIELDS}
    if command in fixed:
        return list(fixed[command])
    return list(_load_for_completion(ctx).fields.get(command, ()))


def _complete_sort(ctx: typer.Context, incomplete: str) -> list[str]:
    """--sort: one field name."""
    try:
        return [f for f in _field_names(ctx) if f.startswith(incomplete)]
    except Exception:  # completion must never fail loudly
        return []


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
        from bali_corruption_cli.query import explore

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
        help="Comma-separated fields to show, e.g. id,title; 'all' for every field; '?' lists them "
        "with their meaning.",
        metavar="A,B",
        autocompletion=_complete_fields,
    ),
]
SortOpt = Annotated[
    str | None,
    typer.Option(
        "--sort",
        help="Sort by FIELD (any field --fields takes; stable; empty values last).",
        metavar="FIELD",
        autocompletion=_complete_sort,
    ),
]
ReverseOpt = Annotated[
    bool, typer.Option("--reverse", help="Reverse the order (the --sort order, or the default one).")
]
LimitOpt = Annotated[
    int | None, typer.Option("--limit", "-n", min=1, help="Show at most N rows (after --sort).", metavar="N")
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


class FilterValue(click_types.StringParamType):
    """A filter's value: text, completed by `filters.completion_candidates`.

    Completion through the type, not Typer's ``autocompletion``: Typer keeps only the
    candidates that begin with the typed text as typed, and a record matched by a word of
    its name (``--speaker McA`` -> ``marika-mcadam``) or in another case does not."""

    def __init__(self, f: filters.Filter) -> None:
        self.filter = f

    def shell_complete(self, ctx: Any, param: Any, incomplete: str) -> list[Any]:
        from typer._click.shell_completion import CompletionItem

        try:
            cat = _load_for_completion(ctx) if filters.needs_catalog(self.filter) else None
            return [CompletionItem(v) for v in filters.completion_candidates(self.filter, cat, incomplete)]
        except Exception:  # completion must never fail loudly
            return []


def valid_values(f: filters.Filter) -> str:
    """A vocabulary option's valid values, for its help (other filters take names from the data)."""
    kind, _, name = f.values.partition(":")
    if kind != "vocab":
        return ""
    values = filters.VOCABULARIES[name]
    if all(v in f.help for v in values):  # the help already names each
        return ""
    return f" Values: {', '.join(values)}."


def filter_option(f: filters.Filter, help_text: str | None = None) -> Any:
    """The ``--option`` of one filter of the table (repeatable: OR), with its completion."""
    year = f.values == "year"
    extra: dict[str, Any] = {"min": 1, "max": 9999} if year else {"click_type": FilterValue(f)}
    kind = list[int] | None if year else list[str] | None
    option = typer.Option(
        f"--{f.option}",
        help=(help_text or f.help) + " Repeat for OR." + valid_values(f),
        metavar=f.metavar,
        **extra,
    )
    return Annotated[kind, option]


def filter_options(
    declared: Sequence[filters.Filter], help_text: Callable[[filters.Filter], str] | None = None
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Give a command function one option per filter in ``declared``, in place of its
    ``**given`` parameter (Typer reads the signature); the command receives them in ``given``."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        signature = inspect.signature(func)
        params = [p for p in signature.parameters.values() if p.kind != inspect.Parameter.VAR_KEYWORD]
        made = [
            inspect.Parameter(
                f.option,
                inspect.Parameter.POSITIONAL_OR_KEYWORD,
                annotation=filter_option(f, help_text(f) if help_text else None),
                default=None,
            )
            for f in declared
        ]
        at = next((n for n, p in enumerate(params) if p.default is not inspect.Parameter.empty), len(params))
        params[at:at] = made
        func.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
        hints = dict(getattr(func, "__annotations__", {}))
        hints.pop("given", None)
        hints.update({p.name: p.annotation for p in made})
        func.__annotations__ = hints
        return func

    return decorate
