"""bcc report as a briefing people read: the briefing first, records as cards in words, sources
as a reader expects them, element ids that never collide, and the page's schema.org metadata.

Through the CLI; the HTML is parsed with the standard library (the same page in a browser,
printed and at phone width: test_report_browser.py).
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, Run
from conftest_report import COLLECTIONS, HOSTILE_SUMMARY, Page, hostile_overlay, keys_of


def page_of(bcc: Callable[..., Run], *args: str, env: dict[str, str] | None = None) -> tuple[str, Page]:
    run = bcc(*args, env=env)
    assert run.exit_code == 0, run.stderr
    return run.stdout, Page(run.stdout)


class Elements(HTMLParser):
    """Each element's text (whitespace folded), by id, and the text inside each tag of interest."""

    def __init__(
        self, html: str, tags: tuple[str, ...] = ("cite", "li", "article", "h4", "option", "a")
    ) -> None:
        super().__init__(convert_charrefs=True)
        self.wanted = tags
        self.open: list[tuple[str, dict[str, str | None], list[str]]] = []
        self.found: list[tuple[str, dict[str, str | None], str]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.wanted:
            self.open.append((tag, dict(attrs), []))

    def handle_endtag(self, tag: str) -> None:
        for n in range(len(self.open) - 1, -1, -1):
            if self.open[n][0] == tag:
                name, attrs, parts = self.open.pop(n)
                self.found.append((name, attrs, " ".join("".join(parts).split())))
                return

    def handle_data(self, data: str) -> None:
        for _tag, _attrs, parts in self.open:
            parts.append(data)

    def texts(self, tag: str) -> list[str]:
        return [text for t, _a, text in self.found if t == tag]

    def of(self, tag: str) -> list[tuple[dict[str, str | None], str]]:
        return [(a, text) for t, a, text in self.found if t == tag]


def field_names(bcc: Callable[..., Run]) -> set[str]:
    """Every key of every record and of every mapping inside one (the data files' field names)."""
    return set().union(*(keys_of(bcc(name, "--json").json()) for name in COLLECTIONS))


# ---------------------------------------------------------------- no internals in the page


def test_no_dictionary_none_or_field_path_in_the_text(bcc: Callable[..., Run]) -> None:
    """Derived from the data's own field names: none of them is shown as a key or a path."""
    _html, page = page_of(bcc, "report", "-")
    text = " ".join(page.all_text().split())
    assert not re.search(r"\bNone\b", text)
    keys = sorted(field_names(bcc), key=len, reverse=True)
    keyed = "|".join(re.escape(k) for k in keys)
    flattened = re.findall(rf"\b(?:{keyed}): [^;]{{0,300}}; (?:{keyed}): ", text)
    assert flattened == []  # a mapping written out as "key: value; key: value"
    assert [k for k in keys if "_" in k and re.search(rf"\b{re.escape(k)}\b", text)] == []
    paths = re.findall(rf"\b(?:{'|'.join(COLLECTIONS)}|basis|roles)\.(?:{keyed})\b", text)
    assert paths == []
    assert "{'" not in text and "': " not in text


def test_menus_say_their_choices_in_words_with_counts(bcc: Callable[..., Run]) -> None:
    html, page = page_of(bcc, "report", "-")
    elements = Elements(html)
    articles = page.attrs("article")
    for attrs, text in elements.of("option"):
        value = str(attrs.get("value") or "")
        if not value:
            continue
        found = re.fullmatch(r"(.+) \((\d+)\)", text)
        assert found, text
        words, count = found.groups()
        facet = next(
            name
            for name in ("sector", "theme", "country", "kind")
            if any(value in json.loads(a[f"data-{name}"]) for a in articles)
        )
        code = value.split(":")[-1]
        if facet in ("sector", "theme") or ":" in value:  # a code is never shown as it is
            assert code not in words and ":" not in words, text
        assert int(count) == sum(value in json.loads(a[f"data-{facet}"]) for a in articles), text


# ---------------------------------------------------------------- the briefing


def test_briefing_first_with_s_numbers(bcc: Callable[..., Run]) -> None:
    html, page = page_of(bcc, "report", "-")
    ids = [a["id"] for _t, a in page.tags if a.get("id")]
    order = [
        ids.index(i) for i in ("summary", "findings", "recommendations", "by-sector", "by-theme", "chain")
    ]
    assert order == sorted(order) and order[-1] < ids.index("records") < ids.index("references")
    labels = {s["id"]: s["label"] for s in bcc("sources", "--json").json()}
    items = Elements(html).texts("li")
    for collection in ("findings", "recommendations"):
        for record in bcc(collection, "--json").json():
            (item,) = [t for t in items if t.startswith(f"{record['title']}.") and record["text"] in t]
            for cited in record["sources"]:
                assert f"[{labels[cited['source']]}" in item, (record["id"], item)


def test_briefing_option_leaves_out_the_records(bcc: Callable[..., Run]) -> None:
    whole, _page = page_of(bcc, "report", "-")
    html, page = page_of(bcc, "report", "--briefing", "-")
    assert page.records == [] and len(html) < len(whole) / 2
    ids = {a["id"] for _t, a in page.tags if a.get("id")}
    assert {"summary", "findings", "recommendations", "by-sector", "by-theme", "chain", "references"} <= ids
    assert "records" not in ids and "filters" not in ids
    targets = {a["href"][1:] for a in page.attrs("a") if a["href"].startswith("#")}
    assert targets <= ids  # no link to a record that is not in it
    text = " ".join(page.all_text().split())
    for record in bcc("findings", "--json").json() + bcc("recommendations", "--json").json():
        assert record["title"] in text and record["text"] in text
    narrowed = Page(bcc("report", "--briefing", "-", "--country", "Philippines").stdout)
    assert "covers only: country Philippines" in " ".join(narrowed.all_text().split())


# ---------------------------------------------------------------- sources


def test_references_in_apa_with_titles_in_italics(bcc: Callable[..., Run]) -> None:
    html, _page = page_of(bcc, "report", "-")
    elements = Elements(html)
    references = {
        str(a.get("id")): text for a, text in elements.of("li") if str(a.get("id", "")).startswith("ref-")
    }
    cited = elements.texts("cite")
    for source in bcc("sources", "--json").json():
        (reference,) = [t for i, t in references.items() if i == f"ref-{source['id']}"]
        apa = " ".join(bcc("cite", source["id"], "--style", "apa").stdout.split())
        assert reference.startswith(f"{source['label']} {apa}"), (reference, apa)
        title = " ".join(source["title"].split())
        assert title in cited  # the work's title in italics (<cite>), in its reference or its card
        assert source["url"] in [a["href"] for a in Page(html).attrs("a")]


def test_reconstructed_titles_are_marked_wherever_shown(bcc: Callable[..., Run]) -> None:
    _html, page = page_of(bcc, "report", "-")
    text = " ".join(page.all_text().split())
    rebuilt = [s for s in bcc("sources", "--json").json() if s["title_reconstructed"]]
    assert rebuilt
    for source in rebuilt:
        title = " ".join(source["title"].split())
        places = [m.end() for m in re.finditer(re.escape(title), text)]
        assert places
        for end in places:
            assert re.match(
                r"\)? ?\(?(our title, rebuilt|is our title for this work, rebuilt)", text[end : end + 40]
            ), text[end - 40 : end + 60]


# ---------------------------------------------------------------- element ids


def test_element_ids_never_collide() -> None:
    """Whatever the ids: 'alpha' and 'alpha-h' (whose heading would be the other's id), ids that
    differ only by case, or only by characters an element id cannot hold."""
    from bali_corruption_cli.output.report_words import element_ids

    ids = [
        "alpha",
        "alpha-h",
        "alpha-h-h",
        "Alpha",
        "ALPHA",
        "alpha-2",
        "a b",
        "a-b",
        "a_b",
        "a/b",
        "",
        "é",
        "e",
    ]
    for order in (ids, list(reversed(ids))):
        stems = element_ids(order)
        assert set(stems) == set(ids)
        made = [f"r-{s}" for s in stems.values()] + [f"r-{s}-h" for s in stems.values()]
        made += [f"ref-{s}" for s in stems.values()]
        assert len({m.lower() for m in made}) == len(made)
        assert all(re.fullmatch(r"[a-z0-9-]+", m) for m in made)
    assert element_ids(["roundtable-philippines"]) == {"roundtable-philippines": "roundtable-philippines"}


def _practice(pid: str, title: str) -> dict[str, Any]:
    return {
        "id": pid,
        "title": title,
        "summary": f"The practice {pid}.",
        "sectors": ["private"],
        "themes": ["due-diligence"],
        "stages": ["recruitment"],
        "origin_event": None,
        "sources": [{"source": "rso-conference-article-2023", "at": "para 1"}],
    }


def test_links_land_on_the_record_they_name(bcc: Callable[..., Run], tmp_path: Path) -> None:
    overlay = tmp_path / "extra"
    overlay.mkdir()
    practices = [_practice("alpha-h", "Practice alpha-h"), _practice("alpha", "Practice alpha")]
    (overlay / "practices.yaml").write_text(json.dumps(practices), encoding="utf-8")
    html, page = page_of(bcc, "--with", str(overlay), "report", "-")
    ids = [a["id"] for _t, a in page.tags if a.get("id")]
    assert len(ids) == len(set(ids)) and len({i.lower() for i in ids}) == len(ids)
    assert {"alpha", "alpha-h"} <= set(page.record_ids)
    articles = {str(a["id"]): text for a, text in Elements(html).of("article")}
    by_element = {a["id"]: a["data-id"] for a in page.attrs("article")}
    checked = 0
    for attrs, text in Elements(html).of("a"):
        href = str(attrs.get("href"))
        if href.startswith("#r-") and href[1:] in articles and text.startswith("Practice alpha"):
            assert by_element[href[1:]] == text.removeprefix("Practice "), (href, text)
            checked += 1
    assert checked >= 4  # from the chain in the briefing and from the stage's card, to each


# ---------------------------------------------------------------- schema.org metadata


def test_json_ld_describes_the_dataset_and_cannot_break_out(bcc: Callable[..., Run], tmp_path: Path) -> None:
    overlay = hostile_overlay(tmp_path / "extra")
    html, page = page_of(bcc, "--with", str(overlay), "report", "-", env={"SOURCE_DATE_EPOCH": "86400"})
    assert len(page.scripts) == 1 and len(page.data_blocks) == 1
    block = page.data_blocks[0]
    assert not re.search(r"[<>&]", block)  # "</script>" or "<!--" in the data end nothing
    meta = json.loads(block)
    assert meta["@context"] == "https://schema.org" and meta["@type"] == "Dataset"
    assert meta["name"] and meta["description"] and meta["dateModified"] == "1970-01-02T00:00:00Z"
    sources = bcc("--with", str(overlay), "sources", "--json").json()
    assert [c["name"] for c in meta["citation"]] == [s["title"] for s in sources]  # every character
    assert "</script>" in json.dumps(meta) or any("</title>" in c["name"] for c in meta["citation"])
    assert HOSTILE_SUMMARY not in block
    # in the head, before any of the page's own content
    assert html.index('type="application/ld+json"') < html.index("</head>")
    (csp,) = [a["content"] for a in page.attrs("meta") if a.get("http-equiv") == "Content-Security-Policy"]
    assert "unsafe" not in csp and "script-src 'sha256-" in csp


@pytest.mark.parametrize("args", [["--briefing"], ["--country", "Philippines"]])
def test_json_ld_follows_the_scope(bcc: Callable[..., Run], args: list[str]) -> None:
    _html, page = page_of(bcc, "report", "-", *args)
    meta = json.loads(page.data_blocks[0])
    assert meta["citation"] and all("url" in c for c in meta["citation"])
    if "--country" in args:
        assert "covers only: country Philippines" in meta["description"]


def _edition_copy(bcc: Callable[..., Run], tmp_path: Path, licence_url: str) -> Path:
    """A copy of the shipped catalogue whose edition.toml names ``licence_url``."""
    folder = tmp_path / "cat"
    assert bcc("data", "init", str(folder)).exit_code == 0
    text = (folder / "edition.toml").read_text(encoding="utf-8")
    url = re.search(r'^url = "(.*)"$', text, re.M)
    assert url is not None
    (folder / "edition.toml").write_text(text.replace(url.group(0), f"url = {json.dumps(licence_url)}"))
    return folder


def test_json_ld_and_footer_state_the_editions_licence(bcc: Callable[..., Run]) -> None:
    """The licence and creators are the edition's (bcc info), never guessed."""
    info = bcc("info", "--json").json()
    _html, page = page_of(bcc, "report", "-")
    meta = json.loads(page.data_blocks[0])
    assert meta["license"] == info["licence"]["url"]
    assert meta["version"] == info["edition"]["version"]
    assert meta["datePublished"] == info["edition"]["date"]
    edition = tomllib.loads((ROOT / "data" / "edition.toml").read_text(encoding="utf-8"))
    assert [c["name"] for c in meta["creator"]] == edition["authors"]
    assert meta["identifier"] == info["digest"]
    assert info["licence"]["notice"] in " ".join(" ".join(page.text).split())


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,<script>x</script>", "https://ok.example/l"]
)
def test_an_edition_licence_address_is_a_link_only_if_plain_http(
    bcc: Callable[..., Run], tmp_path: Path, url: str
) -> None:
    """A plain http(s) address is the licence's link and the JSON-LD's licence; any other
    is refused as invalid data (exit 3, the file named, no page written)."""
    folder = _edition_copy(bcc, tmp_path, url)
    if not url.startswith("https://"):
        refused = bcc("--data-dir", str(folder), "report", "-")
        assert (refused.exit_code, refused.stdout) == (3, "")
        assert "edition.toml" in refused.stderr and "licence.url" in refused.stderr
        return
    _html, page = page_of(bcc, "--data-dir", str(folder), "report", "-")
    meta = json.loads(page.data_blocks[0])
    assert url in [a.get("href") for a in page.attrs("a")] and meta["license"] == url
