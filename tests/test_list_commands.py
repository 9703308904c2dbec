"""The list commands through the CLI: filters, aliases, errors, formats, exit codes."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

import pytest
import yaml

from conftest import DATA, Run

PRIVATE = {
    "regulate-financial-institutions",
    "due-diligence-conditions-for-finance",
    "whistleblower-protection-and-supply-chain-due-diligence",
    "corporate-oversight-officers",
    "due-diligence-in-licensing-and-audits",
    "subsidiary-csr-and-reporting",
    "cross-country-cross-sector-collaboration",
}
LIST_COMMANDS = [
    "practices",
    "events",
    "stakeholders",
    "recommendations",
    "stages",
    "sources",
    "quotes",
    "findings",
    "countries",
]


def test_private_sector_practices(bcc: Callable[..., Run]) -> None:
    run = bcc("practices", "--sector", "private", "--json")
    assert run.exit_code == 0 and run.stderr == ""
    assert set(run.ids()) == PRIVATE


@pytest.mark.parametrize("spelling", ["private", "Private Sector", "PRIVATE", "private-sector", "business"])
def test_sector_aliases(bcc: Callable[..., Run], spelling: str) -> None:
    assert set(bcc("practices", "--sector", spelling, "--json").ids()) == PRIVATE


@pytest.mark.parametrize("spelling", ["Vietnam", "vn", "VIET NAM", "Viet Nam", "VNM", "viet-nam", "Việt Nam"])
def test_country_aliases_find_the_viet_nam_roundtable(bcc: Callable[..., Run], spelling: str) -> None:
    assert bcc("events", "--country", spelling, "--json").ids() == ["roundtable-viet-nam"]


def test_events_country_table_on_terminal_width(bcc: Callable[..., Run]) -> None:
    run = bcc("events", "--country", "Vietnam", env={"COLUMNS": "120"})
    assert run.exit_code == 0
    assert "roundtable-viet-nam" in run.stdout and "Viet Nam" in run.stdout
    assert "\x1b[" not in run.stdout  # not a terminal: no colour codes


def test_repeated_flag_is_or_and_different_flags_are_and(bcc: Callable[..., Run]) -> None:
    media = set(bcc("practices", "--sector", "media", "--json").ids())
    academia = set(bcc("practices", "--sector", "academia", "--json").ids())
    both = set(bcc("practices", "--sector", "media", "--sector", "academia", "--json").ids())
    assert both == media | academia and media and academia and media != academia
    open_ = set(bcc("practices", "--theme", "transparency", "--json").ids())
    anded = set(bcc("practices", "--sector", "private", "--theme", "transparency", "--json").ids())
    assert anded == PRIVATE & open_ == {"subsidiary-csr-and-reporting"}
    assert anded != open_


def test_events_filters(bcc: Callable[..., Run]) -> None:
    assert bcc("events", "--year", "2021", "--json").ids() == [
        "report-release-2021",
        "rso-unodc-meeting-2021",
    ]
    assert set(bcc("events", "--host", "NACC", "--json").ids()) == {"regional-conference-2023"}
    assert set(bcc("events", "--host", "ONACC", "--json").ids()) == {"regional-conference-2023"}
    # no source names the roundtables' hosts: S3 says UNODC and the RSO led the series (issue 26)
    assert set(bcc("events", "--host", "UNODC", "--json").ids()) == {"regional-conference-2023"}
    assert set(bcc("events", "--kind", "roundtable", "--country", "Pacific", "--json").ids()) == {
        "roundtable-pacific-islands"
    }
    assert bcc("events", "--kind", "meeting", "--json").ids() == ["rso-unodc-meeting-2021"]


def test_stakeholder_filters(bcc: Callable[..., Run]) -> None:
    assert set(bcc("stakeholders", "--country", "PH", "--json").ids()) == {
        "iacat",
        "dfa-philippines",
        "doj-philippines",
    }
    assert set(bcc("stakeholders", "--sector", "academia", "--kind", "organisation", "--json").ids()) == {
        "university-of-queensland"
    }
    speakers = set(bcc("stakeholders", "--role", "speaker", "--json").ids())
    assert speakers == {"rebecca-miller", "david-scott", "evan-jones", "ryan-winch"}


def test_other_filters(bcc: Callable[..., Run]) -> None:
    assert bcc("practices", "--stage", "Entry at airports", "--json").ids() == [
        "border-officer-screening-guidelines"
    ]
    assert bcc("practices", "--search", "JOURNALISTS", "--json").ids() == ["protect-journalists"]
    assert bcc("quotes", "--speaker", "rebecca miller", "--kind", "paraphrase", "--json").ids() == [
        "miller-complicit-officials",
        "miller-bribery-pervasive",
    ]
    assert bcc("findings", "--stage", "prosecution-and-judicial-processes", "--json").ids() == [
        "case-studies-prosecution-and-judiciary"
    ]
    assert bcc("sources", "--kind", "report", "--json").ids() == ["corruption-facilitator-report-2021"]
    assert bcc("countries", "--kind", "region", "--json").ids() == ["pacific-islands", "bali-process-region"]
    assert len(bcc("recommendations", "--json").ids()) == 7


def test_valid_value_without_match_is_empty_and_exit_0(bcc: Callable[..., Run]) -> None:
    run = bcc("events", "--country", "Sri Lanka", "--year", "2021", "--json")
    assert run.exit_code == 0 and run.json() == []
    table = bcc("events", "--country", "Sri Lanka", "--year", "2021")
    assert table.exit_code == 0 and table.stdout == "" and "no events match" in table.stderr


@pytest.mark.parametrize(
    ("args", "suggestion", "listed"),
    [
        (["practices", "--sector", "privat"], "private", "civil-society"),
        (["practices", "--theme", "whistleblower"], "whistleblower-protection", "due-diligence"),
        (["events", "--country", "Vietnamm"], "Viet Nam", "Pacific Islands"),
        (["events", "--kind", "roundtabel"], "national-roundtable", "report-release"),
        (["stakeholders", "--kind", "persn"], "person", "organisation"),
        (["practices", "--stage", "recruitmnt"], "recruitment", "airport-entry"),
    ],
)
def test_unknown_value_is_usage_error_with_suggestion(
    bcc: Callable[..., Run], args: list[str], suggestion: str, listed: str
) -> None:
    run = bcc(*args, "--json")
    assert run.exit_code == 2
    assert run.stdout == ""
    first = run.stderr.splitlines()[0]
    assert first.startswith("bcc: error: unknown value")
    assert f"did you mean '{suggestion}'" in first and listed in first


def test_unknown_field_lists_valid_fields(bcc: Callable[..., Run]) -> None:
    run = bcc("practices", "--fields", "id,titel", "--json")
    assert run.exit_code == 2 and run.stdout == ""
    assert "did you mean 'title'" in run.stderr and "summary" in run.stderr


def test_unknown_option_command_and_format_exit_2(bcc: Callable[..., Run]) -> None:
    for args in (
        ["practices", "--bogus"],
        ["pracitces"],
        ["practices", "--format", "xml"],
        ["events", "--year", "x"],
    ):
        run = bcc(*args)
        assert run.exit_code == 2, args
        assert run.stderr.startswith("bcc: error: "), args
        assert run.stdout == ""


def test_json_and_other_format_conflict(bcc: Callable[..., Run]) -> None:
    assert bcc("practices", "--json", "--format", "csv").exit_code == 2
    assert bcc("practices", "--json", "--format", "json").exit_code == 0


def test_fields_pick_and_order_keys(bcc: Callable[..., Run]) -> None:
    rows = bcc("events", "--fields", "start_date,id", "--json").json()
    assert all(list(r) == ["start_date", "id"] for r in rows)


def test_json_keys_are_model_fields_and_lists_stay_lists(bcc: Callable[..., Run]) -> None:
    rows = bcc("practices", "--json").json()
    assert list(rows[0]) == [
        "id",
        "title",
        "summary",
        "sectors",
        "themes",
        "stages",
        "origin_event",
        "basis",
        "sources",
    ]
    assert all(isinstance(r["sectors"], list) for r in rows)


@pytest.mark.parametrize("command", LIST_COMMANDS)
def test_every_format_reads_back(bcc: Callable[..., Run], command: str) -> None:
    full = bcc(command, "--json").json()
    ids = [r["id"] for r in full]
    assert ids
    jsonl = bcc(command, "--format", "jsonl").stdout
    assert [json.loads(line) for line in jsonl.splitlines()] == full
    assert yaml.safe_load(bcc(command, "--format", "yaml").stdout) == full
    for fmt, delim in (("csv", ","), ("tsv", "\t")):
        rows = list(csv.DictReader(io.StringIO(bcc(command, "-f", fmt).stdout), delimiter=delim))
        assert [r["id"] for r in rows] == ids
        assert list(rows[0]) == list(full[0])
    md = bcc(command, "--format", "markdown").stdout.splitlines()
    assert md[0].startswith("| id |") and all(line.startswith("| ") for line in md[2 : len(ids) + 2])
    # after the table, only the legend of the mark of ours, when a cell is marked
    assert md[len(ids) + 2 :] in (
        [],
        ["", "\\[E] editorial: our classification, not a source's (bcc show ID --evidence)"],
    )
    table = bcc(command, env={"COLUMNS": "200"})
    assert table.exit_code == 0 and all(i in table.stdout for i in ids)


def test_csv_lists_and_nested_values(bcc: Callable[..., Run]) -> None:
    rows = list(csv.DictReader(io.StringIO(bcc("practices", "--sector", "private", "-f", "csv").stdout)))
    row = next(r for r in rows if r["id"] == "regulate-financial-institutions")
    assert json.loads(row["sectors"]) == ["private", "government"]  # a JSON array: reads back exactly
    assert json.loads(row["sources"])[0]["source"] == "rso-conference-article-2023"


def test_empty_result_in_every_machine_format(bcc: Callable[..., Run]) -> None:
    args = ["events", "--country", "Sri Lanka", "--year", "2021"]
    assert bcc(*args, "-f", "json").json() == []
    assert bcc(*args, "-f", "jsonl").stdout == ""
    assert yaml.safe_load(bcc(*args, "-f", "yaml").stdout) == []
    assert bcc(*args, "-f", "csv").stdout.splitlines() == [
        ",".join(
            [
                "id",
                "title",
                "kind",
                "country",
                "city",
                "start_date",
                "end_date",
                "month_day",
                "date_note",
                "participants",
                "hosts",
                "funders",
                "series_position",
                "builds_on",
                "notes",
                "caveats",
                "basis",
                "sources",
            ]
        )
    ]


def test_long_text_wraps_and_nothing_is_cut(bcc: Callable[..., Run]) -> None:
    run = bcc("practices", "--sector", "private", "--fields", "id,summary", env={"COLUMNS": "60"})
    assert run.exit_code == 0
    assert max(len(line) for line in run.stdout.splitlines()) <= 60
    words = " ".join(run.stdout.split())
    for word in ("subsidiaries.", "safeguarding", "whistleblowers"):
        assert word in words
    assert "…" not in run.stdout


def test_version_and_module_entry(bcc: Callable[..., Run]) -> None:
    import subprocess
    import sys

    from bali_corruption_cli import __version__

    assert bcc("--version").stdout == f"bcc {__version__}\n"
    out = subprocess.run(
        [sys.executable, "-m", "bali_corruption_cli", "events", "--country", "vn", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0
    assert [e["id"] for e in json.loads(out.stdout)] == ["roundtable-viet-nam"]


def test_data_dir_option_and_env(bcc: Callable[..., Run], tmp_path: object) -> None:
    from pathlib import Path

    other = Path(str(tmp_path))
    for f in DATA.glob("*.yaml"):
        (other / f.name).write_bytes(f.read_bytes())
    quotes = other / "quotes.yaml"
    quotes.write_text(
        quotes.read_text(encoding="utf-8").replace(
            "id: jones-corruption-and-organised-crime", "id: jones-link"
        ),
        encoding="utf-8",
    )
    assert "jones-link" in bcc("--data-dir", str(other), "quotes", "--json").ids()
    assert "jones-link" in bcc("quotes", "--json", env={"BCC_DATA_DIR": str(other)}).ids()
    assert "jones-link" not in bcc("quotes", "--json").ids()
    missing = bcc("--data-dir", str(other / "nope"), "quotes")
    assert missing.exit_code == 3 and "data directory not found" in missing.stderr


def test_invalid_data_exit_3_names_file_line_record_field(bcc: Callable[..., Run], tmp_path: object) -> None:
    from pathlib import Path

    other = Path(str(tmp_path))
    for f in DATA.glob("*.yaml"):
        (other / f.name).write_bytes(f.read_bytes())
    events = other / "events.yaml"
    text = events.read_text(encoding="utf-8")
    events.write_text(text.replace("country: Viet Nam", "country: Vietnamm"), encoding="utf-8")
    line = next(n for n, t in enumerate(events.read_text().splitlines(), 1) if "Vietnamm" in t)
    before = events.read_bytes()
    run = bcc("--data-dir", str(other), "events", "--json")
    assert run.exit_code == 3 and run.stdout == ""
    first = run.stderr.splitlines()[0]
    assert f"events.yaml:{line}" in first
    assert (
        "record 'roundtable-viet-nam'" in first and "country" in first and "did you mean 'Viet Nam'" in first
    )
    assert events.read_bytes() == before


def test_unknown_vocabulary_value_in_data(bcc: Callable[..., Run], tmp_path: object) -> None:
    from pathlib import Path

    other = Path(str(tmp_path))
    for f in DATA.glob("*.yaml"):
        (other / f.name).write_bytes(f.read_bytes())
    p = other / "practices.yaml"
    p.write_text(
        p.read_text(encoding="utf-8").replace("sectors: [private]", "sectors: [privat]", 1), encoding="utf-8"
    )
    run = bcc("--data-dir", str(other), "practices")
    assert run.exit_code == 3
    assert "sectors[0]" in run.stderr and "did you mean 'private'" in run.stderr
