"""Keeping a catalogue (issue 13): every problem in one pass, optional fields left out,
hosts and funders entered once (as stakeholder roles), overlays that patch or replace."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import DATA, Run

Bcc = Callable[..., Run]


@pytest.fixture
def cat(tmp_path: Path) -> Path:
    """A private copy of the shipped catalogue to break."""
    dest = tmp_path / "cat"
    shutil.copytree(DATA, dest)
    return dest


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _problems(bcc: Bcc, *args: str) -> list[dict[str, object]]:
    run = bcc(*args, "validate", "--json")
    problems: list[dict[str, object]] = run.json()
    assert run.exit_code == (3 if any(p["severity"] == "error" for p in problems) else 0), run.stderr
    return problems


# ---------------------------------------------------------------- one pass


def test_a_schema_problem_does_not_hide_a_duplicate_id(bcc: Bcc, cat: Path) -> None:
    """The issue's example: a wrong sector in one practice, a duplicated id in two others and
    an unknown key in one of those two: three problems, all in the first run."""
    practices = cat / "practices.yaml"
    _edit(practices, "  sectors: [government]", "  sectors: [govenment]")
    _edit(practices, "- id: multi-stakeholder-task-forces", "- id: harmonise-trafficking-and-corruption-laws")
    # the unknown key goes into the second record with the duplicated id
    _edit(
        practices,
        "- id: harmonise-trafficking-and-corruption-laws\n  title: Multi-stakeholder",
        "- id: harmonise-trafficking-and-corruption-laws\n  colour: blue\n  title: Multi-stakeholder",
    )
    problems = _problems(bcc, "--data-dir", str(cat))
    found = sorted((p["id"], p["field"]) for p in problems)
    assert found == [
        ("harmonise-trafficking-and-corruption-laws", "colour"),
        ("harmonise-trafficking-and-corruption-laws", "id"),
        ("regular-labour-migration-routes", "sectors[0]"),
    ]
    duplicate = next(p for p in problems if p["field"] == "id")
    assert "duplicate id; first defined at" in str(duplicate["message"])


def test_an_invalid_event_still_has_its_dates_and_references_checked(bcc: Bcc, cat: Path) -> None:
    events = cat / "events.yaml"
    _edit(
        events,
        "  start_date: 2023-11-21\n  end_date: 2023-11-22\n",
        "  start_date: 2023-11-21\n  end_date: 2023-11-20\n  venue: somewhere\n",
    )
    _edit(events, "  country: Thailand\n  city: Bangkok\n", "  country: Thailandd\n  city: Bangkok\n")
    problems = _problems(bcc, "--data-dir", str(cat))
    mine = {
        (p["field"], str(p["message"]).split(" (")[0])
        for p in problems
        if p["id"] == "regional-conference-2023"
    }
    assert ("venue", "unknown key") in mine
    assert ("end_date", "end date 2023-11-20 is before start date 2023-11-21") in mine
    assert ("country", "unknown countries name 'Thailandd'") in mine


def test_references_into_a_file_that_did_not_parse_are_one_line(bcc: Bcc, cat: Path) -> None:
    events = cat / "events.yaml"
    _edit(events, "title: RSO and UNODC Regional", 'title: "RSO and UNODC Regional')
    run = bcc("--data-dir", str(cat), "validate")
    assert run.exit_code == 3
    lines = run.stdout.splitlines()
    assert len(lines) == 2, run.stdout
    assert "invalid YAML" in lines[0]
    assert lines[1].startswith(f"{events}: warning: ")
    assert lines[1].endswith("references into events.yaml not checked: it did not parse")
    assert int(lines[1].split("warning: ")[1].split()[0]) > 50
    assert "unknown events id" not in run.stdout
    assert "1 error, 1 warning" in run.stderr


def test_validate_lists_every_kind_of_problem_at_once(bcc: Bcc, cat: Path) -> None:
    """End date before start, a duplicate id and an unknown reference, with a schema error."""
    _edit(cat / "events.yaml", "  end_date: 2023-11-22\n", "  end_date: 2023-11-19\n")
    _edit(
        cat / "practices.yaml", "- id: multi-stakeholder-task-forces", "- id: regular-labour-migration-routes"
    )
    _edit(cat / "quotes.yaml", "  kind: ", "  kind: wrong-", 1)
    _edit(cat / "findings.yaml", "about: ", "about: no-such-event-", 1)
    problems = _problems(bcc, "--data-dir", str(cat))
    messages = " | ".join(str(p["message"]) for p in problems)
    assert "is before start date" in messages
    assert "duplicate id" in messages
    assert "unknown value 'wrong-" in messages
    assert "unknown events id 'no-such-event-" in messages


def test_values_yaml_refuses_are_field_errors_and_the_rest_is_still_checked(bcc: Bcc, cat: Path) -> None:
    """A bad date and a number too large are each reported at their line, with their record
    and field, in the same run as an end date before a start date in the same file and a
    dangling reference elsewhere (before, the bad date made the file "invalid YAML")."""
    events = cat / "events.yaml"
    _edit(events, "  start_date: 2023-11-21\n", "  start_date: 2023-10-32\n")
    _edit(
        events,
        "  start_date: 2023-10-18\n  end_date: 2023-10-18\n",
        "  start_date: 2023-10-18\n  end_date: 2023-10-17\n",
    )
    _edit(events, "count: 100", "count: 123456789012345678901234567890")
    _edit(cat / "practices.yaml", "origin_event: regional-conference-2023", "origin_event: no-such-event")
    lines = events.read_text(encoding="utf-8").splitlines()
    problems = _problems(bcc, "--data-dir", str(cat))
    found = {(p["id"], p["field"]): p for p in problems if p["severity"] == "error"}
    bad_date = found[("regional-conference-2023", "start_date")]
    assert "'2023-10-32' is not a valid date" in str(bad_date["message"])
    assert "2023-10-32" in lines[int(str(bad_date["line"])) - 1]
    too_large = found[("regional-conference-2023", "participants[0].count")]
    assert "too large" in str(too_large["message"])
    assert "123456789012345678901234567890" in lines[int(str(too_large["line"])) - 1]
    assert "is before start date" in str(found[("roundtable-thailand", "end_date")]["message"])
    assert "unknown events id 'no-such-event'" in str(
        found[("regular-labour-migration-routes", "origin_event")]["message"]
    )
    assert not any("invalid YAML" in str(p["message"]) for p in problems)
    assert not any(p["severity"] == "warning" and "not checked" in str(p["message"]) for p in problems)
    assert len(found) == 4, problems


def test_a_bad_date_in_a_text_field_says_to_quote_it(bcc: Bcc, cat: Path) -> None:
    _edit(cat / "events.yaml", "  city: Bangkok\n", "  city: 2023-02-30\n")
    (problem,) = _problems(bcc, "--data-dir", str(cat))
    assert problem["field"] == "city" and problem["id"] == "regional-conference-2023"
    assert "is not a valid date" in str(problem["message"]) and "quote it" in str(problem["message"])


def _countries_filters_accept(bcc: Bcc) -> dict[str, str]:
    """Spellings of each catalogue country that --country accepts: its id, aliases and codes."""
    out: dict[str, str] = {}
    for country in bcc("countries", "--json").json():
        for spelling in (country["id"], country.get("iso2"), country.get("iso3"), *country["aliases"]):
            if spelling:
                out[spelling] = country["name"]
    return out


def test_a_data_file_may_name_a_country_as_filters_do(bcc: Bcc, cat: Path) -> None:
    """Every spelling --country accepts for a catalogue country, and an ISO 3166-1 name,
    is stored as the country's name (before, only the name itself was accepted)."""
    spellings = _countries_filters_accept(bcc)
    assert "Vietnam" in spellings and "VN" in spellings
    written = [*spellings.items(), ("Socialist Republic of Viet Nam", "Viet Nam"), ("viet nam", "Viet Nam")]
    events = cat / "events.yaml"
    text = events.read_text(encoding="utf-8")
    blocks = text.split("\n- id: ")
    # the first event's country, rewritten once per spelling, in copies of that event
    head, first, rest = blocks[0], blocks[1], blocks[2:]
    copies = []
    for n, (spelling, _name) in enumerate(written):
        copy = first.replace("regional-conference-2023", f"spelling-{n}", 1)
        copy = copy.replace("  country: Thailand\n", f"  country: {spelling!r}\n".replace('"', "'"), 1)
        copies.append(copy)
    events.write_text("\n- id: ".join([head, first, *rest, *copies]) + "\n", encoding="utf-8")
    run = bcc("--data-dir", str(cat), "events", "--json")
    assert run.exit_code == 0, run.stderr
    stored = {e["id"]: e["country"] for e in run.json()}
    for n, (spelling, name) in enumerate(written):
        assert stored[f"spelling-{n}"] == name, spelling
    one = bcc("--data-dir", str(cat), "events", "--country", "Vietnam", "--json").ids()
    assert {f"spelling-{n}" for n, (_s, name) in enumerate(written) if name == "Viet Nam"} <= set(one)


def test_a_country_no_filter_accepts_is_still_reported(bcc: Bcc, cat: Path) -> None:
    _edit(cat / "events.yaml", "  country: Thailand\n", "  country: Atlantis\n")
    (problem,) = [p for p in _problems(bcc, "--data-dir", str(cat)) if p["severity"] == "error"]
    assert problem["field"] == "country" and "unknown countries name 'Atlantis'" in str(problem["message"])


# ---------------------------------------------------------------- optional fields


def test_an_event_without_city_or_dates_validates(bcc: Bcc, cat: Path) -> None:
    events = cat / "events.yaml"
    _edit(events, "  city: null\n  start_date: null\n  end_date: null\n", "", 1)
    text = events.read_text(encoding="utf-8")
    assert "- id: roundtable-viet-nam\n  title:" in text and "city: null\n  start_date: null" in text
    run = bcc("--data-dir", str(cat), "validate")
    assert run.exit_code == 0, run.stdout
    record = bcc("--data-dir", str(cat), "show", "roundtable-viet-nam", "--json").json()["record"]
    assert record["city"] is None and record["start_date"] is None and record["end_date"] is None


def test_every_optional_field_may_be_left_out(bcc: Bcc, tmp_path: Path) -> None:
    """A minimal record of each collection: only the required keys."""
    overlay = tmp_path / "minimal"
    overlay.mkdir()
    cite = "sources: [{source: rso-conference-article-2023, at: p}]"
    (overlay / "sources.yaml").write_text(
        "- {id: min-source, label: M1, title: T, publisher: P, url: 'https://example.org/m', kind: report}\n"
    )
    (overlay / "stakeholders.yaml").write_text(
        "- {id: min-org, name: N, kind: organisation, sources: [{source: min-source, at: p1}]}\n"
    )
    (overlay / "events.yaml").write_text(
        f"- {{id: min-event, title: T, kind: meeting, country: Thailand, {cite}}}\n"
    )
    (overlay / "practices.yaml").write_text(
        f"- {{id: min-practice, title: T, summary: S, sectors: [media], {cite}}}\n"
    )
    (overlay / "recommendations.yaml").write_text(
        f"- {{id: min-rec, title: T, text: X, kind: next-step, {cite}}}\n"
    )
    (overlay / "quotes.yaml").write_text(
        f"- {{id: min-quote, speaker: min-org, kind: direct, text: X, {cite}}}\n"
    )
    (overlay / "findings.yaml").write_text(f"- {{id: min-finding, title: T, text: X, {cite}}}\n")
    (overlay / "countries.yaml").write_text(f"- {{id: min-land, name: Minland, kind: country, {cite}}}\n")
    run = bcc("--with", str(overlay), "validate")
    assert run.exit_code == 0, run.stdout + run.stderr
    event = bcc("--with", str(overlay), "show", "min-event", "--json").json()["record"]
    assert event["city"] is None and event["hosts"] == [] and event["notes"] == []


# ---------------------------------------------------------------- hosts and funders


def test_hosts_and_funders_are_computed_from_stakeholder_roles(bcc: Bcc) -> None:
    assert "hosts:" not in (DATA / "events.yaml").read_text(encoding="utf-8")
    events = {e["id"]: e for e in bcc("events", "--json").json()}
    assert events["regional-conference-2023"]["hosts"] == ["rso", "unodc", "onacc-thailand"]
    assert events["roundtable-viet-nam"]["funders"] == ["home-affairs-australia"]
    keys = list(events["regional-conference-2023"])
    assert keys.index("participants") + 1 == keys.index("hosts")
    assert keys.index("hosts") + 1 == keys.index("funders")
    assert set(bcc("events", "--host", "ONACC", "--json").ids()) == {"regional-conference-2023"}


def test_a_new_host_role_is_the_one_place_to_write(bcc: Bcc, cat: Path) -> None:
    _edit(
        cat / "stakeholders.yaml",
        "    - role: host\n      event: rso-unodc-meeting-2021\n",
        "    - {role: host, event: roundtable-malaysia, source: rso-conference-article-2023}\n"
        "    - role: host\n      event: rso-unodc-meeting-2021\n",
    )
    assert bcc("--data-dir", str(cat), "validate").exit_code == 0
    event = bcc("--data-dir", str(cat), "show", "roundtable-malaysia", "--json").json()["record"]
    assert event["hosts"] != []


def test_a_hosts_key_in_events_says_which_file_and_key_to_write(bcc: Bcc, cat: Path) -> None:
    _edit(
        cat / "events.yaml",
        "  kind: national-roundtable\n",
        "  kind: national-roundtable\n  hosts: [unodc]\n",
    )
    problems = _problems(bcc, "--data-dir", str(cat))
    assert len(problems) == 1
    message = str(problems[0]["message"])
    assert problems[0]["field"] == "hosts"
    assert "stakeholders.yaml" in message and "roles" in message
    assert "{role: host, event: roundtable-viet-nam, source: SOURCE-ID}" in message


# ---------------------------------------------------------------- overlays that correct


def _overlay(tmp_path: Path, text: str, name: str = "events.yaml") -> Path:
    directory = tmp_path / "fix"
    directory.mkdir(exist_ok=True)
    (directory / name).write_text(text, encoding="utf-8")
    return directory


def test_patch_merges_fields_and_says_which_overlay_changed_what(bcc: Bcc, tmp_path: Path) -> None:
    fix = _overlay(
        tmp_path,
        "# a correction\n- id: roundtable-viet-nam\n  patch: true\n"
        "  date_note: Corrected by a local overlay.\n",
    )
    assert bcc("--with", str(fix), "validate").exit_code == 0
    shown = bcc("--with", str(fix), "show", "roundtable-viet-nam", "--json").json()["record"]
    assert shown["date_note"] == "Corrected by a local overlay."
    assert shown["title"] == "National roundtable on corruption, Viet Nam"  # kept
    assert shown["funders"] == ["home-affairs-australia"]
    assert shown["overlay"] == [
        {"file": str(fix / "events.yaml"), "line": 2, "action": "patch", "fields": ["date_note"]}
    ]
    listed = {e["id"]: e for e in bcc("--with", str(fix), "events", "--json").json()}
    assert listed["roundtable-viet-nam"]["overlay"][0]["action"] == "patch"
    assert "overlay" not in listed["roundtable-malaysia"]
    assert len(listed) == len(bcc("events", "--json").json())
    human = bcc("--with", str(fix), "show", "roundtable-viet-nam")
    assert human.exit_code == 0 and "patch" in human.stdout and "date_note" in human.stdout


def test_a_patch_is_validated_like_any_record(bcc: Bcc, tmp_path: Path) -> None:
    fix = _overlay(tmp_path, "- id: roundtable-viet-nam\n  patch: true\n  kind: roundtabel\n")
    problems = _problems(bcc, "--with", str(fix))
    assert [(p["line"], p["field"]) for p in problems] == [(3, "kind")]
    assert "did you mean 'national-roundtable'" in str(problems[0]["message"]) or "roundtable" in str(
        problems[0]["message"]
    )


def test_replace_puts_the_record_in_place(bcc: Bcc, tmp_path: Path) -> None:
    fix = _overlay(
        tmp_path,
        "- id: roundtable-viet-nam\n  replace: true\n  title: A replaced record\n  kind: meeting\n"
        "  country: Viet Nam\n  sources:\n    - {source: rso-conference-article-2023, at: para 2}\n",
    )
    assert bcc("--with", str(fix), "validate").exit_code == 0
    ids = bcc("--with", str(fix), "events", "--json").ids()
    assert ids == bcc("events", "--json").ids()  # same place, same order
    shown = bcc("--with", str(fix), "show", "roundtable-viet-nam", "--json").json()["record"]
    assert shown["title"] == "A replaced record" and shown["notes"] == [] and shown["date_note"] is None
    assert shown["funders"] == ["home-affairs-australia"]  # still computed from the roles
    assert shown["overlay"][0]["action"] == "replace"


def test_without_a_marker_a_clash_names_both_files(bcc: Bcc, tmp_path: Path) -> None:
    fix = _overlay(tmp_path, "- id: roundtable-viet-nam\n  date_note: x\n")
    problems = _problems(bcc, "--with", str(fix))
    clash = [p for p in problems if p["field"] == "id"]
    assert len(clash) == 1
    assert clash[0]["file"] == str(fix / "events.yaml")
    assert str(DATA / "events.yaml") in str(clash[0]["message"])
    assert "patch: true" in str(clash[0]["message"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- id: no-such-event\n  patch: true\n  date_note: x\n", "no record 'no-such-event' to change"),
        ("- id: roundtable-viet-nam\n  patch: yes please\n", "'patch' must be true"),
        ("- id: roundtable-viet-nam\n  patch: true\n  replace: true\n", "not both"),
        ("- id: unodc\n  patch: true\n  date_note: x\n", "not one of the events"),
    ],
)
def test_a_misused_marker_is_one_clear_error(bcc: Bcc, tmp_path: Path, text: str, expected: str) -> None:
    fix = _overlay(tmp_path, text)
    problems = _problems(bcc, "--with", str(fix))
    assert len([p for p in problems if p["severity"] == "error"]) == 1, problems
    assert expected in str(problems[0]["message"])


def test_a_marker_in_the_catalogue_itself_is_an_error(bcc: Bcc, cat: Path) -> None:
    _edit(cat / "events.yaml", "- id: roundtable-malaysia\n", "- id: roundtable-malaysia\n  patch: true\n")
    problems = _problems(bcc, "--data-dir", str(cat))
    assert any("belong in an overlay" in str(p["message"]) for p in problems)
