"""Views for people speak the reader's language (issue 23): names in place of ids, quotes that
cannot be misquoted, `show` without noise, a search that says what it did, a summary that is a
briefing, and separators escaped in `cite` and Markdown.  Machine formats keep the ids.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bali_corruption_cli.model.layout import COLLECTIONS, REFERENCES, TITLE_FIELD
from conftest import Run
from conftest_hostile import add_records, copy_data

WIDE = {"COLUMNS": "1000"}  # one line a value: a block's lines can be read back whole
QUOTE_MARKS = {"direct": '"{}"', "paraphrase": "Paraphrase (our words): {}", "topic": "Topic: {}"}


def catalogue(bcc: Callable[..., Run]) -> dict[str, list[dict[str, Any]]]:
    return {name: bcc(name, "--json").json() for name in COLLECTIONS}


def names_of(records: dict[str, list[dict[str, Any]]]) -> dict[str, str]:
    """Every id with what people read for it: a source's label, else its name or title."""
    out = {}
    for collection, rows in records.items():
        for r in rows:
            out[r["id"]] = (
                r.get("label") or r["id"] if collection == "sources" else r[TITLE_FIELD[collection]]
            )
    return out


def blocks(out: str) -> dict[str, dict[str, str]]:
    """`--layout records` output at a width that folds nothing: each block's fields by id."""
    found = {}
    for block in out.split("\n\n"):
        fields = dict(
            (m.group(1), m.group(2)) for m in re.finditer(r"^(\w+):[ ]*(.*)$", block, re.M) if m.group(1)
        )
        if "id" in fields:
            found[fields["id"]] = fields
    return found


# ---------------------------------------------------------------- names in every view for people


# Each top-level field that holds ids of other records (countries are referred to by name).
TOP_REFERENCES = sorted(
    {
        (ref.collection, ref.path.removesuffix("[]"))
        for ref in REFERENCES
        if ref.by == "id" and "." not in ref.path and ref.collection in COLLECTIONS
    }
)


@pytest.mark.parametrize(("collection", "field"), TOP_REFERENCES)
def test_a_reference_reads_as_its_name_in_tables(
    bcc: Callable[..., Run], collection: str, field: str
) -> None:
    records = catalogue(bcc)
    names = names_of(records)
    shown = blocks(bcc(collection, "--layout", "records", "--fields", f"id,{field}", env=WIDE).stdout)
    checked = 0
    for record in records[collection]:
        value = record[field]
        ids = value if isinstance(value, list) else [] if value is None else [value]
        line = shown[record["id"]][field]
        for rid in ids:
            assert names[rid] in line, (record["id"], field, line)
            if names[rid] != rid:
                assert not re.search(rf"(^|[ ,]){re.escape(rid)}($|[ ,])", line), (record["id"], line)
            checked += 1
    # the same values in JSON and CSV are the ids themselves
    for record in bcc(collection, "--json", "--fields", f"id,{field}").json():
        value = record[field]
        assert all(v in names for v in (value if isinstance(value, list) else [value] if value else []))
    if collection in ("quotes", "events", "practices", "stakeholders"):
        assert checked, f"no {field} in {collection} to check"


def speakers(bcc: Callable[..., Run]) -> dict[str, str]:
    """Each person as views for people name a quote's speaker: with the organisation they
    belong to ("David Scott (Regional Support Office of the Bali Process)")."""
    everyone = {p["id"]: p for p in bcc("stakeholders", "--json").json()}
    return {
        i: p["name"] + (f" ({everyone[p['organisation']]['name']})" if p["organisation"] else "")
        for i, p in everyone.items()
    }


def test_quotes_table_names_the_speaker_and_marks_each_kind(bcc: Callable[..., Run]) -> None:
    quotes = bcc("quotes", "--json").json()
    people = speakers(bcc)  # who spoke: the person, with the organisation they belong to
    everyone = {p["id"]: p for p in bcc("stakeholders", "--json").json()}
    assert all(everyone[q["speaker"]]["organisation"] for q in quotes)  # the shipped speakers have one
    out = bcc("quotes", "--layout", "records", env=WIDE).stdout
    shown = blocks(out)
    assert {k for b in shown.values() for k in b} == {"id", "kind", "speaker", "event", "text"}
    # where it was said: the event's title, saying so when the title is ours, not a source's
    events = bcc("events", "--json").json()
    ours = {e["id"] for e in events if e["basis"].get("title", {}).get("basis") == "editorial"}
    titles = {e["id"]: e["title"] + (" (our title)" if e["id"] in ours else "") for e in events}
    for q in quotes:
        block = shown[q["id"]]
        assert block["speaker"] == people[q["speaker"]]
        assert block["event"].removesuffix(" [E]") == titles[q["event"]]
        assert block["text"] == QUOTE_MARKS[q["kind"]].format(q["text"]), block
        assert block["kind"] == q["kind"]
    assert {q["kind"] for q in quotes} == set(QUOTE_MARKS)  # the shipped data has every kind
    # JSON keeps the exact text and the speaker's id
    assert all(q["speaker"] in people for q in quotes)
    assert not any(q["text"].startswith(('"', "Paraphrase", "Topic")) for q in quotes)
    # only quotations: --kind direct
    direct = blocks(bcc("quotes", "--kind", "direct", "--layout", "records", env=WIDE).stdout)
    assert direct and all(b["text"].startswith('"') and b["text"].endswith('"') for b in direct.values())


def test_quotes_are_marked_in_show_markdown_and_search(bcc: Callable[..., Run]) -> None:
    quotes = {q["id"]: q for q in bcc("quotes", "--json").json()}
    for qid, q in quotes.items():
        marked = QUOTE_MARKS[q["kind"]].format(q["text"])
        show = bcc("show", qid, env=WIDE).stdout
        assert re.search(rf"^text:\s+{re.escape(marked)}$", show, re.M), show
        markdown = bcc("show", qid, "-f", "markdown").stdout
        assert marked.replace("(", "(").split(":")[0] in markdown
        assert bcc("show", qid, "--json").json()["record"]["text"] == q["text"]
    speaker = bcc("show", "rebecca-miller", env=WIDE).stdout
    for q in quotes.values():
        if q["speaker"] == "rebecca-miller":
            assert QUOTE_MARKS[q["kind"]].format(q["text"]) in speaker  # the links name the quote so
    hits = bcc("search", "transnational", "organised", "--type", "quote", env=WIDE).stdout
    assert "Topic: Spoke on how corruption" in hits
    piece = bcc("search", "bribes", "--layout", "records", env=WIDE).stdout  # a piece of a paraphrase
    assert re.search(r"^snippet: Paraphrase \(our words\): … are complicit", piece, re.M), piece
    assert bcc("search", "bribes", "--json").json()[0]["snippet"].startswith("…")  # scripts: the text


def test_stakeholders_show_the_organisation_by_name(bcc: Callable[..., Run]) -> None:
    records = bcc("stakeholders", "--json").json()
    names = {r["id"]: r["name"] for r in records}
    shown = blocks(bcc("stakeholders", "--layout", "records", env=WIDE).stdout)
    assert list(shown["david-scott"]) == ["id", "name", "kind", "organisation", "position"]
    with_org = [r for r in records if r["organisation"]]
    assert with_org
    for r in records:
        if r["organisation"]:
            assert shown[r["id"]]["organisation"] == names[r["organisation"]]
        else:  # a default table's blocks leave out what is empty
            assert "organisation" not in shown[r["id"]]
    asked = blocks(bcc("stakeholders", "--fields", "id,organisation", "--layout", "records", env=WIDE).stdout)
    assert asked["rso"] == {"id": "rso", "organisation": ""}  # asked for: shown, empty


def test_events_hosts_by_name(bcc: Callable[..., Run]) -> None:
    out = bcc("events", "--fields", "id,title,hosts", env={"COLUMNS": "300"}).stdout
    words = " ".join(out.split())
    assert "Regional Support Office of the Bali Process" in words
    assert "Office of the National Anti-Corruption Commission of Thailand" in words
    assert not re.search(r"\b(rso|unodc|onacc-thailand),", out)
    hosts = {e["id"]: e["hosts"] for e in bcc("events", "--json").json()}
    assert hosts["regional-conference-2023"] == ["rso", "unodc", "onacc-thailand"]  # ids for scripts
    csv = bcc("events", "-f", "csv", "--fields", "id,hosts").stdout
    assert '"[""rso"", ""unodc"", ""onacc-thailand""]"' in csv


def test_sources_show_their_label_and_address(bcc: Callable[..., Run]) -> None:
    sources = bcc("sources", "--json").json()
    shown = blocks(bcc("sources", "--layout", "records", env=WIDE).stdout)
    for s in sources:
        assert shown[s["id"]]["label"] == s["label"]
        assert shown[s["id"]]["url"] == s["url"]
    assert [s["label"] for s in sources] == [f"S{n}" for n in range(1, len(sources) + 1)]


def test_wide_tables_give_basis_and_overlay_in_words(bcc: Callable[..., Run], tmp_path: Path) -> None:
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "events.yaml").write_text(
        "- id: roundtable-viet-nam\n  patch: true\n  date_note: The date as a later source gives it.\n",
        encoding="utf-8",
    )
    out = bcc("--with", str(extra), "events", "--wide", "--layout", "records", env=WIDE).stdout
    assert "{" not in out and '"basis"' not in out  # no JSON for people
    block = blocks(out)["roundtable-viet-nam"]
    assert block["basis"].startswith("title: editorial, our reading")
    conference = blocks(out)["regional-conference-2023"]
    assert "stated by S1, at" in conference["basis"] or "editorial" in conference["basis"]
    shown = bcc("--with", str(extra), "show", "roundtable-viet-nam", "--wide", env=WIDE).stdout
    assert "{" not in shown
    assert re.search(
        rf"^  - patched by {re.escape(str(extra / 'events.yaml'))}:1 \(date_note\)$", shown, re.M
    )
    machine = bcc("--with", str(extra), "show", "roundtable-viet-nam", "--json").json()["record"]
    assert machine["overlay"] == [
        {"file": str(extra / "events.yaml"), "line": 1, "action": "patch", "fields": ["date_note"]}
    ]


# ---------------------------------------------------------------- show for people


def test_show_leaves_out_empty_fields_and_names_them(bcc: Callable[..., Run]) -> None:
    record = bcc("show", "roundtable-viet-nam", "--json").json()["record"]
    out = bcc("show", "roundtable-viet-nam", env=WIDE).stdout
    fields = re.findall(r"^(\w+):", out, re.M)
    empty = [k for k, v in record.items() if v in (None, [], "")]
    assert empty and not set(empty) & set(fields)
    (line,) = [x for x in out.splitlines() if x.startswith("Empty: ")]
    listed = line.removeprefix("Empty: ").split(", ")
    dates = {"start_date", "end_date", "month_day"}
    assert set(listed) == (set(empty) - dates - {"date_note", "caveats"}) | {"date"}
    wide = bcc("show", "roundtable-viet-nam", "--wide", env=WIDE).stdout
    assert "Empty:" not in wide
    assert set(empty) - {"date_note", "caveats"} <= set(re.findall(r"^(\w+):", wide, re.M))


def test_show_gives_each_caveat_once(bcc: Callable[..., Run]) -> None:
    for rid in ("roundtable-viet-nam", "roundtable-philippines", "regional-conference-2023"):
        view = bcc("show", rid, "--json").json()
        out = bcc("show", rid, env=WIDE).stdout
        for caveat in view["caveats"]:
            assert out.count(caveat) == 1, (rid, caveat)
        markdown = bcc("show", rid, "-f", "markdown").stdout
        assert "**caveats**" not in markdown and "**date\\_note**" not in markdown


@pytest.mark.parametrize(
    ("rid", "words"),
    [
        ("regional-conference-2023", "21–22 November 2023"),
        ("roundtable-philippines", "30 May (year not stated)"),
        ("roundtable-thailand", "18 October 2023"),
    ],
)
def test_show_gives_dates_in_words(bcc: Callable[..., Run], rid: str, words: str) -> None:
    out = bcc("show", rid, env=WIDE).stdout
    assert re.search(rf"^date:\s+{re.escape(words)}$", out, re.M), out
    assert not re.search(r"^(start_date|end_date|month_day):", out, re.M)
    assert f"- **date**: {words}" in bcc("show", rid, "-f", "markdown").stdout
    record = bcc("show", rid, "--json").json()["record"]  # machine formats: the fields as they are
    assert {"start_date", "end_date", "month_day"} <= set(record)


def test_show_names_linked_records(bcc: Callable[..., Run]) -> None:
    out = bcc("show", "rebecca-miller", env=WIDE).stdout
    assert re.search(r"^organisation:\s+UNODC Regional Office for Southeast Asia and the Pacific$", out, re.M)
    assert "speaker at RSO and UNODC Regional Conference on Corruption" in out
    assert "→ organisation: UNODC Regional Office for Southeast Asia and the Pacific (unodc-roseap)" in out
    assert bcc("show", "rebecca-miller", "--json").json()["record"]["organisation"] == "unodc-roseap"


# ---------------------------------------------------------------- search says what it did


def test_search_footer_says_how_many_more(bcc: Callable[..., Run]) -> None:
    every = bcc("search", "corruption", "--limit", "1000", "--json").json()
    assert len(every) > 20
    table = bcc("search", "corruption", env={"COLUMNS": "100"})
    assert table.stdout.startswith(f"{len(every)} results\n")
    assert table.stdout.rstrip().endswith(f"showing 20 of {len(every)} — --limit N for more")
    machine = bcc("search", "corruption", "--json")
    assert len(machine.json()) == 20  # stdout: the data alone
    assert f"showing 20 of {len(every)} — --limit N for more" in machine.stderr
    whole = bcc("search", "corruption", "--limit", str(len(every)), "--json")
    assert "--limit N for more" not in whole.stderr
    assert "--limit N for more" not in bcc("search", "corruption", "--limit", str(len(every))).stdout


def test_search_counts_in_one_wording(bcc: Callable[..., Run]) -> None:
    one = bcc("search", "subsidiaries")
    assert one.stdout.startswith("1 result\n")
    many = bcc("search", "whistleblower")
    assert re.match(r"\d+ results\n", many.stdout)
    fields = bcc("search", "subsidiaries", "--fields", "id,title")
    assert fields.stdout.startswith("1 result\n")
    for out in (one.stdout, many.stdout, fields.stdout):
        assert "(s)" not in out and "search result" not in out


def test_search_takes_unquoted_words_together(bcc: Callable[..., Run]) -> None:
    unquoted = bcc("search", "corrupt", "officials", "--json")
    assert unquoted.exit_code == 0
    assert unquoted.json() == bcc("search", "corrupt officials", "--json").json()
    assert unquoted.json()


def test_search_snippets_show_the_matched_words_never_an_id_alone(bcc: Callable[..., Run]) -> None:
    for query in ("corruption", "recruitment", "whistleblower", "border"):
        for hit in bcc("search", query, "--limit", "1000", "--json").json():
            assert hit["snippet"] != hit["id"]
            assert hit["snippet"].strip("…") not in {h for h in (hit["id"],)}
            assert query[:6] in hit["snippet"].lower(), hit
    every_stage = {h["id"]: h for h in bcc("search", "corruption", "--limit", "1000", "--json").json()}
    assert every_stage["corruption-at-every-stage"]["field"] == "title"


@pytest.fixture(scope="module")
def ranked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One word in a name, an alias, body text and another field of four records, the lower
    ones repeating it (so that a sum of matches would put them first)."""
    data = copy_data(tmp_path_factory.mktemp("ranked"))

    def org(rid: str, name: str, **extra: Any) -> dict[str, Any]:  # fresh values: no YAML anchors
        source = [{"source": "rso-conference-article-2023", "at": "para 1"}]
        return {"id": rid, "name": name, "kind": "organisation", "sector": None, "country": None,
                "sources": source, **extra}  # fmt: skip

    add_records(
        data,
        "stakeholders",
        [
            org("in-title", "Quillfeather Office"),
            org("in-alias", "An office", aliases=["Quillfeather"], notes=["Quillfeather quillfeather."] * 1),
            org("in-body", "Another office", notes=[f"Quillfeather quillfeather {n}." for n in range(6)]),
        ],
    )
    add_records(
        data,
        "events",
        [
            {
                "id": "in-other",
                "title": "A meeting",
                "kind": "meeting",
                "country": "Thailand",
                "city": "Quillfeather",
                "sources": [{"source": "rso-conference-article-2023", "at": "para 1"}],
            }
        ],
    )
    return data


@pytest.mark.parametrize(
    ("higher", "lower"),
    [("in-title", "in-alias"), ("in-alias", "in-body"), ("in-body", "in-other")],
    ids=["title above alias", "alias above body", "body above other fields"],
)
def test_search_ranks_by_where_the_words_are(
    bcc: Callable[..., Run], ranked: Path, higher: str, lower: str
) -> None:
    """README's rule, one test a step: the lower record repeats the word more often, so only
    the rule (not a sum of matches) puts the higher one first."""
    run = bcc("--data-dir", str(ranked), "search", "quillfeather", "--json")
    assert run.exit_code == 0, run.stderr
    at = {h["id"]: n for n, h in enumerate(run.json())}
    assert at[higher] < at[lower]
    scores = {h["id"]: h["score"] for h in run.json()}
    assert scores[higher] > scores[lower]


def test_search_names_the_field_of_the_best_match(bcc: Callable[..., Run], ranked: Path) -> None:
    hits = bcc("--data-dir", str(ranked), "search", "quillfeather", "--json").json()
    assert [h["id"] for h in hits] == ["in-title", "in-alias", "in-body", "in-other"]
    assert [h["field"] for h in hits] == ["name", "aliases", "notes", "city"]
    assert hits[-1]["snippet"] == "city: Quillfeather"  # a field that is not prose is named


def test_search_ranks_the_shipped_conference_by_its_title(bcc: Callable[..., Run]) -> None:
    hits = bcc("search", "corruption", "--limit", "1000", "--json").json()
    at = {h["id"]: n for n, h in enumerate(hits)}
    body_only = [h for h in hits if h["field"] not in ("title", "name")]
    assert body_only and all(at["regional-conference-2023"] < at[h["id"]] for h in body_only)
    assert hits[at["regional-conference-2023"]]["field"] == "title"


def test_search_sort_and_reverse(bcc: Callable[..., Run]) -> None:
    every = bcc("search", "corruption", "--limit", "1000", "--json").json()
    by_title = bcc("search", "corruption", "--limit", "1000", "--sort", "title", "--json").json()
    assert [h["title"].casefold() for h in by_title] == sorted(h["title"].casefold() for h in every)
    first = bcc("search", "corruption", "--sort", "title", "--limit", "3", "--json").json()
    assert first == by_title[:3]  # sorted, then the first N
    backwards = bcc(
        "search", "corruption", "--limit", "1000", "--sort", "title", "--reverse", "--json"
    ).json()
    assert [h["title"] for h in backwards] == [h["title"] for h in reversed(by_title)] or [
        h["title"].casefold() for h in backwards
    ] == sorted((h["title"].casefold() for h in every), reverse=True)
    worst = bcc("search", "corruption", "--limit", "1000", "--reverse", "--json").json()
    assert [h["id"] for h in worst] == [h["id"] for h in reversed(every)]
    by_score = bcc("search", "corruption", "--limit", "1000", "--sort", "score", "--json").json()
    assert [h["score"] for h in by_score] == sorted(h["score"] for h in every)
    bad = bcc("search", "corruption", "--sort", "titel")
    assert bad.exit_code == 2 and "did you mean 'title'" in bad.stderr


# ---------------------------------------------------------------- the summary is a briefing


@pytest.mark.parametrize("fmt", ["terminal", "markdown"])
def test_summary_gives_findings_and_recommendations_with_their_sources(
    bcc: Callable[..., Run], fmt: str
) -> None:
    labels = {s["id"]: s["label"] for s in bcc("sources", "--json").json()}
    args = ["summary"] if fmt == "terminal" else ["summary", "-f", "markdown"]
    out = " ".join(bcc(*args, env=WIDE).stdout.split()).replace("\\[", "[")
    for collection in ("findings", "recommendations"):
        for record in bcc(collection, "--json").json():
            cited = ", ".join(dict.fromkeys(labels[s["source"]] for s in record["sources"]))
            assert record["title"] in out and f"[{cited}]" in out.split(record["title"], 1)[1][:200]
    for source_id in labels:
        assert source_id not in out  # sources by label, never by id


@pytest.mark.parametrize("fmt", ["terminal", "markdown"])
def test_summary_disagreements_hold_only_disagreements(bcc: Callable[..., Run], fmt: str) -> None:
    args = ["summary"] if fmt == "terminal" else ["summary", "-f", "markdown"]
    out = bcc(*args, env=WIDE).stdout
    box = out.split("Where the sources disagree on the series", 1)[1].split("Caveats", 1)[0]
    items = [line.strip("!- ").strip() for line in box.splitlines() if line.strip().startswith(("!", "-"))]
    assert items
    assert all(re.match(r"Roundtables? in ", item) for item in items)  # each names its record
    assert all(re.search(r"\b(six|sixth|seven|seventh)\b", item) for item in items)
    assert not any("not stated" in item or "names no host" in item for item in items)
    caveats = out.split("Where the sources disagree on the series", 1)[1].split("Caveats", 1)[1]
    assert "Roundtable in Philippines: The year of the roundtable is not stated by any source." in " ".join(
        caveats.split()
    )


def test_summary_json_keeps_its_fields_and_adds_the_briefing(bcc: Callable[..., Run]) -> None:
    fig = bcc("summary", "--json").json()
    assert {"conference", "roundtable_series", "practices_by_sector", "stages", "sources"} <= set(fig)
    assert {"count_statements", "count_disputed", "disagreements", "caveats"} <= set(fig["roundtable_series"])
    assert fig["findings"][0]["sources"] == ["rso-conference-article-2023"]  # ids for scripts
    assert {"made_by", "made_by_name"} <= set(fig["recommendations"][0])


# ---------------------------------------------------------------- separators escaped


SEPARATORS = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\u0085": "\\x85", "\x1c": "\\x1c", "\x1f": "\\x1f"}


@pytest.fixture(scope="module")
def separated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = copy_data(tmp_path_factory.mktemp("separated"))
    title = "A" + "B".join(SEPARATORS) + "C"
    add_records(
        data,
        "sources",
        [
            {
                "id": "odd-source",
                "label": "S9",
                "title": title,
                "publisher": "Someone",
                "date": datetime.date(2023, 1, 2),
                "url": "https://example.org/x",
                "kind": "news",
            }
        ],
    )
    add_records(
        data,
        "findings",
        [
            {
                "id": "odd-finding",
                "title": "A finding",
                "text": "Text.",
                "sources": [{"source": "odd-source", "at": "here"}],
            }
        ],
    )
    return data


@pytest.mark.parametrize(
    "args",
    [
        ["cite", "odd-finding"],
        ["cite", "odd-finding", "--style", "plain"],
        ["cite", "odd-finding", "--style", "bibtex"],
        ["show", "odd-finding", "-f", "markdown"],
        ["summary", "-f", "markdown"],
        ["show", "odd-finding"],
    ],
)
def test_cite_and_markdown_escape_separators(
    bcc: Callable[..., Run], separated: Path, args: list[str]
) -> None:
    run = bcc("--data-dir", str(separated), *args, env=WIDE)
    assert run.exit_code == 0, run.stderr
    for raw, escaped in SEPARATORS.items():
        assert raw not in run.stdout
        assert escaped in run.stdout, (escaped, args)
    machine = bcc("--data-dir", str(separated), "cite", "odd-finding", "--json").json()
    assert all(raw in machine[0]["citation"] for raw in SEPARATORS)  # the data exactly


def test_json_of_the_views_is_unchanged(bcc: Callable[..., Run]) -> None:
    view = bcc("show", "roundtable-philippines", "--json").json()
    assert view["record"]["month_day"] == "--05-30" and view["record"]["start_date"] is None
    assert json.dumps(view["record"]["participants"]) == "[]"
    rows = bcc("timeline", "--json").json()
    assert any(r["when"] == "--05-30 (year unknown)" for r in rows)  # scripts' label, as before


def test_count_names_the_records_it_counts_by(bcc: Callable[..., Run]) -> None:
    people = speakers(bcc)  # as the quotes table names them
    rows = bcc("count", "quotes", "--by", "speaker", "--json").json()
    table = bcc("count", "quotes", "--by", "speaker", env={"COLUMNS": "200"}).stdout
    for row in rows:
        assert row["value"] in people  # ids for scripts
        assert re.search(rf"^{re.escape(people[row['value']])}\s+{row['count']}$", table, re.M), table
    stages = bcc("count", "practices", "--by", "stages", env={"COLUMNS": "200"}).stdout
    assert re.search(r"^Recruitment\s+\d+$", stages, re.M) and "(none)" in stages


def test_markdown_tables_name_records_and_mark_quotes(bcc: Callable[..., Run]) -> None:
    people = speakers(bcc)
    markdown = bcc("quotes", "-f", "markdown").stdout
    rows = {line.split(" | ")[0].strip("| "): line for line in markdown.splitlines()[2:]}
    for q in bcc("quotes", "--json").json():
        row = rows[q["id"]]
        assert f"| {people[q['speaker']]} |" in row and f"| {q['speaker']} |" not in row
        marked = QUOTE_MARKS[q["kind"]].format(q["text"])
        assert marked.split(" ")[0] in row  # '"Addressing', 'Paraphrase', 'Topic:'
    csv = bcc("quotes", "-f", "csv", "--fields", "id,speaker").stdout
    assert "scott-not-a-quick-fix,david-scott" in csv  # CSV keeps the ids


def test_the_chain_names_before_ids(bcc: Callable[..., Run]) -> None:
    """In `stages --chain` a practice or finding reads as its title; its kind and id follow."""
    titles = {r["id"]: r["title"] for c in ("practices", "findings") for r in bcc(c, "--json").json()}
    lines = [
        ln.lstrip("│├└─ |`-") for ln in bcc("stages", "--chain", env={"COLUMNS": "250"}).stdout.splitlines()
    ]
    shown = [(n, ln.split()[1]) for n, ln in enumerate(lines) if re.match(r"^(practice|finding) \S+$", ln)]
    assert shown
    for n, rid in shown:
        assert lines[n - 1].startswith(titles[rid]), (rid, lines[n - 1])


@pytest.mark.parametrize("record", ["rso", "unodc", "protect-journalists", "regional-conference-2023"])
def test_show_evidence_speaks_of_fields_and_roles_in_words(bcc: Callable[..., Run], record: str) -> None:
    """`show --evidence` for people: no field path (`roles[0]`, `basis.x`), a role's event by
    its title; scripts keep the paths (`via`) in JSON."""
    human = bcc("show", record, "--evidence", env={"COLUMNS": "250"}).stdout
    assert not re.search(r"roles\[\d+\]|\bbasis\.[a-z_]+", human), human
    rows = bcc("show", record, "--evidence", "--json").json()
    titles = {r["id"]: r["title"] for r in bcc("events", "--json").json()}
    for row in rows:
        assert row["via"] == "sources" or row["via"].startswith(("basis.", "roles["))
        event = re.search(r" at ([a-z0-9-]+)\)$", row["via"])
        if event:
            assert f"at {titles[event.group(1)]}" in human
