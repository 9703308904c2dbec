"""Records to a Catalog: each file parsed and validated, ids placed once, overlays applied, checks run."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from bali_corruption_cli.catalog import reader, values
from bali_corruption_cli.catalog.fast_reader import BATCH_MIN_BYTES, _add_batched, _batches
from bali_corruption_cli.catalog.files import _File
from bali_corruption_cli.catalog.integrity import _integrity
from bali_corruption_cli.catalog.interrupts import _stop_if_interrupted
from bali_corruption_cli.catalog.problems import (
    Problem,
    _computed_key,
    _duplicate,
    _field_name,
    _pydantic_message,
)
from bali_corruption_cli.catalog.reader import _LazyBatch, _line_of, _repeated_keys
from bali_corruption_cli.catalog.records import Catalog, Record
from bali_corruption_cli.model import derived, layout, overlay


def _share_strings(records: list[Record], canon: dict[str, str] | None = None) -> None:
    """Make equal short strings (sectors, ids cited...) one object, in place: they take
    memory once, marshal writes each once and a warm run decodes it once (-30 MB at 100k)."""
    share = ({} if canon is None else canon).setdefault
    stack: list[Any] = [records]
    while stack:
        item = stack.pop()
        pairs = item.items() if type(item) is dict else enumerate(item)
        for key, value in pairs:
            kind = type(value)
            if kind is str:
                if len(value) <= 64:
                    item[key] = share(value, value)
            elif kind is dict or kind is list:
                stack.append(value)


def _overlay_target(
    f: _File, base: bool, rid: str | None, places: dict[str, tuple[str, Any]], records: list[Record]
) -> int:
    """Where, in its collection, the record an overlay's marked record changes is;
    overlay.MarkerError saying why when there is none."""
    if base:
        raise overlay.MarkerError(
            "'patch' and 'replace' belong in an overlay (--with DIR), not in the catalogue itself"
        )
    if rid is None:
        raise overlay.MarkerError("a record that patches or replaces another needs that record's id")
    if rid not in places:
        raise overlay.MarkerError(
            f"no record '{rid}' to change: 'patch'/'replace' change a record of the catalogue "
            "or of an earlier overlay (leave the marker out to add a new record)"
        )
    for n in range(len(records) - 1, -1, -1):
        if records[n]["id"] == rid:
            return n
    raise overlay.MarkerError(
        f"record '{rid}' is not one of the {f.collection}; patch it in its own collection's file"
    )


def _build(files: Sequence[_File], batched: bool = True) -> tuple[Catalog | None, list[Problem]]:
    import gc

    from pydantic import ValidationError

    from bali_corruption_cli.model.models import MODELS

    problems: list[Problem] = []
    collections: dict[str, list[Record]] = {name: [] for name in layout.COLLECTIONS}
    origins: dict[str, tuple[str, int | None]] = {}
    places: dict[str, tuple[str, Any]] = {}  # id -> (file, node) for integrity messages
    broken: set[str] = set()  # ids (and names) of records that exist but failed validation
    invalid: list[tuple[str, Record, str | None, str, Any, int]] = []  # those records, as read
    in_batches: set[str] = set()  # files read a batch at a time: their nodes are parsed if needed
    seen: dict[str, tuple[str, int | None]] = {}  # every id read (valid or not) -> where first
    bases: dict[str, str] = {}  # collection -> the catalogue's own file (the others are overlays)
    changes: dict[str, list[dict[str, Any]]] = {}  # id -> how overlays changed that record
    unparsed: dict[str, str] = {}  # collection -> a file of it that could not be read as records

    def add(f: _File) -> None:
        """Parse, validate and place one file's records (or one batch of a large file)."""
        path = str(f.path)
        data, node, parse_problems = reader._parse(f)
        refused = [p for p in parse_problems if isinstance(p, reader.ValueProblem)]
        parse_problems = [p for p in parse_problems if not isinstance(p, reader.ValueProblem)]
        by_record = values.by_record(node, refused) if refused else {}
        problems.extend(by_record.pop(None, ()))  # outside any record: as YAML worded them
        if parse_problems:
            rescued = _repeated_keys(f)
            if rescued is None:
                problems.extend(parse_problems)
                unparsed.setdefault(f.collection, path)
                return
            # Report every repeated key, then check the rest of the file (last value wins).
            data, node, repeated = rescued
            at = {(p.line, p.column) for p in repeated}
            problems.extend(p for p in parse_problems if (p.line, p.column) not in at)
            problems.extend(repeated)
        if not isinstance(data, list):
            line, col = _line_of(node, ())
            got = type(data).__name__ if data is not None else "nothing"
            problems.append(
                Problem(
                    path, line, col, None, None, f"expected a list of {f.collection} records, got a {got}"
                )
            )
            unparsed.setdefault(f.collection, path)
            return
        model = MODELS[f.collection]
        base = bases.setdefault(f.collection, path) == path  # the catalogue's own file, not an overlay
        for i, raw in enumerate(data):
            _stop_if_interrupted()
            rid = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else None
            rec_line, _ = _line_of(node, (i,))
            action: str | None = None
            target: int | None = None
            candidate: Any = raw
            if isinstance(raw, dict) and any(m in raw for m in overlay.MARKERS):
                try:
                    action = overlay.marker(raw)
                    target = _overlay_target(f, base, rid, places, collections[f.collection])
                except overlay.MarkerError as exc:
                    problems.append(Problem(path, rec_line, None, rid, None, str(exc)))
                    if rid is not None:
                        broken.add(rid)
                    continue
                if action == "patch":
                    candidate = overlay.patched(model, collections[f.collection][target], raw)
                else:
                    candidate = overlay.without_marker(raw)
            errors: list[Any] = []
            try:
                record = model.model_validate(candidate).model_dump(mode="json")
            except ValidationError as exc:
                errors = [dict(e) for e in exc.errors()]
            mine = by_record.get(i)
            if errors or mine:
                if mine:  # each refused value worded for its field, in place of what validation says
                    worded, errors = values.worded(mine, errors, path, rid)
                    problems.extend(worded)
                if rid is not None:
                    broken.add(rid)  # it exists: references to it are not "unknown"
                if isinstance(raw, dict):
                    invalid.append((f.collection, raw, rid, path, node, i))
                    if isinstance(raw.get("name"), str):
                        broken.add(raw["name"])
                for err in errors:
                    loc = (i, *err["loc"])
                    line, col = _line_of(node, loc)
                    message = _pydantic_message(err, f.collection)
                    if tuple(err["loc"]) == ("sources",) and err["type"] in ("missing", "too_short"):
                        message = (
                            "record cites no source; add one, e.g. "
                            "sources: [{source: SOURCE-ID, at: 'para 2'}]"
                        )
                    field_name = _field_name(err["loc"]) or None
                    if f.collection == "events" and _computed_key(err["type"], err["loc"]):
                        message = derived.written_link_hint(str(err["loc"][0]), rid)
                    problems.append(Problem(path, line, col, rid, field_name, message))
                # Still one pass: an invalid record's id can clash too (its references and
                # dates are checked with the others, from `invalid`).
                if rid is not None and action is None:
                    if rid in seen:
                        problems.append(_duplicate(path, rec_line, rid, seen[rid], base))
                    else:
                        seen[rid] = (path, rec_line)
                continue
            if action is not None and target is not None:
                collections[f.collection][target] = record
                places[record["id"]] = (path, (node, i))
                changes.setdefault(record["id"], []).append(overlay.change(path, rec_line, action, raw))
                continue
            if record["id"] in seen:
                problems.append(_duplicate(path, rec_line, record["id"], seen[record["id"]], base))
                continue
            seen[record["id"]] = (path, rec_line)
            places[record["id"]] = (path, (node, i))
            origins[record["id"]] = (path, rec_line)
            collections[f.collection].append(record)

    gc_was_enabled = gc.isenabled()
    gc.disable()  # large loads make the cyclic GC super-linear; nothing here builds cycles
    try:
        for f in files:
            _stop_if_interrupted()
            path = str(f.path)
            if batched and len(f.data) > BATCH_MIN_BYTES:
                base = bases.setdefault(f.collection, path) == path
                model = MODELS[f.collection]
                found = _add_batched(f, model, collections, origins, places, seen, base, add)
                if found is not None:
                    problems.extend(found)
                    in_batches.add(path)
                    continue
            for part in _parts(f):
                add(part)
        shared = {f.collection for f in files if str(f.path) in in_batches}  # done batch by batch
        for name, records in collections.items():
            if name not in shared:
                _share_strings(records)
        values.canonical_countries(collections)  # "Vietnam" in a file: stored as "Viet Nam"
        fields = {name: list(MODELS[name].model_fields) for name in layout.COLLECTIONS}
        derived.add_event_parties(collections["events"], collections["stakeholders"])
        fields["events"] = derived.event_fields(fields["events"])
        if changes:
            for records in collections.values():
                for record in records:
                    if record["id"] in changes:
                        record[overlay.FIELD] = changes[record["id"]]
        catalog = Catalog(collections, fields, origins)
        problems.extend(_integrity(catalog, places, broken, invalid, unparsed))
    finally:
        if gc_was_enabled:
            # The records live as long as the command: no later collection (nor the one at
            # exit) need walk them (100,000 practices: ~0.2 s of a cold load).
            gc.freeze()
            gc.enable()
        _LazyBatch._gone.clear()  # for this build only, even if it was interrupted
    _LazyBatch._last = None
    catalog.warnings = [p for p in problems if p.severity == "warning"]
    if any(p.severity == "error" for p in problems):
        return None, problems
    return catalog, problems


def _parts(f: _File) -> Iterator[_File]:
    """The file whole, or, when it is large, its batches as files of their own.

    Each batch is preceded by as many newlines as the lines before it, so the
    parser's line numbers are the file's: messages stay exact while no single
    parse holds more than a batch (and the per-parse node cap keeps holding).
    """
    parts = _batches(f) if len(f.data) > BATCH_MIN_BYTES else None
    if parts is None:
        yield f
        return
    for begin, end, lines_before, _count in parts:
        yield _File(f.collection, f.path, b"\n" * lines_before + f.data[begin:end])
