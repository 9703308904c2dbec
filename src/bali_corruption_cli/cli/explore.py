"""The exploring commands: search, show, summary, count, timeline, cite, completion."""

from typing import TYPE_CHECKING, Annotated, Any

import typer

from bali_corruption_cli.cli import emit
from bali_corruption_cli.cli.app import _catalog, app
from bali_corruption_cli.cli.options import (
    COUNT_FIELDS,
    SEARCH_FIELDS,
    TIMELINE_FIELDS,
    DocFormatOpt,
    FieldsOpt,
    FormatOpt,
    JsonOpt,
    LimitOpt,
    ReverseOpt,
    SearchOpt,
    SortOpt,
    _complete_count_by,
    _completer,
    described_fields,
    filter_options,
)
from bali_corruption_cli.core.errors import UsageError
from bali_corruption_cli.model import layout
from bali_corruption_cli.output import render
from bali_corruption_cli.output.render import OutputFormat
from bali_corruption_cli.query import filters
from bali_corruption_cli.query.ordering import Ordering

if TYPE_CHECKING:
    from bali_corruption_cli.catalog import Catalog


@app.command("search")
def search_command(
    ctx: typer.Context,
    words: Annotated[
        list[str],
        typer.Argument(
            metavar="WORDS...",
            help="Words to look for, all of them (quoted or not; typos and accents are forgiven).",
        ),
    ],
    types: Annotated[
        list[str] | None,
        typer.Option(
            "--type", "-t", help="Only these record types, e.g. practice, event. Repeat for OR.", metavar="T"
        ),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Show at most N results.")] = 20,
    sort: Annotated[
        str | None,
        typer.Option(
            "--sort",
            metavar="FIELD",
            help=f"Order by this field ({', '.join(SEARCH_FIELDS)}) instead of the best match first.",
        ),
    ] = None,
    reverse: Annotated[
        bool, typer.Option("--reverse", help="Reverse the order (of --sort, or of the ranking).")
    ] = False,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
) -> None:
    """Search every collection at once, best matches first.

    \b
    Examples:
      bcc search whistleblower
      bcc search corrupt officials
      bcc search NACC --type stakeholder
      bcc search "border officers" --json
      bcc search bribery --fields type,id,title --sort title
    """
    from bali_corruption_cli.query import explore, ordering

    text = " ".join(words)
    ordering.check(sort, SEARCH_FIELDS)
    cat = _catalog(ctx)
    chosen = explore.resolve_types(types)
    if sort is None and not reverse:
        found, total = explore.search_counted(cat, text, chosen, limit)
        hits = [h.as_dict() for h in found]
    else:  # every hit ordered, then the first N
        every = [h.as_dict() for h in explore.search(cat, text, chosen)]
        total, hits = (
            len(every),
            ordering.order(every, ordering.Ordering(sort, reverse, limit), SEARCH_FIELDS),
        )
    more = f"showing {len(hits)} of {total} — --limit N for more" if total > len(hits) else None
    if emit.machine_format(fmt, as_json) is None:  # for people: a quote marked by its kind, our titles
        from bali_corruption_cli.output import people
        from bali_corruption_cli.query import labels

        for hit in hits:
            record = cat.get(hit["id"])
            if record is None:
                continue
            if hit["type"] == "quotes":
                kind = record[1].get("kind")
                if hit["snippet"].strip("…") in " ".join(hit["title"].split()):  # a piece of the text
                    hit["snippet"] = people.quote_text(kind, hit["snippet"])
                hit["title"] = people.quote_text(kind, hit["title"])
            else:
                hit["title"] = labels.titled(*record)
    if emit.rows(hits, SEARCH_FIELDS, fmt, as_json, fields, "results"):
        if more:  # stdout holds the data alone
            render.note(more)
        return
    if not hits:
        render.note(f"nothing matches {text!r}")
        return
    from bali_corruption_cli.output import render_explore

    render_explore.draw_search(hits, lambda s: explore.match_spans(s, text), total)


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
    evidence: Annotated[
        bool,
        typer.Option(
            "--evidence",
            help="Print only the record's evidence: each citation with its verbatim excerpt, and each "
            "link's or role's basis, sourced or editorial, with its reason.",
        ),
    ] = False,
    wide: Annotated[
        bool,
        typer.Option("--wide", "-w", help="Every field, the empty ones too (machine formats hold them all)."),
    ] = False,
) -> None:
    """Show one record whole, with its links both ways, its sources, caveats and basis.

    \b
    Examples:
      bcc show roundtable-philippines
      bcc show border-officer-screening-guidelines --json
      bcc show protect-journalists --evidence
    """
    from bali_corruption_cli.query import explore

    if evidence:
        _evidence(_catalog(ctx), record_id, fmt, as_json)
        return
    cat = _catalog(ctx)
    view = explore.show(cat, record_id)
    if emit.machine_format(fmt, as_json) not in (None, OutputFormat.markdown):
        emit.wrote_document(view, fmt, as_json, "show")
        return
    if view["type"] == "events":  # for people: hosts and funders listed by a role of ours, marked
        from bali_corruption_cli.query.evidence import parties_of_ours

        view["ours"] = parties_of_ours(cat).get(view["id"], {})
    names = _names_in_view(cat, view)
    if emit.wrote_document(view, fmt, as_json, "show", names):
        return
    from bali_corruption_cli.output import render_explore

    render_explore.draw_show(view, names, wide)


def _names_in_view(cat: "Catalog", view: dict[str, Any]) -> dict[str, str]:
    """What people read for each id ``show`` prints: the names of the records it refers to
    and links to, a linked quote marked by its kind."""
    from bali_corruption_cli.output import people
    from bali_corruption_cli.query import labels

    names = labels.names(cat, view["type"], [view["record"]])
    for link in view["links"]:
        found = cat.get(link["id"])
        if found is not None:
            collection, record = found
            name = labels.name_for_people(collection, record)
            if collection == "quotes":
                names[link["id"]] = people.quote_text(record.get("kind"), name)
            else:  # as the record's own fields name it (a speaker with their organisation)
                names.setdefault(link["id"], name)
    return names


def _evidence(cat: "Catalog", record_id: str, fmt: DocFormatOpt, as_json: bool) -> None:
    """``show --evidence``: each citation of the record with its verbatim excerpt."""
    from bali_corruption_cli.model import layout
    from bali_corruption_cli.query import evidence, explore

    collection, record = explore.lookup(cat, record_id)
    rows = evidence.citations(cat, collection, record)
    machine = emit.machine_format(fmt, as_json)
    if machine is not None:
        render.write(
            render.records_as(
                rows, machine, ["via", "basis", "source", "label", "at", "excerpt", "reason", "note"]
            )
        )
        return
    from bali_corruption_cli.output import render_explore

    title = str(record.get(layout.TITLE_FIELD[collection], record["id"]))
    render_explore.draw_evidence(f"{title}  ({layout.SINGULAR[collection]} {record['id']})", rows)


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
    from bali_corruption_cli.query import explore

    figures = explore.summary(_catalog(ctx))
    if emit.wrote_document(figures, fmt, as_json, "summary"):
        return
    from bali_corruption_cli.output import render_explore

    render_explore.draw_summary(figures)


def _counted_by(f: filters.Filter) -> str:
    return f"{f.help.split(',')[0].rstrip('.')} ({', '.join(filters.collections_taking(f.option))})."


# Every filter of every collection, but --by (the recommendations' author): count's --by is the field.
_COUNT_FILTERS = [f for f in filters.options().values() if f.option != "by"]


@app.command("count")
@filter_options(_COUNT_FILTERS, _counted_by)
def count_command(
    ctx: typer.Context,
    collection: Annotated[str, typer.Argument(help=", ".join(layout.COLLECTIONS) + ".")],
    by: Annotated[
        str,
        typer.Option(
            "--by",
            help="The field to count by, e.g. sectors.",
            metavar="FIELD",
            autocompletion=_complete_count_by,
        ),
    ],
    search: SearchOpt = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    sort: SortOpt = None,
    reverse: ReverseOpt = False,
    limit: LimitOpt = None,
    **given: Any,
) -> None:
    """Count records by the values of one field, most common first.

    The filters are those of the collection's list command (bcc practices --help...).

    \b
    Examples:
      bcc count practices --by sectors
      bcc count events --by country --format csv
      bcc count practices --by themes --sector private
      bcc count events --by country --sort value
    """
    from bali_corruption_cli.query import explore, query

    if emit.fields_listed(fields, lambda: described_fields("count"), fmt, as_json):
        return
    cat = _catalog(ctx)
    name = explore.resolve_collection(collection)
    picked = filters.choose(cat, name, given)
    decide = filters.decider(cat, name, picked, search)
    found = cat.select(name, filters.index_conditions(picked), search, decide)  # the one path
    rows = explore.count(cat, name, by, found)
    chosen = emit.chosen_format(fmt, as_json)
    order = Ordering(sort, reverse, limit)
    if order:
        rows = emit.ordered(rows, order, COUNT_FIELDS, chosen, "value", "values")
    columns = emit.wanted_fields(fields, COUNT_FIELDS) or list(COUNT_FIELDS)
    rows = query.select_fields(rows, columns, ["value", "count"])
    if chosen == OutputFormat.table:  # people read "(none)" and names; machine formats get null and ids
        from bali_corruption_cli.query import labels

        if by in {path.split(".")[0].removesuffix("[]") for path in labels.reference_paths(name)}:
            named = labels.names(cat, name, [{by: r.get("value")} for r in rows])
            rows = [dict(r, value=named.get(r["value"], r["value"])) if "value" in r else r for r in rows]
        rows = [dict(r, value="(none)") if "value" in r and r["value"] is None else r for r in rows]
    render.emit_records(rows, chosen, columns, f"values of {name}.{by}")


@app.command()
@filter_options(filters.FILTERS["events"])
def timeline(
    ctx: typer.Context,
    search: SearchOpt = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    sort: SortOpt = None,
    reverse: ReverseOpt = False,
    limit: LimitOpt = None,
    **given: Any,
) -> None:
    """List events in date order; undated events follow, marked as such.

    Takes the filters of bcc events.

    \b
    Examples:
      bcc timeline
      bcc timeline --country Philippines --year 2023
      bcc timeline --reverse --limit 3
      bcc timeline --json | jq -r '.[] | select(.dated) | .when'
    """
    from bali_corruption_cli.query import explore, query

    if emit.fields_listed(fields, lambda: described_fields("timeline"), fmt, as_json):
        return
    cat = _catalog(ctx)
    events = filters.keep(cat, "events", filters.choose(cat, "events", given))
    if search:
        events = [e for e in events if query.text_matches(e, search)]
    rows = explore.timeline(cat, events)
    order = Ordering(sort, reverse, limit)
    if order:
        chosen = emit.machine_format(fmt, as_json) or OutputFormat.table
        rows = emit.ordered(rows, order, TIMELINE_FIELDS, chosen, "event", "events")
    if emit.rows(rows, TIMELINE_FIELDS, fmt, as_json, fields, "events"):
        return
    if not rows and (any(given.values()) or search):  # filtered down to nothing
        render.note("no events match")
        return
    from bali_corruption_cli.output import render_explore

    render_explore.draw_timeline(rows, {e["id"]: e.get("basis") for e in events})


@app.command()
def cite(
    ctx: typer.Context,
    record_id: Annotated[
        str | None,
        typer.Argument(
            metavar="[ID]", help="Any record id or name.", autocompletion=_complete_id, show_default=False
        ),
    ] = None,
    style: Annotated[
        str,
        typer.Option(
            "--style",
            help="apa, bibtex, plain, csl-json (a JSON array for Zotero, pandoc) or ris.",
            autocompletion=lambda: ["apa", "bibtex", "plain", "csl-json", "ris"],
        ),
    ] = "apa",
    every: Annotated[bool, typer.Option("--all", help="Cite every source of the catalogue.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Print a ready citation of the source(s) behind a record, or of every source.

    \b
    Examples:
      bcc cite border-officer-screening-guidelines
      bcc cite regional-conference-2023 --style bibtex >> refs.bib
      bcc cite --all --style csl-json > sources.json     # for Zotero or pandoc
      bcc cite --all --style ris > sources.ris
    """
    from bali_corruption_cli.query import cite as citing
    from bali_corruption_cli.query import query

    chosen = query.plain_choices("style", citing.CITE_STYLES).resolve(style)
    if (record_id is None) == (not every):
        raise UsageError("give a record's id or name, or --all for every source (not both)")
    cat = _catalog(ctx)
    cites = citing.cite_all(cat, chosen) if every else citing.cite(cat, str(record_id), chosen)
    if as_json:
        render.write(render.records_as(cites, OutputFormat.json, ["source", "at", "style", "citation"]))
        return
    if chosen == "csl-json":
        from bali_corruption_cli.query import cite_exchange

        render.write(cite_exchange.csl_document([c["citation"] for c in cites]))
        return
    from bali_corruption_cli.output import render_explore

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
    from bali_corruption_cli.cli import shells
    from bali_corruption_cli.query import query

    chosen = query.plain_choices("shell", _SHELL_NAMES).resolve(shell)
    render.write(shells.script(chosen))
