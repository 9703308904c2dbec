"""The publishing commands: info (the catalogue's edition, licence and citation) and diff.

Options and output only; the work is done by :mod:`bali_corruption_cli.query.editions`
and :mod:`bali_corruption_cli.query.diff`, imported inside the commands.
"""

from pathlib import Path
from typing import Annotated, Any

import typer

from bali_corruption_cli.cli.app import _catalog, app, table_display
from bali_corruption_cli.cli.options import FormatOpt
from bali_corruption_cli.core.errors import UsageError
from bali_corruption_cli.output import render

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON on stdout (one object).")]


def _root(ctx: typer.Context) -> dict[str, Any]:
    obj = ctx.find_root().obj
    return obj if isinstance(obj, dict) else {}


@app.command()
def info(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Say which catalogue this is: its edition, records, hash, licence and how to cite it.

    The edition (version and date) is kept by the maintainers in the catalogue's
    edition.toml; the hash is the one `bcc report` prints.

    \b
    Examples:
      bcc info
      bcc info --json | jq -r .cite.bibtex >> refs.bib
      bcc --data-dir my-catalogue info --json | jq .edition
    """
    from bali_corruption_cli import __version__, catalog
    from bali_corruption_cli.catalog import edition
    from bali_corruption_cli.query import editions

    obj = _root(ctx)
    folder = catalog.active_data_dir(obj.get("data_dir"))
    cat = _catalog(ctx)
    overlays = [str(p.resolve()) for p in obj.get("overlays") or ()]
    found = editions.info(cat, edition.read(folder), __version__, str(folder.resolve()), overlays)
    if as_json:
        import json

        render.write(json.dumps(found, indent=2, ensure_ascii=False) + "\n")
        return
    from bali_corruption_cli.output import render_publish

    render_publish.draw_info(found)


def _side(folder: Path, overlays: list[Path]) -> tuple[Any, dict[str, Any]]:
    """A catalogue loaded from ``folder`` (and overlays), and what names it in the JSON."""
    from bali_corruption_cli import catalog
    from bali_corruption_cli.catalog import edition

    loaded = catalog.load(folder, overlays, progress=render.slow_work, display=table_display)
    found = edition.read(folder)
    return loaded, {
        "data_dir": str(folder.resolve()),
        "overlays": [str(p.resolve()) for p in overlays],
        "edition": {"version": found["version"], "date": found["date"]} if found else None,
        "digest": f"sha256:{loaded.data_digest}",
    }


@app.command()
def diff(
    ctx: typer.Context,
    old: Annotated[
        Path | None,
        typer.Argument(
            metavar="[OLD]",
            help="The earlier catalogue's folder (default: the active one without its --with overlays).",
            show_default=False,
        ),
    ] = None,
    new: Annotated[
        Path | None,
        typer.Argument(
            metavar="[NEW]",
            help="The later catalogue's folder (default: the active one, with any --with overlays).",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOpt = False,
    fmt: FormatOpt = None,
) -> None:
    """Show what changed between two catalogues: records added, removed and changed, field by field.

    Exit status 0 when the catalogues hold the same records, 1 when they differ
    (as diff does); any error exits 2, 3 or 74, never 1.

    \b
    Examples:
      bcc diff previous-edition/ data/
      bcc diff previous-edition/                  # against the active catalogue
      bcc --with extra/ diff                      # what the overlay changes
      bcc diff previous-edition/ data/ --json | jq '.summary'
    """
    from bali_corruption_cli import catalog
    from bali_corruption_cli.query import diff as diffing

    obj = _root(ctx)
    base = catalog.active_data_dir(obj.get("data_dir"))
    overlays: list[Path] = list(obj.get("overlays") or ())
    if new is not None and overlays:
        raise UsageError(
            "--with (or BCC_WITH) changes the active catalogue: give OLD only, or leave out --with"
        )
    if old is None and not overlays:
        raise UsageError(
            "give the earlier catalogue's folder (OLD), or --with overlays to compare with the active one"
        )
    old_cat, old_side = _side(old if old is not None else base, [])
    new_cat, new_side = _side(new, []) if new is not None else _side(base, overlays)
    found = diffing.changes(old_cat, new_cat)
    if as_json or (fmt is not None and fmt.value == "json"):
        import json

        doc = {
            "equal": not found,
            "old": old_side,
            "new": new_side,
            "summary": diffing.summary(found),
            "changes": found,
        }
        render.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    elif fmt is not None and fmt.value != "table":
        render.write(render.records_as(diffing.rows(found), fmt, list(diffing.CHANGE_FIELDS)))
    elif found:
        from bali_corruption_cli.output import render_publish

        counts = diffing.summary(found)
        title = "; ".join(
            f"{name}: " + ", ".join(f"{n} {what}" for what, n in row.items() if n)
            for name, row in counts.items()
        )
        render_publish.draw_diff(diffing.rows(found), title, diffing.CHANGE_FIELDS)
    if not found:
        render.note("no differences: the two catalogues hold the same records")
        return
    raise typer.Exit(1)
