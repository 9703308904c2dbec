"""How a command's records reach stdout: the format asked for, the fields, the default columns."""

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from bali_corruption_cli.core.errors import UsageError
from bali_corruption_cli.model import layout
from bali_corruption_cli.output import render
from bali_corruption_cli.output.render import DocumentFormat, OutputFormat
from bali_corruption_cli.query import ordering

if TYPE_CHECKING:
    from bali_corruption_cli.catalog import Catalog, Record
    from bali_corruption_cli.catalog.records import Found


def chosen_format(fmt: OutputFormat | None, as_json: bool) -> OutputFormat:
    """--json is short for --format json; asking for two different formats is an error."""
    if as_json and fmt not in (None, OutputFormat.json):
        raise UsageError(f"--json and --format {fmt.value if fmt else ''} ask for different formats; use one")
    return OutputFormat.json if as_json else (fmt or OutputFormat.table)


def records(
    catalog: "Catalog",
    found: "Found",
    fmt: OutputFormat | None,
    as_json: bool,
    fields: str | None,
    wide: bool = False,
    order: ordering.Ordering = ordering.ANY,
) -> None:
    """Sort, reverse and cut as --sort, --reverse and --limit ask, pick --fields, and print
    the records a list command found (`Catalog.select`) in the chosen format (shared by
    every list command).  The default table and plain JSON use what the store keeps of
    each record when it keeps it (a copy made by the same code from the same record);
    anything else is made from the records."""
    from bali_corruption_cli.output import table_cells
    from bali_corruption_cli.query import query

    collection = found.collection
    chosen = chosen_format(fmt, as_json)
    valid = catalog.fields[collection]
    wanted = wanted_fields(fields, valid)
    if order:
        found = found.keeping(
            ordered(
                found.records(), order, valid, chosen, layout.SINGULAR.get(collection, collection), collection
            )
        )
    if wide and wanted:
        raise UsageError("--wide shows every field; --fields chooses some: use one")
    if chosen == OutputFormat.table:  # the cells come from the whole records (their basis marks)
        query.check_fields(wanted or (), valid)
        if wanted or wide:
            shown = wanted or valid
            records = found.records()
            people = for_people(catalog, collection, records, wanted or None)
            table = [table_cells.row(p, shown, r.get("basis")) for p, r in zip(people, records, strict=True)]
            render.emit_rows(table, shown, collection)
            return
        defaults = table_cells.default_columns(collection)
        with render.gc_paused():  # 100,000 rows read and laid out: no cycle among them
            # the rows the store keeps, where they are the rows people see (no other record named)
            kept = found.rows(table_cells.version()) if table_cells.cached_rows_hold(collection) else None
            if kept is not None:
                render.emit_rows(kept[0], defaults, collection, hidden(catalog, collection), known=kept[1])
                return
            records = found.records()
            people = for_people(catalog, collection, records, defaults)
            table = [
                table_cells.default_row(collection, p, r.get("basis"))
                for p, r in zip(people, records, strict=True)
            ]
            render.emit_rows(table, defaults, collection, hidden(catalog, collection))
        return
    if not wanted and chosen in (OutputFormat.json, OutputFormat.jsonl) and render.json_pieces_writable():
        pieces = found.json()
        if pieces is not None:
            render.write_json_pieces(pieces, chosen)
            return
    records = found.records()
    if chosen == OutputFormat.markdown:  # a document for people: names, marks, the legend
        markdown(catalog, collection, records, wanted, wide)
        return
    chosen_records = query.select_fields(records, wanted, valid)
    render.emit_records(chosen_records, chosen, wanted or valid, collection)


def markdown(
    catalog: "Catalog", collection: str, records: "Sequence[Record]", wanted: list[str] | None, wide: bool
) -> None:
    """The records as a Markdown table for people: names for ids, a value that is our
    classification marked as the terminal's table marks it (and the mark's legend)."""
    from bali_corruption_cli.output import render_markdown, table_cells
    from bali_corruption_cli.query import query

    valid = catalog.fields[collection]
    query.check_fields(wanted or (), valid)
    columns: Sequence[str] = wanted or valid
    derived = False
    if not wanted and not wide:
        columns = table_cells.default_columns(collection)
        if "id" not in columns:  # pasted documents refer by id
            columns = ("id", *columns)
        derived = True
    people = for_people(catalog, collection, records, columns)
    table = [
        table_cells.row(table_cells.with_derived(collection, p) if derived else p, columns, r.get("basis"))
        for p, r in zip(people, records, strict=True)
    ]
    render.write(render_markdown.cells_table(table, columns))


# What --fields takes to list the fields instead of showing records; and to show every field.
LIST_FIELDS = "?"
ALL_FIELDS = "all"


def fields_listed(
    fields: str | None, described: "Callable[[], dict[str, str]]", fmt: OutputFormat | None, as_json: bool
) -> bool:
    """``--fields ?``: every field the command shows, with its meaning, instead of the rows.
    False when --fields asks for something else."""
    if fields is None or fields.strip() != LIST_FIELDS:
        return False
    write_fields(described(), fmt, as_json)
    return True


def write_fields(described: dict[str, str], fmt: OutputFormat | None, as_json: bool) -> None:
    """Fields and their meanings, as a table or in a machine format."""
    rows = [{"field": name, "description": text} for name, text in described.items()]
    render.emit_records(rows, chosen_format(fmt, as_json), ["field", "description"], "fields")


def wanted_fields(fields: str | None, valid: Sequence[str]) -> list[str] | None:
    """The fields --fields names (``all``: every one, in the records' order)."""
    from bali_corruption_cli.query import query

    if fields is not None and fields.strip() == ALL_FIELDS:
        return list(valid)
    return query.parse_fields(fields)


def ordered(
    rows: "Sequence[Record]",
    order: ordering.Ordering,
    valid: Sequence[str],
    chosen: OutputFormat,
    singular: str,
    plural: str,
) -> "list[Record]":
    """``rows`` in the order asked for; a table says on stderr when --limit left rows out
    (once the answer is written: not before an error)."""
    out = ordering.order(rows, order, valid)
    if len(out) < len(rows) and chosen == OutputFormat.table:
        render.note_after(
            f"showing {len(out)} of {len(rows)} {plural if len(rows) != 1 else singular} — --limit N for more"
        )
    return out


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
    parties: dict[str, dict[str, set[str]]] = {}
    if collection == "events" and any(p.startswith(("hosts", "funders")) for p in paths):
        from bali_corruption_cli.query import evidence

        parties = evidence.parties_of_ours(catalog)  # hosts and funders listed by a role of ours
    return [people.record(collection, r, names, paths, parties.get(r["id"])) for r in records]


def hidden(catalog: "Catalog", collection: str) -> list[str]:
    """The fields a collection's default table leaves out (a derived column stands for its parts)."""
    from bali_corruption_cli.output import table_cells

    columns = table_cells.default_columns(collection)
    out = [name for name in catalog.fields[collection] if name not in columns]
    if "date" in layout.DERIVED.get(collection, ()):
        out = [name for name in out if name not in ("start_date", "end_date", "month_day")]
    return out


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
    from bali_corruption_cli.query import query

    machine = machine_format(fmt, as_json)
    if fields is None and machine is None:
        return False
    columns = wanted_fields(fields, valid) or list(valid)
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
