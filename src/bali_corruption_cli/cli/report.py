"""``bcc report``: the command that writes the HTML briefing (the work is in report.py)."""

import stat
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from bali_corruption_cli.cli.app import _catalog, app, catalogue_files
from bali_corruption_cli.cli.options import SearchOpt, filter_options
from bali_corruption_cli.core.errors import UsageError
from bali_corruption_cli.output import render
from bali_corruption_cli.query import filters

# The report's filters: those of the list commands (its --kind takes any collection's kinds).
_REPORT_FILTERS = [
    filters.find("events", "country"),
    filters.find("practices", "sector"),
    filters.find("practices", "theme"),
    filters.find("findings", "stage"),
    filters.ANY_KIND,  # resolved across collections by report_select.kind_choices
]


@app.command()
@filter_options(_REPORT_FILTERS)
def report(
    ctx: typer.Context,
    path: Annotated[
        str | None,
        typer.Argument(
            metavar="[PATH]",
            help="HTML file to write (default: bcc-report.html; a folder: bcc-report.html in it; "
            "'-' for stdout).",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="The same as PATH, as an option.",
            show_default=False,
        ),
    ] = None,
    briefing: Annotated[
        bool,
        typer.Option(
            "--briefing",
            help="Only the briefing (summary, findings, recommendations, practices, the chain) "
            "and its references, without the records.",
        ),
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace PATH if it already exists.")] = False,
    search: SearchOpt = None,
    **given: Any,
) -> None:
    """Write a self-contained HTML briefing to read, search and print in a browser.

    The filters narrow the collections that have their field; other records stay
    when they are linked to a chosen one. Never overwrites without --force.

    \b
    Examples:
      bcc report
      bcc report -o philippines.html --country Philippines
      bcc report --briefing briefings/
      bcc report --sector private - > private-sector.html
    """
    from bali_corruption_cli.core import atomic
    from bali_corruption_cli.output import report as html_report
    from bali_corruption_cli.query import report_select

    if path is not None and output is not None and path != output:
        raise UsageError(f"two places to write: PATH {path!r} and --output {output!r}; give one")
    chosen = output if output is not None else path if path is not None else html_report.DEFAULT_PATH
    target = None if chosen == "-" else _in_folder(Path(chosen))
    if target is not None:
        atomic.check_target(target, force=force, protected=catalogue_files(ctx))
    cat = _catalog(ctx)
    conditions = {
        **{f.option: filters.resolve(cat, "", f, given.get(f.option) or ()) for f in _REPORT_FILTERS[:-1]},
        "kind": report_select.kind_choices().resolve_all(given.get("kind") or ()),
    }
    scope = [f"{name} {' or '.join(sorted(v))}" for name, v in conditions.items() if v]
    scope += [f"text containing {' and '.join(repr(s) for s in search or ())}"] if search else []
    from bali_corruption_cli import catalog
    from bali_corruption_cli.catalog import edition

    stated = edition.read(catalog.active_data_dir((ctx.find_root().obj or {}).get("data_dir")))
    data = html_report.page(
        cat, conditions, search or (), scope, cat.data_digest, briefing_only=briefing, edition=stated
    )
    text = html_report.html(data)
    if target is None:
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is not None:
            sys.stdout.flush()
            buffer.write(text.encode("utf-8"))
        else:
            render.write(text)
        return
    atomic.write_bytes(target, text.encode("utf-8"))
    what = "the briefing" if briefing else f"{data['total']} records"
    render.note(f"wrote {target} ({what}); open it in a browser")


def _in_folder(path: Path) -> Path:
    """A folder (not a link to one) as the path: the report's default name inside it."""
    from bali_corruption_cli.output.report import DEFAULT_PATH

    try:
        is_folder = stat.S_ISDIR(path.lstat().st_mode)
    except OSError:
        is_folder = False
    return path / DEFAULT_PATH if is_folder else path
