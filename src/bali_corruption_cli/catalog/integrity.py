"""Cross-record checks of a built catalogue: references, date order, sources cited by no record."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from bali_corruption_cli.catalog.problems import Problem, _field_name
from bali_corruption_cli.catalog.reader import _line_of
from bali_corruption_cli.catalog.records import Catalog, Record
from bali_corruption_cli.model import layout, vocab


def _place(places: dict[str, tuple[str, Any]], rid: str) -> tuple[str, Any, int]:
    path, (node, index) = places[rid]
    return path, node, index


def _texts(paths: Iterable[str]) -> list[bytes]:
    out = []
    for path in set(paths):
        with contextlib.suppress(OSError):
            out.append(Path(path).read_bytes())
    return out


def _integrity(
    catalog: Catalog,
    places: dict[str, tuple[str, Any]],
    broken: set[str] | frozenset[str] = frozenset(),
    invalid: Sequence[tuple[str, Record, str | None, str, Any, int]] = (),
    unparsed: dict[str, str] | None = None,
) -> list[Problem]:
    """Cross-record checks: references, date order, unused sources.

    ``broken`` holds the ids and names of records that failed validation: they
    are already reported, so references to them are not reported again.
    ``invalid`` holds those records as read (collection, data, id, file, node,
    index): their references are still checked.
    ``unparsed`` holds, by collection, a file that could not be read as records: a
    reference that might point into it is not reported one by one, but counted
    in one line that names the cause.
    """
    problems: list[Problem] = []
    unparsed = unparsed or {}
    unchecked: dict[str, int] = {}  # collection that did not parse -> references not checked
    ids = {name: {r["id"] for r in recs} for name, recs in catalog.collections.items()}
    names = {"countries": {r["name"] for r in catalog.records("countries")}}
    cited: set[str] = set()

    def where(rid: str, loc: Sequence[Any]) -> tuple[str, int | None, int | None]:
        path, (node, index) = places[rid]
        if node is None:  # read in batches (only on the way to a re-read whole): the record's line
            return path, catalog.origins[rid][1], None
        line, col = _line_of(node, (index, *loc))
        return path, line, col

    for ref in layout.REFERENCES:
        targets = ids[ref.target] if ref.by == "id" else names[ref.target]
        records = catalog.records(ref.collection)
        raws = [entry for entry in invalid if entry[0] == ref.collection]
        values = layout.strings_at([*records, *(entry[1] for entry in raws)], ref.path)
        if ref.target == "sources":
            cited.update(values)
        if values <= targets or not values - targets - broken:
            continue  # the usual case: every reference resolves, no record need be walked
        checked: list[tuple[Record, str | None, str, Any, int]] = [
            (rec, rec["id"], *_place(places, rec["id"])) for rec in records
        ]
        checked += [(raw, rid, path, node, index) for _name, raw, rid, path, node, index in raws]
        for rec, rid, path, node, index in checked:
            for loc, value in layout.locate(rec, ref.path):
                if not isinstance(value, str):
                    continue  # a wrong type: reported by validation
                if ref.target == "sources":
                    cited.add(value)
                if value in targets or value in broken:
                    continue
                if ref.target in unparsed:
                    unchecked[ref.target] = unchecked.get(ref.target, 0) + 1
                    continue
                line, col = _line_of(node, (index, *loc))
                hint = vocab.closest(value, targets)
                did = f" (did you mean '{hint}'?)" if hint else ""
                what = "name" if ref.by == "name" else "id"
                problems.append(
                    Problem(
                        path, line, col, rid, _field_name(loc), f"unknown {ref.target} {what} {value!r}{did}"
                    )
                )

    for target, count in unchecked.items():
        filename = Path(unparsed[target]).name
        what = "reference" if count == 1 else "references"
        problems.append(
            Problem(
                unparsed[target],
                None,
                None,
                None,
                None,
                f"{count} {what} into {filename} not checked: it did not parse",
                severity="warning",
            )
        )
    dated: list[tuple[Any, Any, str | None, str, int | None, int | None]] = []
    for event in catalog.records("events"):
        if event["start_date"] and event["end_date"] and event["end_date"] < event["start_date"]:
            dated.append(
                (event["start_date"], event["end_date"], event["id"], *where(event["id"], ("end_date",)))
            )
    for collection, raw, rid, path, node, index in invalid:  # an invalid event's dates, if they are dates
        start, end = raw.get("start_date"), raw.get("end_date")
        if collection == "events" and isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            dated.append(
                (start.isoformat(), end.isoformat(), rid, path, *_line_of(node, (index, "end_date")))
            )
    for start, end, rid, path, line, col in dated:
        problems.append(
            Problem(path, line, col, rid, "end_date", f"end date {end} is before start date {start}")
        )
    unread = _texts(unparsed.values())  # a source named in a file that did not parse may be cited there
    for source in catalog.records("sources"):
        if source["id"] not in cited and not any(source["id"].encode() in text for text in unread):
            path, line, col = where(source["id"], ())
            problems.append(
                Problem(
                    path, line, col, source["id"], None, "source is cited by no record", severity="warning"
                )
            )
    return problems
