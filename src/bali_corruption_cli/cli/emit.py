"""How a command's records reach stdout: the format asked for, the fields, the default columns."""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from bali_corruption_cli.core.errors import UsageError
from bali_corruption_cli.model import layout
from bali_corruption_cli.output import render, table_cells
from bali_corruption_cli.output.render import DocumentFormat, OutputFormat
from bali_corruption_cli.query import query

if TYPE_CHECKING:
    from bali_corruption_cli.catalog import Catalog, Record


def chosen_format(fmt: OutputFormat | None, as_json: bool) -> OutputFormat:
    """--json is short for --format json; asking for two different formats is an error."""
    if as_json and fmt not in (None, OutputFormat.json):
        raise UsageError(f"--json and --format {fmt.value if fmt else ''} ask for different formats; use one")
    return OutputFormat.json if as_json else (fmt or OutputFormat.table)


def records(
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
    chosen = chosen_format(fmt, as_json)
    wanted = query.parse_fields(fields)
    valid = catalog.fields[collection]
    if wide and wanted:
        raise UsageError("--wide shows every field; --fields chooses some: use one")
    if chosen == OutputFormat.table:  # the cells come from the whole records (their basis marks)
        query.check_fields(wanted or (), valid)
        default_columns = table_cells.default_columns(collection)
        people = for_people(catalog, collection, records, wanted or (None if wide else default_columns))
        if wanted or wide:
            shown = wanted or valid
            table = [table_cells.row(p, shown, r.get("basis")) for p, r in zip(people, records, strict=True)]
            render.emit_rows(table, shown, collection)
        else:
            table = [
                table_cells.default_row(collection, p, r.get("basis"))
                for p, r in zip(people, records, strict=True)
            ]
            render.emit_rows(
                table, table_cells.default_columns(collection), collection, hidden(catalog, collection)
            )
        return
    if chosen == OutputFormat.markdown:  # a document for people: names, not ids
        records = for_people(catalog, collection, records, wanted or None)
    chosen_records = query.select_fields(records, wanted, valid)
    if wanted:
        columns: Sequence[str] = wanted
    elif chosen == OutputFormat.markdown and not wide:
        columns = table_cells.default_columns(collection)
        if "id" not in columns:  # pasted documents refer by id
            columns = ("id", *columns)
        chosen_records = [table_cells.with_derived(collection, r) for r in chosen_records]
    else:
        columns = valid
    render.emit_records(chosen_records, chosen, columns, collection)


def for_people(
    catalog: "Catalog", collection: str, records: "Sequence[Record]", columns: Sequence[str] | None = None
) -> "list[Record]":
    """The records as views for people print them (`output.people.record`): the ids they
    refer to named, quotes marked by kind, basis and overlay in words; only what ``columns``
    (all fields by default) show is made."""
    from bali_corruption_cli.output import people
    from bali_corruption_cli.query import labels

    shown = None if columns is None else set(columns)
    paths = [
        p
        for p in labels.reference_paths(collection)
        if shown is None or p.split(".")[0].removesuffix("[]") in shown
    ]
    words = (
        shown is None or bool(shown & {"basis", "overlay"}) or (collection == "quotes" and "text" in shown)
    )
    if not paths and not words:  # nothing to name or mark: the records as they are
        return list(records)
    names = labels.names(catalog, collection, records, paths)
    return [people.record(collection, r, names, paths) for r in records]


def hidden(catalog: "Catalog", collection: str) -> list[str]:
    """The fields a collection's default table leaves out (a derived column stands for its parts)."""
    columns = table_cells.default_columns(collection)
    out = [name for name in catalog.fields[collection] if name not in columns]
    if "date" in layout.DERIVED.get(collection, ()):
        out = [name for name in out if name not in ("start_date", "end_date", "month_day")]
    return out


def from_cache(
    catalog: "Catalog",
    collection: str,
    conditions: dict[str, set[str]],
    fmt: OutputFormat | None,
    as_json: bool,
    fields: str | None,
    search: Sequence[str] | None,
) -> bool:
    """A --json / jsonl answer straight from the cache's JSON and indexes, when nothing
    else (--fields, --search) needs the records themselves: the same bytes `records`
    writes, without decoding a record (100k practices: ~0.35 s less). False if not done."""
    if search or fields:
        return False
    chosen = chosen_format(fmt, as_json)
    if chosen not in (OutputFormat.json, OutputFormat.jsonl) or not render.json_pieces_writable():
        return False
    pieces = catalog.select_json(collection, conditions)
    if pieces is None:
        return False
    render.write_json_pieces(pieces, chosen)
    return True


def table_from_cache(
    catalog: "Catalog",
    collection: str,
    conditions: dict[str, set[str]],
    numbers: list[int] | None,
    fmt: OutputFormat | None,
    as_json: bool,
    fields: str | None,
    wide: bool,
    search: Sequence[str] | None,
) -> bool:
    """The default table for people from the rows the cache keeps (no record decoded):
    the records meeting the conditions, and among ``numbers`` when --search found them
    through the text index.  False if not done."""
    if fields or wide or chosen_format(fmt, as_json) != OutputFormat.table or (search and numbers is None):
        return False
    if not table_cells.cached_rows_hold(collection):  # its rows name other records: made here
        return False
    with render.gc_paused():  # 100,000 rows read and laid out: no cycle among them
        found = catalog.table_rows(collection, conditions, numbers, version=table_cells.version())
        if found is None:
            return False
        table, widths = found
        columns = table_cells.default_columns(collection)
        render.emit_rows(table, columns, collection, hidden(catalog, collection), known=widths)
    return True


def rows(
    found: "list[dict[str, Any]]",
    valid: Sequence[str],
    fmt: OutputFormat | None,
    as_json: bool,
    fields: str | None,
    noun: str,
) -> bool:
    """Rows that are not records of one collection (search hits, the timeline) in a machine
    format, or as a table of the chosen --fields; False when the command's own view is wanted."""
    machine = machine_format(fmt, as_json)
    if fields is None and machine is None:
        return False
    columns = query.parse_fields(fields) or list(valid)
    found = query.select_fields(found, columns, valid)
    if machine is not None:
        render.write(render.records_as(found, machine, columns))
    else:
        render.emit_records(found, OutputFormat.table, columns, noun)
    return True


def machine_format(fmt: OutputFormat | DocumentFormat | None, as_json: bool) -> OutputFormat | None:
    """The machine format asked for, or None for the terminal view."""
    chosen = chosen_format(None if fmt is None else OutputFormat(fmt.value), as_json)
    return None if chosen == OutputFormat.table else chosen


def wrote_document(
    document: Any, fmt: DocumentFormat | None, as_json: bool, command: str, names: Any = None
) -> bool:
    """Write a nested document (show, summary) as JSON, YAML or Markdown if asked; False for
    the terminal view.  ``names``: what Markdown, a document for people, prints for each id."""
    machine = machine_format(fmt, as_json)
    if machine is None:
        return False
    if machine == OutputFormat.markdown:
        from bali_corruption_cli.output import render_markdown

        render.write(getattr(render_markdown, command)(document, names or {}))
        return True
    if machine not in (OutputFormat.json, OutputFormat.yaml):
        raise UsageError(f"{command} prints one document: use --json, --format yaml or --format markdown")
    render.write(render.document_as(document, machine))
    return True
