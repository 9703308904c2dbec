"""Say only what the sources say (issue 26), through the CLI and on the shipped data: every
link, classification and role has a basis; an excerpt supports its claim (README, "What
supports a claim"); what we made up is marked as ours in every view; no words about how the
facts were gathered reach a user."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bali_corruption_cli.core.values import strings
from bali_corruption_cli.model.layout import COLLECTIONS
from conftest import DATA, ROOT, Run

S1 = "rso-conference-article-2023"
ARTICLE = ROOT.parent / "shared" / "seeds" / "000_9fa5260ce04a23a8.txt"
Catalogue = dict[str, list[dict[str, Any]]]


def flat(text: str) -> str:
    return " ".join(text.split()).lower()


def exported(bcc: Callable[..., Run], tmp_path: Path, *data_dir: str) -> Catalogue:
    path = tmp_path / "catalogue.json"
    run = bcc(*data_dir, "export", "--format", "json", str(path), "--force")
    assert run.exit_code == 0, run.stderr
    document: Catalogue = json.loads(path.read_text(encoding="utf-8"))
    return document


# ---------------------------------------------------------------- the rule, as a test can hold it


def _names(catalogue: Catalogue, value: Any) -> list[str]:
    """The words that name a linked thing: a record's name, title, aliases, country and city
    (for a record id), or a vocabulary value's words (``civil-society``: "civil society")."""
    for records in catalogue.values():
        for record in records:
            if record["id"] == value:
                named = [record.get(k) for k in ("name", "title", "country", "city")]
                return [n for n in [*named, *record.get("aliases", [])] if isinstance(n, str)]
    return [str(value).replace("-", " ")]


def _linked(record: dict[str, Any], field: str) -> list[Any]:
    """What a basis of ``field`` links the record to: the field's values, or (for a field that is
    a property of the record itself, such as a stage's order or a title) the record."""
    value = record.get(field)
    if field in ("order", "title") or not isinstance(value, (str, list)):
        return [record["id"]]
    return value if isinstance(value, list) else [value]


def unsupported(catalogue: Catalogue) -> Iterator[str]:
    """Each sourced basis or role that the rule does not hold for. An excerpt supports its
    claim when it is the record's own passage (it lies within, or holds, one of the excerpts
    in the record's ``sources``) and names every linked thing; otherwise the basis says in a
    ``reason`` how the passage states it. A source that is not quoted (S2-S7) needs the reason,
    and a role its place (``at``)."""

    def supports(record: dict[str, Any], excerpt: str, linked: list[Any]) -> bool:
        own = [flat(c["excerpt"]) for c in record.get("sources", []) if c.get("excerpt")]
        text = flat(excerpt)
        its_own = any(text in o or o in text for o in own)
        return its_own and all(any(flat(n) in text for n in _names(catalogue, t)) for t in linked)

    for records in catalogue.values():
        for record in records:
            for field, basis in (record.get("basis") or {}).items():
                if basis["basis"] != "source" or basis.get("reason"):
                    continue
                if not basis.get("excerpt"):
                    yield f"{record['id']}: basis.{field}: a source not quoted, and no reason"
                elif not supports(record, basis["excerpt"], _linked(record, field)):
                    yield f"{record['id']}: basis.{field}: the excerpt does not state it, and no reason"
            for n, role in enumerate(record.get("roles") or ()):
                if role["basis"] != "source":
                    continue
                if not role.get("at"):
                    yield f"{record['id']}: roles[{n}]: no place in the source (at)"
                stated = role.get("excerpt") and supports(record, role["excerpt"], [record["id"]])
                if role["source"] == S1 and not role.get("reason") and not stated:
                    yield f"{record['id']}: roles[{n}]: the excerpt does not state it, and no reason"
                if role["source"] != S1 and not (role.get("reason") or role.get("note")):
                    yield f"{record['id']}: roles[{n}]: a source not quoted, and no note or reason"


def test_every_sourced_basis_and_role_is_supported_by_its_excerpt(
    bcc: Callable[..., Run], tmp_path: Path
) -> None:
    assert list(unsupported(exported(bcc, tmp_path))) == []


def test_a_section_lead_sentence_does_not_support_a_practice(bcc: Callable[..., Run], tmp_path: Path) -> None:
    """The case issue 26 found eight times: a sector resting on the section's lead sentence."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    path = data / "practices.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("- id: multi-stakeholder-task-forces")
    old = text[start:].split("    sectors:\n", 1)[1].split("    origin_event:\n", 1)[0]
    lead = (
        "      basis: source\n      source: rso-conference-article-2023\n"
        '      at: "Government Action, para 1"\n'
        "      excerpt: Governments, as central actors, are instrumental in addressing corruption,"
        " trafficking in persons, and people smuggling.\n"
    )
    path.write_text(text[:start] + text[start:].replace(old, lead, 1), encoding="utf-8")
    problems = list(unsupported(exported(bcc, tmp_path, "--data-dir", str(data))))
    assert problems == [
        "multi-stakeholder-task-forces: basis.sectors: the excerpt does not state it, and no reason"
    ]


def test_every_role_states_its_basis(bcc: Callable[..., Run]) -> None:
    sources = set(bcc("sources", "--json").ids())
    roles = [(s["id"], r) for s in bcc("stakeholders", "--json").json() for r in s["roles"]]
    assert roles
    for sid, role in roles:
        assert role["basis"] in ("source", "editorial"), sid
        assert role["source"] in sources, sid
        if role["basis"] == "editorial":
            assert role["reason"], sid
        else:
            assert role["at"], sid
        if role["source"] == S1:
            assert role["excerpt"], sid


def test_every_article_citation_carries_an_excerpt(bcc: Callable[..., Run], tmp_path: Path) -> None:
    """Not only a record's sources and bases: roles and attendance figures too."""
    catalogue = exported(bcc, tmp_path)
    cited = 0
    for records in catalogue.values():
        for record in records:
            for key in ("sources", "roles", "participants"):
                for citation in record.get(key) or ():
                    if citation["source"] == S1:
                        cited += 1
                        assert citation.get("excerpt"), (record["id"], key)
    assert cited >= 70


# ---------------------------------------------------------------- the decisions of issue 26


def by_id(run: Run) -> dict[str, Any]:
    return {r["id"]: r for r in run.json()}


def test_funding_of_the_series_is_ours_where_no_source_names_the_roundtable(bcc: Callable[..., Run]) -> None:
    funder = by_id(bcc("stakeholders", "--json"))["home-affairs-australia"]
    bases = {r["event"]: r["basis"] for r in funder["roles"]}
    assert bases == {
        "roundtable-viet-nam": "editorial",
        "roundtable-malaysia": "editorial",
        "roundtable-indonesia": "editorial",
        "roundtable-philippines": "source",  # S4 states it
        "roundtable-sri-lanka": "editorial",
        "roundtable-thailand": "source",  # S3: the series this roundtable concluded
        "roundtable-pacific-islands": "editorial",
        "report-release-2021": "editorial",  # S6 states the report's funding, not an event's
    }


def test_the_2021_report_was_released_not_launched(bcc: Callable[..., Run]) -> None:
    release = by_id(bcc("events", "--json"))["report-release-2021"]
    assert release["kind"] == "report-release"
    assert {f: release["basis"][f]["basis"] for f in ("title", "country", "city")} == {
        "title": "editorial",
        "country": "editorial",
        "city": "editorial",
    }
    assert "dateline" in release["basis"]["city"]["reason"]
    assert bcc("events", "--kind", "launch", "--json").ids() == ["report-release-2021"]
    # the roles taken from the report's front matter (S6) are filed under the release by us
    for person in bcc("stakeholders", "--event", "report-release-2021", "--json").json():
        for role in person["roles"]:
            if role["source"] == "corruption-facilitator-report-2021":
                assert role["basis"] == "editorial", person["id"]


def test_border_entry_order_is_ours(bcc: Callable[..., Run]) -> None:
    stages = by_id(bcc("stages", "--json"))
    for sid in ("land-border-entry", "maritime-border-entry", "airport-entry"):
        assert stages[sid]["basis"]["order"]["basis"] == "editorial", sid
    assert stages["recruitment"]["basis"]["order"]["basis"] == "source"
    # S5's "criminal justice proceedings being impeded" is filed under prosecution, not here
    cited = [c["source"] for c in stages["obstruction-of-investigations"]["sources"]]
    assert "unodc-report-release-2021" not in cited


def test_practice_decisions(bcc: Callable[..., Run]) -> None:
    practices = by_id(bcc("practices", "--json"))
    collaboration = practices["cross-country-cross-sector-collaboration"]
    assert collaboration["basis"]["origin_event"]["basis"] == "editorial"
    finance = practices["due-diligence-conditions-for-finance"]
    antecedent = practices["regulate-financial-institutions"]
    assert finance["sectors"] == antecedent["sectors"] == ["private", "government"]
    assert finance["basis"]["sectors"]["basis"] == antecedent["basis"]["sectors"]["basis"] == "editorial"


def test_lead_visit_and_filing_decisions(bcc: Callable[..., Run]) -> None:
    people = by_id(bcc("stakeholders", "--json"))
    # the lead of the Philippines roundtable: S3's statement about the series, applied by us
    for org in ("unodc", "rso"):
        (lead,) = [
            r for r in people[org]["roles"] if (r["role"], r["event"]) == ("lead", "roundtable-philippines")
        ]
        assert (lead["basis"], lead["source"]) == ("editorial", "bp-thailand-roundtable-2023"), org
        assert "web address" not in lead["reason"]
    # S7 says the RSO visited the office: calling the office the host is ours
    (host,) = people["unodc-roseap"]["roles"]
    assert (host["role"], host["basis"]) == ("host", "editorial")
    # S6 names the university as its researchers' institution, not as an author
    assert people["university-of-queensland"]["roles"] == []
    findings = by_id(bcc("findings", "--json"))
    for fid in ("corruption-at-every-stage", "public-and-private-actors"):  # of the report, filed by us
        assert findings[fid]["basis"]["about"]["basis"] == "editorial", fid
    practice = by_id(bcc("practices", "--json"))["evidence-based-reporting"]
    assert practice["basis"]["sectors"]["basis"] == "editorial"  # a section's lead sentence alone
    # no claim about what S3 leaves out: FACTS says what it states
    assert not [t for t in strings(bcc("events", "--json").json()) if "does not list the roundtables" in t]


def test_a_host_or_funder_named_only_by_a_role_of_ours_is_marked(bcc: Callable[..., Run]) -> None:
    """An event's computed hosts and funders carry the basis of the roles behind them."""
    people = bcc("stakeholders", "--json").json()
    names = {p["id"]: p["name"] for p in people}
    roles: dict[tuple[str, str, str], set[str]] = {}
    for person in people:
        for role in person["roles"]:
            if role["role"] in ("host", "funder") and role["event"]:
                roles.setdefault((role["event"], role["role"] + "s", person["id"]), set()).add(role["basis"])
    assert {"editorial"} in roles.values() and {"source"} in roles.values()  # the data has both
    for event in bcc("events", "--json").json():
        out = bcc("show", event["id"], env={"COLUMNS": "400"}).stdout
        markdown = bcc("show", event["id"], "-f", "markdown").stdout
        for field in ("hosts", "funders"):
            for sid in event[field]:
                ours = roles[(event["id"], field, sid)] == {"editorial"}
                assert (f"  - {names[sid]} [E]" in out) == ours, (event["id"], sid)
                assert (f"  - {names[sid]} \\[E]" in markdown) == ours, (event["id"], sid)
                link = f"→ {field} (basis: editorial): {names[sid]}"
                assert (link in out) == ours, (event["id"], sid)
                why = f"[E] {field}: {names[sid]}: editorial (its role); "  # the Basis section says why
                assert (why in out) == ours, (event["id"], sid)
    table = bcc("events", "--fields", "id,funders", env={"COLUMNS": "400"}).stdout
    line = next(x for x in table.splitlines() if x.startswith("roundtable-viet-nam "))
    assert line.rstrip().endswith("(Australian Government) [E]") and "[E] editorial:" in table
    assert all("[E]" not in sid for e in bcc("events", "--json").json() for sid in e["funders"])


def test_a_maker_of_ours_is_marked_in_the_briefing(bcc: Callable[..., Run], tmp_path: Path) -> None:
    recommendations = bcc("recommendations", "--json").json()
    ours = [r for r in recommendations if r["made_by"] and r["basis"]["made_by"]["basis"] == "editorial"]
    theirs = [r for r in recommendations if r["made_by"] and r["id"] not in {o["id"] for o in ours}]
    assert ours and theirs
    summary = " ".join(bcc("summary", env={"COLUMNS": "400"}).stdout.split())
    markdown = bcc("summary", "-f", "markdown").stdout
    page = tmp_path / "brief.html"
    assert bcc("report", str(page)).exit_code == 0
    html = page.read_text(encoding="utf-8")
    for r in ours:
        assert f"{r['title']} ({r['kind']}, by " in summary
        assert re.search(re.escape(r["title"]) + r" \(call, by [^()]+ \[E\]\)", summary), r["id"]
        item = html[html.index(f'href="#r-{r["id"]}"') :].split("</li>", 1)[0]
        assert "(our reading)" in item, r["id"]
    for r in theirs:
        item = html[html.index(f'href="#r-{r["id"]}"') :].split("</li>", 1)[0]
        assert "(our reading)" not in item.split("made by", 1)[1].split("at", 1)[0], r["id"]
    assert "[E] editorial: our classification" in summary and "\\[E] editorial" in markdown


def test_other_decisions(bcc: Callable[..., Run]) -> None:
    recommendation = by_id(bcc("recommendations", "--json"))["concerted-efforts"]
    assert recommendation["event"] is None  # said in the article's own voice, after the report
    people = by_id(bcc("stakeholders", "--json"))
    assert people["onacc-thailand"]["basis"]["sector"]["basis"] == "source"
    assert people["onacc-thailand"]["basis"]["sector"]["source"] == "bp-thailand-roundtable-2023"
    assert people["david-scott"]["basis"]["country"]["basis"] == "editorial"
    assert "speaks for" not in people["marika-mcadam"]["basis"]["sector"]["reason"]
    s2_finding = by_id(bcc("findings", "--json"))["officials-enable-entry-transport-and-documents"]
    assert "transportation of migrants" in s2_finding["text"]
    assert s2_finding["sources"][0]["source"] == "unodc-conference-story-2023"


# ---------------------------------------------------------------- ours, marked as ours


def test_our_titles_codes_and_aliases_are_marked_in_tables(bcc: Callable[..., Run]) -> None:
    events = bcc("events", "--fields", "id,title", env={"COLUMNS": "200"}).stdout
    line = next(x for x in events.splitlines() if x.startswith("roundtable-viet-nam"))
    assert line.rstrip().endswith("Viet Nam [E]")
    conference = next(x for x in events.splitlines() if x.startswith("regional-conference-2023"))
    assert "[E]" not in conference  # the article names it
    countries = bcc("countries", env={"COLUMNS": "200"}).stdout
    line = next(x for x in countries.splitlines() if x.startswith("philippines"))
    assert "PH [E]" in line and "PHL [E]" in line and "Pilipinas [E]" in line
    people = bcc("stakeholders", "--fields", "id,aliases,roles", env={"COLUMNS": "250"}).stdout
    block = people[people.index("\nhome-affairs-australia") :].split("\n\n")[0]
    row = " ".join(block.split())
    # a role names its event by title, as views for people name every record they refer to;
    # the title is ours, and says so; the role is ours where [E] follows
    assert "DHA [E]" in row and "funder at National roundtable on corruption, Viet Nam (our title) [E]" in row
    assert "funder at National roundtable on corruption, the Philippines (our title)," in row


def test_our_marks_in_markdown_html_and_csv(bcc: Callable[..., Run], tmp_path: Path) -> None:
    markdown = bcc("show", "roundtable-viet-nam", "--format", "markdown").stdout
    assert "- \\[E] title: editorial; Our title" in markdown
    rows = bcc("events", "-f", "csv", "--fields", "id,basis").stdout
    assert '""title"": {""basis"": ""editorial""' in rows
    page = tmp_path / "report.html"
    assert bcc("report", str(page)).exit_code == 0
    html = page.read_text(encoding="utf-8")
    assert "National roundtable on corruption, Viet Nam (our title)" in html
    assert "RSO and UNODC Regional Conference on Corruption (our title)" not in html
    assert "(our title, rebuilt from the web address)" in html


def test_paraphrased_wording_is_said_to_be_ours(bcc: Callable[..., Run]) -> None:
    conference = by_id(bcc("events", "--json"))["regional-conference-2023"]
    assert [p["quoted"] for p in conference["participants"]] == [True, False]
    show = bcc("show", "regional-conference-2023", env={"COLUMNS": "300"}).stdout
    assert (
        '"100 delegates from government, the private sector, civil society, the media and academia" ' in show
    )
    # views for people name a source by its label (S2), as their Sources sections do
    assert "the private sector (our paraphrase of S2)" in show
    summary = bcc("summary", env={"COLUMNS": "300"}).stdout
    assert "(our paraphrase of S2)" in summary
    assert "the seventh, and final, roundtable of the series (our paraphrase of S3)" in summary
    markdown = bcc("summary", "--format", "markdown").stdout
    assert "(our paraphrase of S2)" in markdown
    assert "unodc-conference-story-2023" not in summary


def test_quotes_say_which_are_direct_paraphrase_and_topic(bcc: Callable[..., Run], tmp_path: Path) -> None:
    table = bcc("quotes", env={"COLUMNS": "200"}).stdout
    kinds = {"scott-not-a-quick-fix": "direct", "miller-complicit-officials": "paraphrase"}
    kinds |= {"jones-corruption-and-organised-crime": "topic"}
    for qid, kind in kinds.items():
        line = next(x for x in table.splitlines() if x.startswith(qid))
        assert line.split()[1] == kind, line
    for qid, kind in kinds.items():
        assert f"- **kind**: {kind}" in bcc("show", qid, "--format", "markdown").stdout
    page = tmp_path / "report.html"
    assert bcc("report", str(page)).exit_code == 0
    html = page.read_text(encoding="utf-8")
    assert "Quote by David Scott (direct, the source&#39;s words)" in html
    assert "Paraphrase of Dr Rebecca Miller (our words, not a quotation)" in html
    assert "Topic spoken on by Evan Jones (not their words)" in html


# ---------------------------------------------------------------- no process words


# Words about how the facts were gathered, not about the sources (issue 26's examples and kin).
PROCESS_WORDS = re.compile(
    r"taken from the sources|facts taken from|stored page|stored copy|copy read|the page we|"
    r"real headline|(?-i:FACTS)|seeds?/|\.txt\b|scraped|crawl",
    re.IGNORECASE,
)


def test_no_process_words_in_the_data(bcc: Callable[..., Run], tmp_path: Path) -> None:
    found = [s for s in strings(exported(bcc, tmp_path)) if PROCESS_WORDS.search(s)]
    assert found == []


@pytest.mark.parametrize("collection", list(COLLECTIONS))
def test_no_process_words_in_schema_descriptions(bcc: Callable[..., Run], collection: str) -> None:
    run = bcc("schema", collection)
    assert run.exit_code == 0
    found = [s for s in strings(json.loads(run.stdout)) if PROCESS_WORDS.search(s)]
    assert found == []


def test_process_words_are_caught(bcc: Callable[..., Run], tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    path = data / "sources.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("date_note: S4 gives no year;", "date_note: The stored page prints no year;"),
        encoding="utf-8",
    )
    found = [s for s in strings(exported(bcc, tmp_path, "--data-dir", str(data))) if PROCESS_WORDS.search(s)]
    assert found and "stored page" in found[0]


@pytest.mark.skipif(not ARTICLE.exists(), reason="the article is not beside the repository")
def test_check_excerpts_fails_when_a_role_citing_the_article_has_none(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    path = data / "stakeholders.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("- id: david-scott")
    old = text[start:].split("      excerpt: >-\n", 1)[0] + "      excerpt: >-\n"
    role_excerpt = (
        "        In opening remarks to the conference, David Scott, RSO Co-Manager (Australia),\n"
        "        highlighted that:\n"
    )
    assert text[start:].startswith(old) and text[start + len(old) :].startswith(role_excerpt)
    cut = old.removesuffix("      excerpt: >-\n")
    path.write_text(text[:start] + cut + text[start + len(old) + len(role_excerpt) :], encoding="utf-8")
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "check_excerpts"), "--data-dir", str(data)],
        capture_output=True,
        text=True,
        env={"BCC_CACHE_DIR": "", "PATH": ""},
        check=False,
    )
    assert run.returncode == 1, run.stderr
    assert "david-scott: roles[0].excerpt: missing" in run.stderr
    assert "1 problem(s)" in run.stderr


# ---------------------------------------------------------------- our titles, wherever a record is named


def _ours(bcc: Callable[..., Run]) -> tuple[dict[str, str], dict[str, str]]:
    """Every event's title, split by the rule: (ours: basis.title editorial; a source's)."""
    events = bcc("events", "--json").json()
    ours = {e["id"]: e["title"] for e in events if e["basis"].get("title", {}).get("basis") == "editorial"}
    theirs = {e["id"]: e["title"] for e in events if e["id"] not in ours}
    assert ours and theirs  # the shipped data has both
    return ours, theirs


def test_a_title_of_ours_says_so_wherever_a_record_is_named(bcc: Callable[..., Run], tmp_path: Path) -> None:
    ours, theirs = _ours(bcc)
    wide = {"COLUMNS": "400"}
    views = {
        "quotes": bcc("quotes", env=wide).stdout,
        "stakeholders --fields id,roles": bcc("stakeholders", "--fields", "id,roles", env=wide).stdout,
        "quotes -f markdown": bcc("quotes", "-f", "markdown").stdout,
    }
    for event_id in [*ours, *theirs]:  # each event's page names the records linked to it, and they it
        for quote in bcc("quotes", "--event", event_id, "--json").json():
            views[f"show {quote['id']}"] = bcc("show", quote["id"], env=wide).stdout
        for person in bcc("stakeholders", "--event", event_id, "--json").json():
            views[f"show {person['id']}"] = bcc("show", person["id"], env=wide).stdout
            views[f"evidence {person['id']}"] = bcc("show", person["id"], "--evidence", env=wide).stdout
    page = tmp_path / "report.html"
    assert bcc("report", str(page)).exit_code == 0
    html = page.read_text(encoding="utf-8")
    for title in ours.values():
        for name, view in views.items():  # each time it is named, it says so
            out = " ".join(view.split())  # a cell may fold at a space
            for at in re.finditer(re.escape(title), out):
                assert out[at.end() :].startswith(" (our title)"), (name, title)
        assert f">{title}<" not in html  # every link to it, and the card's heading, say so
        assert f">{title} (our title)<" in html
    for title in theirs.values():
        for out in (*views.values(), html):
            assert f"{title} (our title)" not in out


def test_search_and_timeline_mark_our_titles(bcc: Callable[..., Run]) -> None:
    ours, theirs = _ours(bcc)
    wide = {"COLUMNS": "400"}
    hits = bcc("search", "national roundtable", "--limit", "100", env=wide).stdout
    timeline = bcc("timeline", env=wide).stdout
    for event_id, title in ours.items():
        if event_id in hits:
            assert f"{title} (our title)" in hits
        line = next(x for x in timeline.splitlines() if f" {event_id} " in x)
        assert f"{title} [E]" in line
    for event_id, title in theirs.items():
        line = next(x for x in timeline.splitlines() if f" {event_id} " in x)
        assert f"{title} [E]" not in line and f"{title} (our title)" not in hits
    assert "[E] editorial: our classification" in timeline
    sources = bcc("sources", "--json").json()
    rebuilt = [s for s in sources if s.get("title_reconstructed")]
    assert rebuilt
    for source in rebuilt:  # a source's rebuilt title, found by its words
        words = " ".join(source["title"].split()[:6])
        found = bcc("search", words, "--type", "sources", env=wide).stdout
        assert "(our title, rebuilt from the web address)" in found
    # machine output keeps the data as it is
    assert all("(our title" not in h["title"] for h in bcc("search", "national roundtable", "--json").json())


def test_markdown_tables_mark_what_is_ours_as_the_terminal_does(bcc: Callable[..., Run]) -> None:
    """Each collection's Markdown table marks every cell the terminal's table marks (a field
    whose basis is editorial), and gives the legend once when it marks one."""
    behind: dict[tuple[str, str, str], set[str]] = {}  # an event's host or funder: its roles' bases
    for person in bcc("stakeholders", "--json").json():
        for role in person["roles"]:
            behind.setdefault((str(role["event"]), role["role"] + "s", person["id"]), set()).add(
                role["basis"]
            )
    for collection in COLLECTIONS:
        records = {r["id"]: r for r in bcc(collection, "--json").json()}
        out = bcc(collection, "-f", "markdown", "--wide").stdout
        lines = out.splitlines()
        columns = [c.strip().replace("\\_", "_") for c in lines[0].strip("|").split(" | ")]
        marked = False
        for line in lines[2:]:
            if not line.startswith("| "):
                break
            cells = [c.strip() for c in line[2:-2].split(" | ")]
            record = records[cells[0]]
            for column, text in zip(columns, cells, strict=True):
                why = (record.get("basis") or {}).get(column) or {}
                ours = why.get("basis") == "editorial" and record.get(column) not in (None, [], "")
                items = record.get(column) if isinstance(record.get(column), list) else []
                # each role its own basis; an event's host or funder, that of the roles behind it
                bases = [i["basis"] for i in items if isinstance(i, dict) and "basis" in i]
                if collection == "events" and column in ("hosts", "funders"):
                    bases = [
                        "editorial" if behind[(record["id"], column, i)] == {"editorial"} else "source"
                        for i in items
                    ]
                last = bool(bases) and bases[-1] == "editorial"
                assert text.endswith("\\[E]") == (ours or last), (collection, record["id"], column, text)
                assert text.count("\\[E]") == bases.count("editorial") + ours
                marked |= ours or "editorial" in bases
        assert ("\\[E] editorial: our classification" in out) == marked, collection


def test_show_marks_each_field_that_is_ours(bcc: Callable[..., Run]) -> None:
    for event_id, record in {e["id"]: e for e in bcc("events", "--json").json()}.items():
        out = bcc("show", event_id, env={"COLUMNS": "400"}).stdout
        markdown = bcc("show", event_id, "-f", "markdown").stdout
        for field in ("title", "country", "city"):
            if not record.get(field):
                continue
            ours = record["basis"].get(field, {}).get("basis") == "editorial"
            line = next(x for x in out.splitlines() if x.startswith(f"{field}:"))
            assert line.endswith(" [E]") == ours, line
            item = next(x for x in markdown.splitlines() if x.startswith(f"- **{field}**:"))
            assert item.endswith(" \\[E]") == ours, item
        ours = record["basis"].get("title", {}).get("basis") == "editorial"
        assert out.splitlines()[0].endswith("(our title)") == ours
