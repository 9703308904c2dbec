"""The maintaining commands: data init/path, validate, schema, export, new.

Options and output only; the work is done by :mod:`bali_corruption_cli.export.maintain`
and :mod:`bali_corruption_cli.catalog`, imported inside the commands.
"""

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from bali_corruption_cli.cli.app import _catalog, app, catalogue_files
from bali_corruption_cli.core.errors import DataError, UsageError
from bali_corruption_cli.model import layout
from bali_corruption_cli.output import render

data_app = typer.Typer(
    name="data",
    help=(
        "Where the catalogue lives, and a copy of it to edit.\n\n"
        "\b\nExamples:\n"
        "  bcc data path\n"
        "  bcc data init my-catalogue"
    ),
    rich_markup_mode=None,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
app.add_typer(data_app, name="data")


class ExportFormat(StrEnum):
    sqlite = "sqlite"
    json = "json"
    csv = "csv"
    datapackage = "datapackage"


JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")]
ForceOpt = Annotated[bool, typer.Option("--force", help="Replace files that already exist.")]


def _root(ctx: typer.Context) -> dict[str, Any]:
    obj = ctx.find_root().obj
    return obj if isinstance(obj, dict) else {}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


# ---------------------------------------------------------------- validate


@app.command()
def validate(
    ctx: typer.Context,
    directory: Annotated[
        Path | None,
        typer.Argument(
            metavar="[DIR]",
            help="Catalogue to check (default: the active one, --data-dir or BCC_DATA_DIR).",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Check a catalogue (and any --with overlays) and list every problem.

    Prints one line per problem (file:line:column: record: field: message) on
    stdout and a summary on stderr.  Exit status 0 when valid (warnings
    allowed), 3 when there are errors.

    \b
    Examples:
      bcc validate my-catalogue
      bcc --with extra/ validate
      bcc validate my-catalogue --json | jq '.[] | select(.severity == "error")'
    """
    from bali_corruption_cli import catalog

    obj = _root(ctx)
    base = directory if directory is not None else catalog.active_data_dir(obj.get("data_dir"))
    overlays: list[Path] = list(obj.get("overlays") or ())
    _cat, problems = catalog.check(base, overlays, cache=False, progress=render.slow_work)
    problems = sorted(problems, key=lambda p: (p.file, p.line is None, p.line or 0, p.column or 0))
    render.problems(problems, as_json)
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    where = str(base) + (f" with {_plural(len(overlays), 'overlay')}" if overlays else "")
    if not problems:
        render.note(f"no problems in {where}")
        return
    summary = f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')} in {where}"
    if directory is not None and directory.is_dir():
        present = [f for f, _columns in layout.COLLECTIONS.values() if (directory / f).is_file()]
        if 0 < len(present) < len(layout.COLLECTIONS):
            import shlex

            quoted = shlex.quote(str(directory))
            render.note(
                f"{directory} holds only some collection files; "
                f"to check it as an overlay on the catalogue: bcc --with {quoted} validate"
            )
    if errors:
        raise DataError(summary)
    render.note(summary)


# ---------------------------------------------------------------- schema


@app.command()
def schema(
    collection: Annotated[
        str | None,
        typer.Argument(
            metavar="[COLLECTION]",
            help="sources, countries, stakeholders, events, stages, practices, recommendations, quotes "
            "or findings (default: all, as one object keyed by collection).",
            show_default=False,
        ),
    ] = None,
    write: Annotated[
        Path | None,
        typer.Option("--write", metavar="DIR", help="Write <collection>.schema.json files into DIR instead."),
    ] = None,
    force: ForceOpt = False,
) -> None:
    """Print the JSON Schema of a collection file (for editors and other tools).

    \b
    Examples:
      bcc schema practices
      bcc schema > bcc-schemas.json
      bcc schema --write schema/ --force
    """
    from bali_corruption_cli.export import maintain

    names = [maintain.collection_name(collection)] if collection is not None else None
    if write is not None:
        written = maintain.write_schemas(write, names, force)
        render.note(f"wrote {_plural(len(written), 'schema')} to {write}")
        return
    if names is not None:
        render.write(maintain.schema_text(names[0]))
    else:
        import json

        render.write(json.dumps(maintain.all_schemas(), indent=2, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------- export


@app.command()
def export(
    ctx: typer.Context,
    path: Annotated[
        Path,
        typer.Argument(
            metavar="PATH", help="File to write (a folder for csv); - for stdout.", show_default=False
        ),
    ],
    fmt: Annotated[
        ExportFormat | None,
        typer.Option(
            "--format",
            "-f",
            case_sensitive=False,
            help="sqlite (one table per collection plus link tables), json (one document), csv "
            "(a folder, one file per collection) or datapackage (the csv folder with datapackage.json). "
            "Default: from PATH's extension (.db, .sqlite, .json).",
        ),
    ] = None,
    metadata: Annotated[
        Path | None,
        typer.Option(
            "--metadata",
            metavar="FILE",
            help="With sqlite: also write Datasette's metadata (licence, sources, descriptions, facets).",
        ),
    ] = None,
    force: ForceOpt = False,
) -> None:
    """Write the whole catalogue (with any --with overlays) to SQLite, JSON, CSV or a data package.

    Never overwrites without --force; writes to a temporary file next to PATH
    and renames it, so an interrupted export leaves nothing half-written.

    \b
    Examples:
      bcc export --format sqlite bcc.db && datasette bcc.db
      bcc export --format json catalogue.json
      bcc export --format csv csv/ --force
      bcc export --format json - | jq '.events | length'
      bcc export --format datapackage bcc-data/ && frictionless validate bcc-data/datapackage.json
      bcc export --format sqlite bcc.db --metadata metadata.json && datasette bcc.db -m metadata.json
    """
    from bali_corruption_cli.export import maintain

    if str(path) == "-":
        if fmt is None:
            raise UsageError("give --format json or sqlite to export to stdout (-)")
        if fmt.value in ("csv", "datapackage"):
            raise UsageError(f"a {fmt.value} export is a folder of files; give a folder, not - (stdout)")
        if metadata is not None:
            raise UsageError("--metadata names the database by its file: give a file, not - (stdout)")
        sys.stdout.flush()
        maintain.export_to_stream(_catalog(ctx), fmt.value, sys.stdout.buffer)
        return
    chosen = fmt.value if fmt is not None else maintain.guess_format(path)
    if metadata is not None and chosen != "sqlite":
        raise UsageError("--metadata is Datasette's, for a sqlite export; give --format sqlite")
    from bali_corruption_cli import catalog
    from bali_corruption_cli.catalog import edition as editions

    edition = editions.read(catalog.active_data_dir(_root(ctx).get("data_dir")))
    if metadata is not None:
        maintain.check_metadata_target(metadata, path, force, catalogue_files(ctx))
    cat = _catalog(ctx)
    result = maintain.export(cat, chosen, path, force, catalogue_files(ctx), edition)
    what = (
        "files" if chosen in ("csv", "datapackage") else ("tables" if chosen == "sqlite" else "collections")
    )
    count = _plural(result.records, "record")
    render.note(f"exported {count} to {path} ({chosen}, {len(result.tables)} {what})")
    if metadata is not None:
        maintain.write_metadata(cat, edition, path, metadata)
        render.note(f"wrote Datasette's metadata to {metadata} (datasette {path} -m {metadata})")


# ---------------------------------------------------------------- data


@data_app.command("init")
def data_init(
    directory: Annotated[
        Path, typer.Argument(metavar="DIR", help="Folder to create (or fill).", show_default=False)
    ],
    force: ForceOpt = False,
) -> None:
    """Write a copy of the shipped catalogue (and its JSON Schemas) into DIR to edit.

    \b
    Examples:
      bcc data init my-catalogue
      bcc --data-dir my-catalogue validate
      export BCC_DATA_DIR=$PWD/my-catalogue
    """
    import shlex

    from bali_corruption_cli import catalog
    from bali_corruption_cli.export import maintain

    written = maintain.init_catalogue(directory, catalog.shipped_data_dir(), force)
    render.note(
        f"wrote {_plural(len(written), 'file')} to {directory}; "
        f"edit them, then: bcc --data-dir {shlex.quote(str(directory))} validate"
    )


@data_app.command("path")
def data_path(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Print where the active catalogue lives (first line), then any --with overlays.

    \b
    Examples:
      bcc data path
      bcc --data-dir my-catalogue --with extra data path --json
    """
    from bali_corruption_cli import catalog

    root = ctx.find_root()
    obj = _root(ctx)
    data_dir = catalog.active_data_dir(obj.get("data_dir"))
    source = getattr(root.get_parameter_source("data_dir"), "name", "")
    origin = {"COMMANDLINE": "--data-dir", "ENVIRONMENT": "BCC_DATA_DIR"}.get(source, "shipped")
    overlays = [p.resolve() for p in obj.get("overlays") or ()]
    resolved = data_dir.resolve()
    if as_json:
        doc = {"data_dir": str(resolved), "from": origin, "overlays": [str(p) for p in overlays]}
        import json

        render.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    else:
        render.write("".join(f"{p}\n" for p in (resolved, *overlays)))
        render.note(
            f"catalogue: {origin}" + (f"; then {_plural(len(overlays), 'overlay')}" if overlays else "")
        )
    for p in (resolved, *overlays):
        if not p.is_dir():
            render.warn(f"{p} is not a folder")


# ---------------------------------------------------------------- new


def _utf8(option: str, text: str) -> str:
    """``text`` as given, or a UsageError when the argument was not UTF-8 (the bytes that are
    not arrive as lone surrogates): a record's text is UTF-8, and the YAML reader would
    otherwise report the escaped value at a line of the file that holds no such thing."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "surrogateescape")
        raise UsageError(f"{option}: the argument is not valid UTF-8 text: {raw!r}") from None
    return text


@app.command("new")
def new(
    ctx: typer.Context,
    collection: Annotated[
        str,
        typer.Argument(
            metavar="COLLECTION",
            help=", ".join(layout.COLLECTIONS) + " (singular or file name also work).",
            show_default=False,
        ),
    ],
    record_id: Annotated[str | None, typer.Option("--id", help="The new record's id.")] = None,
    values: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            metavar="KEY=VALUE",
            help="A field's value (repeatable). Text as written; lists, dates and numbers as YAML, "
            "e.g. --set 'sectors=[media]'.",
        ),
    ] = None,
    source: Annotated[
        str | None, typer.Option("--source", metavar="SOURCE-ID", help="Cite this source (with --at).")
    ] = None,
    at: Annotated[
        str | None, typer.Option("--at", metavar="TEXT", help="Where in the source, e.g. 'para 2'.")
    ] = None,
    to: Annotated[
        Path | None,
        typer.Option("--to", metavar="DIR", help="Append to this overlay folder instead of the catalogue."),
    ] = None,
    prompt: Annotated[
        bool | None,
        typer.Option(
            "--prompt/--no-prompt",
            help="Ask for required fields not given (default: when stdin is a terminal).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Append a new record to a collection file, then validate it (nothing is written if it fails).

    The record goes after the file's last line, so its comments and layout stay
    as they are.  Required fields come from --id, --set, --source/--at, or, on a
    terminal, from prompts; the new record is printed on stdout.

    \b
    Examples:
      bcc new practice                     # on a terminal: asks for each required field
      bcc new practice --id local-hotline --set title='A local hotline' \\
          --set summary='...' --set 'sectors=[civil-society]' \\
          --source rso-conference-article-2023 --at 'para 4'
      bcc new event --to extra/            # into an overlay folder
    """
    import shutil
    import sys

    from bali_corruption_cli import catalog
    from bali_corruption_cli.export import maintain, scaffold

    name = maintain.collection_name(collection)
    given: dict[str, str] = {}
    for item in values or ():
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--set wants KEY=VALUE, got {_utf8('--set', item)!r}")
        given[_utf8("--set", key).strip()] = _utf8(f"--set {key.strip()}", value)
    for option, text in (("--id", record_id), ("--source", source), ("--at", at)):
        if text is not None:
            _utf8(option, text)
    if record_id is not None:
        given["id"] = record_id
    if (source is None) != (at is None):
        raise UsageError("--source and --at go together: the source's id and where in it, e.g. --at 'para 2'")
    if source is not None and at is not None:
        given["sources"] = scaffold.flow([{"source": source, "at": at}])
    interactive = prompt if prompt is not None else sys.stdin.isatty()

    def ask(field: scaffold.Field) -> str:
        if field.name == scaffold.CITATION:  # a source and a place in it, asked one at a time
            cited = str(typer.prompt("source (a source id, e.g. rso-conference-article-2023)"))
            place = str(typer.prompt("at (where in the source, e.g. para 2)"))
            return scaffold.flow([{"source": cited, "at": place}])
        return str(typer.prompt(field.name if field.text else f"{field.name} ({field.example})"))

    rec, left_out = scaffold.record(name, given, ask if interactive else None, tell=render.warn)
    text = scaffold.record_text(rec, left_out)

    obj = _root(ctx)
    base = catalog.active_data_dir(obj.get("data_dir"))
    overlays: list[Path] = list(obj.get("overlays") or ())
    target = to if to is not None else base
    if not target.is_dir():
        raise UsageError(f"{target} is not a folder")
    resolved = [p.resolve() for p in (base, *overlays)]
    if target.resolve() not in resolved:
        overlays.append(target)  # --to a folder not yet among the overlays: checked as the last one
    filename = layout.COLLECTIONS[name][0]
    path = target / filename
    if path.is_symlink() and not path.exists():
        raise UsageError(f"{path} is a symbolic link to nothing; not writing through it")
    real = path.resolve() if path.is_symlink() else path  # a linked file is written where it is
    with scaffold.locked(real.parent):  # concurrent `bcc new` take turns: none loses its record
        old = catalog.read_collection_file(real)  # within the loader's limits: no FIFO, no device
        content = scaffold.appended(old, text)
        root, copy = scaffold.staged(target, filename, content)
        try:
            swap = {target.resolve(): copy}
            dirs = [swap.get(p.resolve(), p) for p in (base, *overlays)]
            _cat, problems = catalog.check(dirs[0], dirs[1:], cache=False, progress=render.slow_work)
        finally:
            shutil.rmtree(root, ignore_errors=True)
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            lines = [str(p).replace(str(copy), str(target)) for p in errors]
            raise DataError(
                f"nothing written: with the new {layout.SINGULAR[name]} the catalogue would have "
                f"{_plural(len(errors), 'error')}; the first: {lines[0]}",
                details="\n".join(lines[1:]),
            )
        scaffold.add_record(real, old, content)
    line = content[: len(content) - len(text.encode("utf-8"))].count(b"\n") + 1
    render.write(text)
    render.note(f"added {layout.SINGULAR[name]} '{rec.get('id')}' to {path}:{line}; it validates")
