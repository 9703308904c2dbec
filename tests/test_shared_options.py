"""The shared options on every command that lists records: timeline, search and count
take --fields and the filters of what they list, with the list commands' names and matching."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable

import pytest

from conftest import Run

Bcc = Callable[..., Run]

TIMELINE_KEYS = [
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
]


@pytest.mark.parametrize(
    "filters",
    [
        ["--country", "Vietnam"],
        ["--country", "ph", "--country", "Thailand"],
        ["--kind", "roundtable"],
        ["--year", "2023"],
        ["--host", "NACC"],
        ["--kind", "national-roundtable", "--year", "2023", "--search", "Bangkok"],
        ["--country", "Cambodia"],
    ],
)
def test_timeline_filters_match_events(bcc: Bcc, filters: list[str]) -> None:
    listed = bcc("events", *filters, "--json")
    placed = bcc("timeline", *filters, "--json")
    assert listed.exit_code == placed.exit_code == 0, placed.stderr
    assert sorted(placed.ids()) == sorted(listed.ids())


def test_timeline_filters_narrow(bcc: Bcc) -> None:
    everything = bcc("timeline", "--json").json()
    roundtables = bcc("timeline", "--kind", "national-roundtable", "--json").json()
    assert 0 < len(roundtables) < len(everything)
    assert {r["kind"] for r in roundtables} == {"national-roundtable"}
    assert [r["id"] for r in roundtables] == [
        r["id"] for r in everything if r["kind"] == "national-roundtable"
    ]


def test_timeline_json_shape_is_unchanged(bcc: Bcc) -> None:
    rows = bcc("timeline", "--json").json()
    assert rows and all(list(r) == TIMELINE_KEYS for r in rows)


def test_timeline_fields(bcc: Bcc) -> None:
    rows = bcc("timeline", "--fields", "id,when", "--json").json()
    assert rows and all(list(r) == ["id", "when"] for r in rows)
    table = bcc("timeline", "--fields", "id,when", env={"COLUMNS": "200"})
    assert table.exit_code == 0 and "roundtable-thailand" in table.stdout and "when" in table.stdout
    bad = bcc("timeline", "--fields", "id,wen")
    assert bad.exit_code == 2 and "did you mean 'when'" in bad.stderr


def test_timeline_unknown_filter_values_are_usage_errors(bcc: Bcc) -> None:
    assert bcc("timeline", "--kind", "picnic").exit_code == 2
    assert bcc("timeline", "--country", "Narnia").exit_code == 2
    assert bcc("timeline", "--host", "nobody-at-all").exit_code == 2


def test_search_fields(bcc: Bcc) -> None:
    full = bcc("search", "bribery", "--json").json()
    picked = bcc("search", "bribery", "--fields", "type,id", "--json").json()
    assert picked == [{"type": h["type"], "id": h["id"]} for h in full] and picked
    rows = list(csv.reader(io.StringIO(bcc("search", "bribery", "--fields", "id", "--format", "csv").stdout)))
    assert rows[0] == ["id"] and [r[0] for r in rows[1:]] == [h["id"] for h in full]
    table = bcc("search", "bribery", "--fields", "id,title", env={"COLUMNS": "300"})
    assert table.exit_code == 0 and full[0]["id"] in table.stdout
    bad = bcc("search", "bribery", "--fields", "idd")
    assert bad.exit_code == 2 and "valid fields: type, id, title" in bad.stderr


@pytest.mark.parametrize(
    ("collection", "by", "filters", "field"),
    [
        ("practices", "themes", ["--sector", "private sector"], "themes"),
        ("practices", "sectors", ["--stage", "recruitment", "--theme", "due-diligence"], "sectors"),
        ("events", "kind", ["--country", "Thailand", "--year", "2023"], "kind"),
        ("events", "country", ["--host", "NACC"], "country"),
        ("stakeholders", "sector", ["--kind", "person", "--country", "AU"], "sector"),
        ("stakeholders", "kind", ["--role", "speaker", "--event", "regional-conference-2023"], "kind"),
        ("quotes", "event", ["--speaker", "Miller"], "event"),
        ("recommendations", "event", ["--kind", "call"], "event"),
        ("findings", "about", ["--stage", "recruitment"], "about"),
    ],
)
def test_count_filters_count_what_the_list_command_lists(
    bcc: Bcc, collection: str, by: str, filters: list[str], field: str
) -> None:
    listed = bcc(collection, *filters, "--json")
    assert listed.exit_code == 0, listed.stderr
    expected: Counter[str | None] = Counter()  # a missing value is null in JSON (README)
    for record in listed.json():
        value = record.get(field)
        for v in value if isinstance(value, list) else [value]:
            expected[None if v is None else str(v)] += 1
    counted = bcc("count", collection, "--by", by, *filters, "--json")
    assert counted.exit_code == 0, counted.stderr
    assert {r["value"]: r["count"] for r in counted.json()} == dict(expected)
    assert sum(expected.values()) > 0


def test_count_with_a_real_country_without_records_is_empty(bcc: Bcc) -> None:
    run = bcc("count", "events", "--by", "kind", "--country", "Cambodia", "--json")
    assert (run.exit_code, run.json()) == (0, [])


def test_count_filter_that_does_not_apply_is_a_usage_error(bcc: Bcc) -> None:
    run = bcc("count", "practices", "--by", "themes", "--country", "Thailand")
    assert run.exit_code == 2 and run.stdout == ""
    assert "--country does not apply to practices" in run.stderr and "--sector" in run.stderr
    assert bcc("count", "practices", "--by", "themes", "--sector", "nonsense").exit_code == 2


def test_timeline_filtered_to_nothing_says_so(bcc: Bcc) -> None:
    run = bcc("timeline", "--country", "Cambodia")
    assert run.exit_code == 0 and run.stdout == ""
    assert "no events match" in run.stderr
