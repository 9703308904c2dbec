"""Names wherever an id is taken, and every ISO 3166-1 country as a --country value."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Run

Bcc = Callable[..., Run]

# A second person called Scott, and an organisation sharing an acronym with one of the catalogue's.
NAMESAKES = """\
- id: jane-scott
  name: Dr Jane Scott
  kind: person
  sector: academia
  country: null
  roles: []
  sources:
    - {source: rso-conference-article-2023, at: "para 5"}

- id: national-anti-corruption-council
  name: National Anti-Corruption Council
  aliases: [NACC]
  kind: organisation
  sector: government
  country: null
  roles: []
  sources:
    - {source: rso-conference-article-2023, at: "para 5"}
"""


@pytest.fixture
def namesakes(tmp_path: Path) -> Path:
    directory = tmp_path / "namesakes"
    directory.mkdir()
    (directory / "stakeholders.yaml").write_text(NAMESAKES, encoding="utf-8")
    return directory


@pytest.mark.parametrize(
    ("value", "speaker"),
    [
        ("Scott", "david-scott"),
        ("miller", "rebecca-miller"),
        ("Jones", "evan-jones"),
        ("Dr Rebecca Miller", "rebecca-miller"),
        ("rebecca-miller", "rebecca-miller"),
    ],
)
def test_speaker_by_surname_name_or_id(bcc: Bcc, value: str, speaker: str) -> None:
    run = bcc("quotes", "--speaker", value, "--json")
    assert run.exit_code == 0, run.stderr
    quotes = run.json()
    assert quotes and {q["speaker"] for q in quotes} == {speaker}


def test_every_record_option_takes_names(bcc: Bcc) -> None:
    by_host = bcc("events", "--host", "nacc", "--json").ids()
    assert by_host == bcc("events", "--host", "onacc-thailand", "--json").ids() and by_host
    by_stage = bcc("findings", "--stage", "Prosecution and judicial processes", "--json").ids()
    assert by_stage == bcc("findings", "--stage", "prosecution-and-judicial-processes", "--json").ids()
    assert by_stage
    by = bcc("recommendations", "--by", "Scott", "--json").json()
    assert by and {r["made_by"] for r in by} == {"david-scott"}


def test_unknown_record_value_is_a_usage_error_with_a_hint(bcc: Bcc) -> None:
    run = bcc("quotes", "--speaker", "Scot")
    assert run.exit_code == 2
    assert "--speaker" in run.stderr and "did you mean" in run.stderr


def test_ambiguous_surname_lists_candidates_with_ids(bcc: Bcc, namesakes: Path) -> None:
    run = bcc("--with", str(namesakes), "quotes", "--speaker", "Scott", "--json")
    assert run.exit_code == 2 and run.stdout == ""
    first = run.stderr.splitlines()[0]
    assert "david-scott" in first and "jane-scott" in first and "--speaker" in first
    # the full name still picks one
    assert {
        q["speaker"]
        for q in bcc("--with", str(namesakes), "quotes", "--speaker", "David Scott", "--json").json()
    } == {"david-scott"}


def test_show_and_cite_take_names(bcc: Bcc) -> None:
    assert bcc("show", "nacc", "--json").json()["id"] == "onacc-thailand"
    assert bcc("show", "Viet Nam", "--json").json()["id"] == "viet-nam"
    assert bcc("show", "vietnam", "--json").json()["id"] == "viet-nam"
    assert bcc("show", "Scott", "--json").json()["id"] == "david-scott"
    assert bcc("cite", "NACC", "--json").json() == bcc("cite", "onacc-thailand", "--json").json()
    assert bcc("show", "no such thing at all").exit_code == 1


def test_show_ambiguous_name_exits_2_listing_ids(bcc: Bcc, namesakes: Path) -> None:
    run = bcc("--with", str(namesakes), "show", "NACC")
    assert run.exit_code == 2 and run.stdout == ""
    assert "onacc-thailand" in run.stderr and "national-anti-corruption-council" in run.stderr
    cite = bcc("--with", str(namesakes), "cite", "scott")
    assert cite.exit_code == 2 and "jane-scott" in cite.stderr and "david-scott" in cite.stderr


@pytest.mark.parametrize("value", ["Cambodia", "KH", "khm", "Kingdom of Cambodia", "Timor-Leste", "Laos"])
def test_real_country_without_records_is_an_empty_result(bcc: Bcc, value: str) -> None:
    for command in ("events", "stakeholders", "timeline"):
        run = bcc(command, "--country", value, "--json")
        assert (run.exit_code, run.json()) == (0, []), (command, run.stderr)


@pytest.mark.parametrize(
    "value", ["Viet Nam", "Vietnam", "VN", "vnm", "Socialist Republic of Viet Nam", "viet-nam"]
)
def test_iso_spellings_resolve_to_the_catalogue_country(bcc: Bcc, value: str) -> None:
    events = bcc("events", "--country", value, "--json").json()
    assert events and {e["country"] for e in events} == {"Viet Nam"}


def test_region_still_valid(bcc: Bcc) -> None:
    run = bcc("events", "--country", "Pacific Islands", "--json")
    assert run.exit_code == 0
    assert {e["country"] for e in run.json()} <= {"Pacific Islands"}


def test_not_a_country_is_a_usage_error_with_a_suggestion(bcc: Bcc) -> None:
    run = bcc("events", "--country", "Cambodja")
    assert run.exit_code == 2 and run.stdout == ""
    assert "did you mean 'Cambodia'" in run.stderr
    assert bcc("events", "--country", "Narnia").exit_code == 2


def test_loop_over_members_does_not_stop(bcc: Bcc) -> None:
    """The README's loop: every Bali Process member, with or without records."""
    counts = {}
    for country in ("Thailand", "Cambodia", "Viet Nam", "Philippines"):
        run = bcc("events", "--country", country, "--json")
        assert run.exit_code == 0, run.stderr
        counts[country] = len(run.json())
    assert counts["Cambodia"] == 0 and counts["Thailand"] > 0


# ---------------------------------------------------------------- many records named at once


@pytest.fixture(scope="module")
def spread_catalogue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Records past `records.SMALL` in events and stakeholders, with roles at the events."""
    from conftest_generated import generated_catalogue

    return generated_catalogue(tmp_path_factory, 2400, spread=True)


def test_many_records_are_named_at_once_the_same_with_a_store_and_without(
    spread_catalogue: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Views that name every record they refer to (roles' events, events' funders) read the
    named records together from the store: the same names as from the records, and one
    read of a collection, not one an id."""
    from typer.testing import CliRunner

    from bali_corruption_cli.cli import app
    from bali_corruption_cli.model import layout
    from conftest_generated import spy, warm_cache

    warm = warm_cache(tmp_path_factory, spread_catalogue)
    views = [["stakeholders", "--fields", "id,roles"], ["events", "--fields", "id,title,funders,hosts"]]
    for view in views:
        args = ["--data-dir", str(spread_catalogue), *view]
        cold = CliRunner().invoke(app, args, env={"BCC_CACHE_DIR": "", "COLUMNS": "200"})
        reads = spy(monkeypatch, "records_at")
        stored = CliRunner().invoke(app, args, env={"BCC_CACHE_DIR": warm, "COLUMNS": "200"})
        monkeypatch.undo()
        assert cold.exit_code == stored.exit_code == 0, stored.stderr
        assert stored.stdout == cold.stdout and stored.stdout.count("\n") > 2400 // 4
        assert len(reads) <= 2 * len(layout.COLLECTIONS), reads  # by collection, not by id
