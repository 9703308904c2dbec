"""The shipped catalogue: it validates, every record is traceable, and the article's facts are in it."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bali_corruption_cli import catalog
from bali_corruption_cli.model import layout
from conftest import DATA, Run

ARTICLE = DATA.parent.parent / "shared" / "seeds" / "000_9fa5260ce04a23a8.txt"


@pytest.fixture(scope="module")
def shipped() -> catalog.Catalog:
    cat, problems = catalog.check(DATA)
    assert cat is not None, [str(p) for p in problems]
    return cat


def test_shipped_catalogue_has_no_problems(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BCC_CACHE_DIR", "")
    cat, problems = catalog.check(DATA)
    assert cat is not None
    assert [str(p) for p in problems] == []


def test_every_record_cites_existing_sources(shipped: catalog.Catalog) -> None:
    source_ids = {s["id"] for s in shipped.records("sources")}
    for name, record in shipped.all_records():
        if name == "sources":
            continue
        cited = [c["source"] for c in record["sources"]]
        assert cited, f"{name} {record['id']} cites nothing"
        assert set(cited) <= source_ids, record["id"]
        assert all(c["at"].strip() for c in record["sources"])


def test_every_reference_resolves(shipped: catalog.Catalog) -> None:
    for ref in layout.REFERENCES:
        targets = {r[ref.by] for r in shipped.records(ref.target)}
        for record in shipped.records(ref.collection):
            for _loc, value in layout.locate(record, ref.path):
                assert value in targets, (ref.collection, record["id"], ref.path, value)


def test_ids_are_kebab_case_and_unique_across_collections(shipped: catalog.Catalog) -> None:
    ids = [r["id"] for _name, r in shipped.all_records()]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) for i in ids)


def test_every_source_is_cited(shipped: catalog.Catalog) -> None:
    cited = {c["source"] for name, r in shipped.all_records() if name != "sources" for c in r["sources"]}
    assert cited == {s["id"] for s in shipped.records("sources")}


def test_integrity_check_catches_a_dangling_reference(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BCC_CACHE_DIR", "")
    for f in DATA.glob("*.yaml"):
        (tmp_path / f.name).write_bytes(f.read_bytes())
    path = tmp_path / "practices.yaml"
    path.write_text(
        path.read_text().replace("origin_event: roundtable-philippines", "origin_event: roundtable-manila")
    )
    cat, problems = catalog.check(tmp_path)
    assert cat is None
    assert any("unknown events id 'roundtable-manila'" in str(p) for p in problems)


# ------------------------------------------------------------ facts of the article (S1)


def by_id(run: Run) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in run.json()}


def test_article_private_sector_practices(bcc: Callable[..., Run]) -> None:
    practices = bcc("practices", "--sector", "private", "--json").json()
    text = " ".join(p["title"] + " " + p["summary"] for p in practices).lower()
    for fact in [
        "financial institutions",
        "safeguarding",
        "enforcement",
        "loans",
        "regulatory bodies",
        "whistleblower",
        "modern slavery",
        "supply chains",
        "officers",
        "licensing",
        "audits",
        "social responsibility",
        "subsidiaries",
    ]:
        assert fact in text, fact
    for p in practices:
        assert any(c["source"] == "rso-conference-article-2023" for c in p["sources"])


def test_article_government_and_civil_society_practices(bcc: Callable[..., Run]) -> None:
    gov = " ".join(
        p["title"] + " " + p["summary"] for p in bcc("practices", "--sector", "government", "--json").json()
    ).lower()
    for fact in [
        "labour",
        "origin",
        "destination",
        "gap between trafficking laws",
        "task forces",
        "political commitment",
        "whistleblowers",
        "victims",
        "deterrent",
    ]:
        assert fact in gov, fact
    csm = bcc("practices", "--sector", "media", "--sector", "civil-society", "--sector", "academia", "--json")
    text = " ".join(p["summary"] for p in csm.json()).lower()
    for fact in ["evidence", "voices", "journalists", "information"]:
        assert fact in text, fact


def test_article_seven_roundtable_places(bcc: Callable[..., Run]) -> None:
    roundtables = bcc("events", "--kind", "national-roundtable", "--json").json()
    assert sorted(r["country"] for r in roundtables) == sorted(
        ["Viet Nam", "Malaysia", "Indonesia", "Philippines", "Sri Lanka", "Thailand", "Pacific Islands"]
    )
    for r in roundtables:
        assert any("six" in c for c in r["caveats"]), r["id"]


def test_article_conference_hosts_delegates_and_dates(bcc: Callable[..., Run]) -> None:
    conf = bcc("events", "--kind", "regional-conference", "--json").json()
    assert len(conf) == 1
    c = conf[0]
    assert c["hosts"] == ["rso", "unodc", "onacc-thailand"]
    assert (c["start_date"], c["end_date"], c["city"], c["country"]) == (
        "2023-11-21",
        "2023-11-22",
        "Bangkok",
        "Thailand",
    )
    counts = {(p["count"], p["qualifier"], p["source"]) for p in c["participants"]}
    # the article says "100 delegates", no more: no qualifier (issue 14)
    assert (100, None, "rso-conference-article-2023") in counts
    assert (100, "more-than", "unodc-conference-story-2023") in counts
    hosts = bcc("stakeholders", "--role", "host", "--event", "regional-conference-2023", "--json").ids()
    assert sorted(hosts) == ["onacc-thailand", "rso", "unodc"]
    delegates = bcc("stakeholders", "--kind", "group", "--event", "regional-conference-2023", "--json").json()
    assert {d["sector"] for d in delegates} == {"government", "private", "civil-society", "media", "academia"}


def test_article_stages_in_order(bcc: Callable[..., Run]) -> None:
    stages = bcc("stages", "--json").ids()
    assert stages == [
        "recruitment",
        "fraudulent-documents",
        "land-border-entry",
        "maritime-border-entry",
        "airport-entry",
        "obstruction-of-investigations",
        "prosecution-and-judicial-processes",
    ]


def test_article_quote_and_next_steps(bcc: Callable[..., Run]) -> None:
    quote = bcc("quotes", "--speaker", "David Scott", "--json").json()
    assert len(quote) == 1 and quote[0]["kind"] == "direct"
    assert "not a quick fix" in quote[0]["text"]
    if ARTICLE.exists():  # the verbatim quotation is in the article word for word
        article = " ".join(ARTICLE.read_text(encoding="utf-8").split())
        assert " ".join(quote[0]["text"].split()) in article
    scott = by_id(bcc("stakeholders", "--json"))["david-scott"]
    assert scott["position"] == "RSO Co-Manager (Australia)"
    steps = bcc("recommendations", "--kind", "next-step", "--json").json()
    text = " ".join(s["text"] for s in steps).lower()
    assert "continue discussing" in text and "safe and legal migration" in text and "legislation" in text
    calls = bcc("recommendations", "--kind", "call", "--by", "david-scott", "--json").ids()
    assert {"resource-anti-corruption-actors", "legislation-criminalising-corruption"} <= set(calls)


def test_article_report_both_spellings(bcc: Callable[..., Run]) -> None:
    report = by_id(bcc("sources", "--kind", "report", "--json"))["corruption-facilitator-report-2021"]
    assert report["title"].endswith("with a focus on Southeast Asia")
    assert report["alt_titles"][0].endswith("with a focus on South East Asia")


def test_facts_uncertain_and_disputed(bcc: Callable[..., Run]) -> None:
    events = by_id(bcc("events", "--json"))
    ph = events["roundtable-philippines"]
    assert ph["start_date"] is None and ph["month_day"] == "--05-30" and ph["city"] == "Manila"
    assert "year" in ph["date_note"]
    assert [p["position"] for p in ph["series_position"]] == [6]
    th = events["roundtable-thailand"]
    assert th["start_date"] == "2023-10-18" and [p["position"] for p in th["series_position"]] == [7]
    assert events["report-release-2021"]["start_date"] == "2021-03-29"
    assert events["report-release-2021"]["kind"] == "report-release"
    assert events["rso-unodc-meeting-2021"]["start_date"] == "2021-01-27"
    for rid in (
        "roundtable-viet-nam",
        "roundtable-malaysia",
        "roundtable-indonesia",
        "roundtable-sri-lanka",
        "roundtable-pacific-islands",
    ):
        assert events[rid]["start_date"] is None and events[rid]["city"] is None


def test_facts_people_and_funders(bcc: Callable[..., Run]) -> None:
    people = by_id(bcc("stakeholders", "--kind", "person", "--json"))
    assert set(people) == {
        "joseph-lelliott",
        "andreas-schloenhardt",
        "rebecca-miller",
        "marika-mcadam",
        "david-scott",
        "evan-jones",
        "ryan-winch",
    }
    funders = bcc("stakeholders", "--role", "funder", "--json").ids()
    assert funders == ["home-affairs-australia"]
    ph = bcc("stakeholders", "--event", "roundtable-philippines", "--role", "participant", "--json").ids()
    assert sorted(ph) == ["dfa-philippines", "doj-philippines", "iacat", "rso"]  # S4: the RSO took part
    border = bcc("practices", "--event", "roundtable-philippines", "--json").ids()
    assert border == ["border-officer-screening-guidelines"]


def test_article_sector_roles(bcc: Callable[..., Run]) -> None:
    findings = {f["id"]: f for f in bcc("findings", "--json").json()}
    assert "central actors" in findings["governments-are-central-actors"]["text"]
    assert "crucial" in findings["private-sector-has-a-crucial-role"]["text"]
    assert "no-current-scale-without-corruption" in findings


@functools.cache
def _some_shipped_records() -> list[dict[str, Any]]:
    shipped, _problems = catalog.check(DATA, cache=False)
    assert shipped is not None
    return [r for recs in shipped.collections.values() for r in recs]


_values = st.recursive(
    st.one_of(st.none(), st.integers(), st.text(max_size=3)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(["source", "at", "x"]), inner, max_size=3),
    ),
    max_leaves=8,
)


@settings(max_examples=200, deadline=None, database=None)
@given(
    st.lists(
        st.dictionaries(st.sampled_from(["sources", "stages", "event", "about", "x"]), _values, max_size=4),
        max_size=4,
    )
)
def test_strings_at_is_locate_without_locations(records: list[dict[str, Any]]) -> None:
    """layout.strings_at (a whole collection at once) finds the strings layout.locate finds."""
    real = _some_shipped_records()
    for path in {ref.path for ref in layout.REFERENCES}:
        for batch in (records, real):
            expected = {v for r in batch for _loc, v in layout.locate(r, path) if isinstance(v, str)}
            assert layout.strings_at(batch, path) == expected, path
