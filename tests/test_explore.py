"""search, show, summary, count, timeline, the chain and cite, through the CLI."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
import yaml

from conftest import Run


def test_search_ranks_title_hits_first(bcc: Callable[..., Run]) -> None:
    hits = bcc("search", "journalists", "--json").json()
    assert hits[0]["id"] == "protect-journalists"
    scores = [h["score"] for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert set(hits[0]) == {"type", "id", "title", "score", "field", "snippet"}
    # the practice named after whistleblowers outranks the one that mentions them last in its title
    ranked = [h["id"] for h in bcc("search", "whistleblower", "--json").json()]
    assert ranked[0] == "whistleblower-protection-and-supply-chain-due-diligence"
    body_only = bcc("search", "subsidiaries", "--json").json()
    assert [h["id"] for h in body_only] == ["subsidiary-csr-and-reporting"]


def test_search_title_beats_summary() -> None:
    from bali_corruption_cli import catalog
    from bali_corruption_cli.query import explore

    cat = catalog.load()
    hits = explore.search(cat, "deterrent")
    assert [h.id for h in hits] == ["transparent-anti-corruption-reporting"]
    hits = explore.search(cat, "journalists")
    title_hit = next(h for h in hits if h.id == "protect-journalists")
    assert all(title_hit.score > h.score for h in hits if h.id != "protect-journalists")


def test_search_tolerates_typos_case_and_accents(bcc: Callable[..., Run]) -> None:
    right = {h["id"] for h in bcc("search", "whistleblower", "--json").json()}
    typo = {h["id"] for h in bcc("search", "whistelblower", "--json").json()}
    assert "feedback-and-protection-mechanisms" in typo and typo == right
    assert bcc("search", "VIỆT NAM", "--json").json()[0]["id"] in {"viet-nam", "roundtable-viet-nam"}


def test_search_aliases_count(bcc: Callable[..., Run]) -> None:
    hits = bcc("search", "NACC", "--json").json()
    assert hits[0]["id"] == "onacc-thailand"
    assert bcc("search", "South East Asia", "--type", "source", "--json").json()[0]["id"] == (
        "corruption-facilitator-report-2021"
    )


def test_search_type_filter_and_no_hit(bcc: Callable[..., Run]) -> None:
    hits = bcc("search", "border", "--type", "practice", "--json").json()
    assert hits and {h["type"] for h in hits} == {"practices"}
    none = bcc("search", "zzzzqqq", "--json")
    assert none.exit_code == 0 and none.json() == []
    bad = bcc("search", "border", "--type", "practise")
    assert bad.exit_code == 2 and "did you mean 'practices'" in bad.stderr


def test_search_terminal_view(bcc: Callable[..., Run]) -> None:
    run = bcc("search", "whistelblower", env={"COLUMNS": "200"})
    assert run.exit_code == 0 and "feedback-and-protection-mechanisms" in run.stdout


def test_show_practice_links_both_ways(bcc: Callable[..., Run]) -> None:
    view = bcc("show", "border-officer-screening-guidelines", "--json").json()
    assert view["type"] == "practices" and view["record"]["id"] == "border-officer-screening-guidelines"
    out = {(link["field"], link["id"]) for link in view["links"] if link["direction"] == "out"}
    assert ("origin_event", "roundtable-philippines") in out
    assert ("stages", "airport-entry") in out
    assert view["sources"][0]["id"] == "rso-philippines-roundtable"
    assert view["sources"][0]["url"].startswith("https://") and view["sources"][0]["at"]


def test_show_event_incoming_links(bcc: Callable[..., Run]) -> None:
    view = bcc("show", "regional-conference-2023", "--json").json()
    incoming = {(link["type"], link["id"]) for link in view["links"] if link["direction"] == "in"}
    assert ("practices", "protect-journalists") in incoming
    assert ("quotes", "scott-not-a-quick-fix") in incoming
    assert ("stakeholders", "david-scott") in incoming
    out = {(link["field"], link["id"]) for link in view["links"] if link["direction"] == "out"}
    assert {("hosts", "rso"), ("hosts", "unodc"), ("hosts", "onacc-thailand")} <= out
    assert any("six" in c for c in view["caveats"])
    roles = {link["id"]: link.get("note") for link in view["links"] if link["type"] == "stakeholders"}
    assert roles["david-scott"] == "speaker"


def test_show_stakeholder_and_stage(bcc: Callable[..., Run]) -> None:
    view = bcc("show", "home-affairs-australia", "--json").json()
    events = {link["id"] for link in view["links"] if link["type"] == "events"}
    assert "roundtable-thailand" in events and "report-release-2021" in events
    stage = bcc("show", "airport-entry", "--json").json()
    incoming = {link["id"] for link in stage["links"] if link["direction"] == "in"}
    assert "border-officer-screening-guidelines" in incoming


def test_show_uncertain_date_caveat_and_terminal_page(bcc: Callable[..., Run]) -> None:
    view = bcc("show", "roundtable-philippines", "--json").json()
    assert any("year" in c for c in view["caveats"])
    page = bcc("show", "roundtable-philippines", env={"COLUMNS": "160"})
    assert page.exit_code == 0
    for text in ("Manila", "Caveats", "Links", "Sources", "border-officer-screening-guidelines"):
        assert text in page.stdout


def test_show_unknown_id_exit_1_with_suggestions(bcc: Callable[..., Run]) -> None:
    run = bcc("show", "roundtable-vietnam")
    assert run.exit_code == 1 and run.stdout == ""
    assert "roundtable-viet-nam" in run.stderr.splitlines()[0]


def test_show_yaml_reads_back(bcc: Callable[..., Run]) -> None:
    doc = yaml.safe_load(bcc("show", "rso", "--format", "yaml").stdout)
    assert doc["id"] == "rso" and doc["record"]["aliases"][0] == "RSO"


def test_summary_json_figures(bcc: Callable[..., Run]) -> None:
    fig = bcc("summary", "--json").json()
    conf = fig["conference"]
    assert (conf["start_date"], conf["end_date"], conf["city"]) == ("2023-11-21", "2023-11-22", "Bangkok")
    assert len(conf["hosts"]) == 3
    series = fig["roundtable_series"]
    assert series["listed"] == 7 and series["count_disputed"] is True
    by_sector = {r["value"]: r["count"] for r in fig["practices_by_sector"]}
    practices = bcc("practices", "--json").json()
    for sector, n in by_sector.items():
        assert n == sum(sector in p["sectors"] for p in practices)
    assert fig["stages"][0]["id"] == "recruitment"
    assert len(fig["sources"]) == 7


def test_summary_terminal(bcc: Callable[..., Run]) -> None:
    run = bcc("summary", env={"COLUMNS": "120"})
    assert run.exit_code == 0
    for text in ("Bangkok", "7 listed", "Practices by sector", "private", "Recruitment", "S1"):
        assert text in run.stdout


def test_count_adds_up_and_lists_count_each_value(bcc: Callable[..., Run]) -> None:
    practices = bcc("practices", "--json").json()
    rows = bcc("count", "practices", "--by", "sectors", "--json").json()
    assert sum(r["count"] for r in rows) == sum(len(p["sectors"]) for p in practices)
    assert rows[0] == {"value": "government", "count": 10}
    counts = [r["count"] for r in rows]
    assert counts == sorted(counts, reverse=True)
    events = bcc("count", "events", "--by", "country", "--json").json()
    assert sum(r["count"] for r in events) == len(bcc("events", "--json").json())
    assert events[0] == {"value": "Thailand", "count": 4}
    csv_out = bcc("count", "event", "--by", "kind", "--format", "csv").stdout.splitlines()
    assert csv_out[0] == "value,count" and "national-roundtable,7" in csv_out


def test_count_errors(bcc: Callable[..., Run]) -> None:
    assert bcc("count", "practices", "--by", "sectr").exit_code == 2
    assert "did you mean 'sectors'" in bcc("count", "practices", "--by", "sectr").stderr
    assert bcc("count", "practises", "--by", "sectors").exit_code == 2
    assert bcc("count", "events", "--by", "participants").exit_code == 2


def test_timeline_order_and_undated_last(bcc: Callable[..., Run]) -> None:
    rows = bcc("timeline", "--json").json()
    dated = [r for r in rows if r["dated"]]
    assert [r["id"] for r in dated] == [
        "rso-unodc-meeting-2021",
        "report-release-2021",
        "roundtable-thailand",
        "regional-conference-2023",
    ]
    first_undated = next(i for i, r in enumerate(rows) if not r["dated"])
    assert all(not r["dated"] for r in rows[first_undated:])
    assert rows[first_undated]["id"] == "roundtable-philippines"
    assert "year unknown" in rows[first_undated]["when"]
    assert len(rows) == 10
    run = bcc("timeline", env={"COLUMNS": "160"})
    # dates in words for people (JSON's `when` keeps its label)
    assert "undated" in run.stdout and run.stdout.index("27 January 2021") < run.stdout.index("undated")


def test_stages_chain_picture_and_plain_machine_output(bcc: Callable[..., Run]) -> None:
    run = bcc("stages", "--chain", env={"COLUMNS": "160"})
    assert run.exit_code == 0
    out = run.stdout
    assert (
        out.index("Recruitment") < out.index("Fraudulent documents") < out.index("Prosecution and judicial")
    )
    assert "border-officer-screening-guidelines" in out
    assert bcc("stages", "--json").ids()[0] == "recruitment"
    assert bcc("stages", "--chain", "--json").exit_code == 2


@pytest.mark.parametrize("style", ["apa", "bibtex", "plain"])
def test_cite_styles(bcc: Callable[..., Run], style: str) -> None:
    run = bcc("cite", "regional-conference-2023", "--style", style)
    assert run.exit_code == 0
    assert "https://rso.baliprocess.net/" in run.stdout and "unodc.org/roseap" in run.stdout
    if style == "apa":
        assert "Regional Support Office of the Bali Process. (2023, December 1)." in run.stdout
    if style == "bibtex":
        assert run.stdout.startswith("@misc{rso-conference-article-2023,") and "year = {2023}" in run.stdout
    if style == "plain":
        assert "1 December 2023" in run.stdout and "(at: para 1; para 2; para 3)" in run.stdout


def test_cite_json_undated_and_errors(bcc: Callable[..., Run]) -> None:
    cites = bcc("cite", "border-officer-screening-guidelines", "--json").json()
    assert [c["source"] for c in cites] == ["rso-philippines-roundtable"]
    assert "(n.d.)" in cites[0]["citation"]
    assert bcc("cite", "nope-nope").exit_code == 1
    assert bcc("cite", "rso", "--style", "mla").exit_code == 2


def test_completion_offers_ids_and_filter_values() -> None:
    import os
    import subprocess
    import sys

    def complete(words: str, cword: int) -> list[str]:
        env = dict(os.environ, _BCC_COMPLETE="complete_bash", COMP_WORDS=words, COMP_CWORD=str(cword))
        code = "from bali_corruption_cli.cli import main; main()"
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
        )
        return out.stdout.split()

    assert complete("bcc practices --sector pr", 3) == ["private"]
    assert "roundtable-viet-nam" in complete("bcc show roundtable-v", 2)
    assert "national-roundtable" in complete("bcc events --kind n", 3)
    assert "recruitment" in complete("bcc practices --stage rec", 3)


def test_json_outputs_parse(bcc: Callable[..., Run]) -> None:
    for args in (["summary"], ["timeline"], ["search", "border"], ["show", "rso"], ["cite", "rso"]):
        json.loads(bcc(*args, "--json").stdout)
