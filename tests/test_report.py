"""bcc report: the file it writes, what it holds, its filters, and its safety with hostile data.

Through the CLI; the HTML is parsed with the standard library. The same page
in a real browser: test_report_browser.py.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bali_corruption_cli import __version__
from conftest import Run
from conftest_report import (
    COLLECTIONS,
    HOSTILE_SUMMARY,
    HOSTILE_TITLE,
    HOSTILE_URL,
    PWNED,
    Page,
    hostile_overlay,
)


def all_ids(bcc: Callable[..., Run], *root: str) -> set[str]:
    ids: set[str] = set()
    for name in COLLECTIONS:
        run = bcc(*root, name, "--json")
        assert run.exit_code == 0, run.stderr
        ids |= set(run.ids())
    return ids


def report(bcc: Callable[..., Run], *args: str) -> tuple[Run, Page]:
    run = bcc(*args, "report", "-") if "report" not in args else bcc(*args)
    assert run.exit_code == 0, run.stderr
    return run, Page(run.stdout)


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


# ---------------------------------------------------------------- the file


def test_default_path_holds_every_record_once(bcc: Callable[..., Run], in_tmp: Path) -> None:
    run = bcc("report")
    assert run.exit_code == 0, run.stderr
    assert run.stdout == ""
    assert "bcc-report.html" in run.stderr
    page = Page((in_tmp / "bcc-report.html").read_text(encoding="utf-8"))
    assert sorted(page.records) == sorted(all_ids(bcc))
    assert len(page.records) == len(set(page.records))


def test_never_overwrites_without_force(bcc: Callable[..., Run], in_tmp: Path) -> None:
    mine = in_tmp / "bcc-report.html"
    mine.write_text("my notes", encoding="utf-8")
    run = bcc("report")
    assert run.exit_code == 2
    assert "already exists" in run.stderr and "--force" in run.stderr
    assert mine.read_text(encoding="utf-8") == "my notes"
    run = bcc("report", "--force")
    assert run.exit_code == 0, run.stderr
    assert mine.read_text(encoding="utf-8").startswith("<!doctype html>")
    assert [p.name for p in in_tmp.iterdir()] == ["bcc-report.html"]  # no temporary file left


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_a_folder_gets_the_report_inside_and_is_never_replaced(
    bcc: Callable[..., Run], in_tmp: Path, force: list[str]
) -> None:
    folder = in_tmp / "out.html"
    folder.mkdir()
    (folder / "keep.txt").write_text("keep", encoding="utf-8")
    run = bcc("report", str(folder), *force)
    assert run.exit_code == 0, run.stderr
    assert str(folder / "bcc-report.html") in run.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["bcc-report.html", "keep.txt"]
    assert (folder / "keep.txt").read_text(encoding="utf-8") == "keep"
    assert Page((folder / "bcc-report.html").read_text(encoding="utf-8")).records
    # the same rules for what is inside: a file there only with --force, a folder there never
    again = bcc("report", "-o", f"{folder}/", *force)
    assert again.exit_code == (0 if force else 2), again.stderr
    (folder / "bcc-report.html").unlink()
    (folder / "bcc-report.html").mkdir()
    refused = bcc("report", str(folder), *force)
    assert refused.exit_code == 2 and "is a folder" in refused.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["bcc-report.html", "keep.txt"]
    assert list((folder / "bcc-report.html").iterdir()) == []


def test_a_link_to_a_folder_is_not_written_through(bcc: Callable[..., Run], in_tmp: Path) -> None:
    (in_tmp / "real").mkdir()
    (in_tmp / "link").symlink_to(in_tmp / "real")
    run = bcc("report", str(in_tmp / "link"), "--force")
    assert run.exit_code == 2 and "symbolic link" in run.stderr
    assert list((in_tmp / "real").iterdir()) == []


@pytest.mark.parametrize("how", [["-o"], ["--output"], []])
def test_output_option_or_path(bcc: Callable[..., Run], in_tmp: Path, how: list[str]) -> None:
    run = bcc("report", *how, "mine.html")
    assert run.exit_code == 0, run.stderr
    assert [p.name for p in in_tmp.iterdir()] == ["mine.html"]
    assert Page((in_tmp / "mine.html").read_text(encoding="utf-8")).records
    same = bcc("report", "mine.html", "-o", "mine.html", "--force")
    assert same.exit_code == 0, same.stderr
    both = bcc("report", "a.html", "-o", "b.html")
    assert both.exit_code == 2 and both.stderr.startswith("bcc: error: ") and "give one" in both.stderr
    assert [p.name for p in in_tmp.iterdir()] == ["mine.html"]
    dash = bcc("report", "-o", "-")
    assert dash.exit_code == 0 and dash.stdout.startswith("<!doctype html>")


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="needs /dev/null")
def test_never_replaces_a_device(bcc: Callable[..., Run]) -> None:
    run = bcc("report", "/dev/null", "--force")
    assert run.exit_code == 2
    assert "not a regular file" in run.stderr
    assert Path("/dev/null").is_char_device()


def test_missing_folder_is_a_usage_error(bcc: Callable[..., Run], in_tmp: Path) -> None:
    run = bcc("report", str(in_tmp / "nowhere" / "r.html"))
    assert run.exit_code == 2
    assert "does not exist" in run.stderr
    assert not (in_tmp / "nowhere").exists()


def test_dash_writes_to_stdout_only(bcc: Callable[..., Run], in_tmp: Path) -> None:
    run, page = report(bcc, "report", "-")
    assert run.stdout.startswith("<!doctype html>")
    assert run.stderr == ""
    assert page.records
    assert list(in_tmp.iterdir()) == []


# ---------------------------------------------------------------- self-contained and strict


def _digest(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def test_csp_allows_exactly_the_inline_script_and_style(bcc: Callable[..., Run]) -> None:
    _run, page = report(bcc)
    (csp,) = [a["content"] for a in page.attrs("meta") if a.get("http-equiv") == "Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'none'"
    assert len(page.scripts) == 1 and len(page.styles) == 1
    assert directives["script-src"] == f"'{_digest(page.scripts[0])}'"
    assert directives["style-src"] == f"'{_digest(page.styles[0])}'"
    assert directives["img-src"] == "data:"
    assert "unsafe" not in csp and "http" not in csp


def test_nothing_is_loaded_from_elsewhere(bcc: Callable[..., Run]) -> None:
    _run, page = report(bcc)
    loading = {"img", "link", "iframe", "object", "embed", "audio", "video", "source", "base", "frame"}
    assert not [t for t, _a in page.tags if t in loading]
    assert not [a for _t, a in page.tags if "src" in a or "srcset" in a or "style" in a]
    hrefs = [a["href"] for a in page.attrs("a")]
    assert hrefs
    assert all(h.startswith("#") or re.match(r"https?://", h) for h in hrefs), hrefs
    targets = {h[1:] for h in hrefs if h.startswith("#")}
    ids = {a["id"] for _t, a in page.tags if a.get("id")}
    assert targets <= ids, targets - ids  # every link inside the page lands somewhere


def test_generated_line_names_version_and_catalogue_hash(bcc: Callable[..., Run], tmp_path: Path) -> None:
    env = {"SOURCE_DATE_EPOCH": "86400"}
    first = bcc("report", "-", env=env).stdout
    again = bcc("report", "-", env=env).stdout
    assert first == again  # reproducible with SOURCE_DATE_EPOCH
    text = " ".join(Page(first).all_text().split())
    found = re.search(r"Generated on 1970-01-02 00:00 UTC by bcc (\S+) from .* sha256:([0-9a-f]{64})", text)
    assert found, text[:500]
    assert found.group(1) == __version__
    overlay = hostile_overlay(tmp_path / "extra")
    other = " ".join(Page(bcc("--with", str(overlay), "report", "-", env=env).stdout).all_text().split())
    assert f"sha256:{found.group(2)}" not in other  # other data, other hash
    assert re.search(r"sha256:[0-9a-f]{64}", other)


def test_no_character_of_data_is_lost(bcc: Callable[..., Run]) -> None:
    """Every string of every record (as --json gives it) is in the page's text."""
    from bali_corruption_cli.query.query import strings

    _run, page = report(bcc)
    text = " ".join(page.all_text().split())
    missing = []
    for name in COLLECTIONS:
        for record in bcc(name, "--json").json():
            missing += [(record["id"], v) for v in strings(record) if " ".join(v.split()) not in text]
    assert missing == []


def test_summary_sections_and_references(bcc: Callable[..., Run]) -> None:
    _run, page = report(bcc)
    ids = {a["id"] for _t, a in page.tags if a.get("id")}
    assert {"summary", "conference", "roundtables", "by-sector", "by-theme", "chain", "references"} <= ids
    text = " ".join(page.all_text().split())
    assert "S4 calls it the sixth roundtable to date" in text  # the sources' disagreement is shown
    for source in bcc("sources", "--json").json():
        assert f"ref-{source['id']}" in ids
        assert source["url"] in [a["href"] for a in page.attrs("a")]
    (chain,) = [a for a in page.attrs("svg") if "chain-svg" in (a.get("class") or "")]
    assert chain["role"] == "img"


def test_headings_do_not_skip_a_level(bcc: Callable[..., Run]) -> None:
    _run, page = report(bcc)
    levels = [int(t[1]) for t, _a in page.tags if re.fullmatch(r"h[1-6]", t)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), levels
    assert {"header", "nav", "main", "footer"} <= {t for t, _a in page.tags}
    labelled = {a["for"] for a in page.attrs("label")}
    controls = [a["id"] for t, a in page.tags if t in ("input", "select")]
    assert controls and set(controls) <= labelled


# ---------------------------------------------------------------- filters


@pytest.mark.parametrize("spelling", ["Philippines", "PH", "philippines"])
def test_country_report(bcc: Callable[..., Run], spelling: str) -> None:
    _run, page = report(bcc, "report", "-", "--country", spelling)
    assert "roundtable-philippines" in page.records
    assert "roundtable-viet-nam" not in page.records
    assert "border-officer-screening-guidelines" in page.records  # a practice from that roundtable
    events = {r["id"] for r in bcc("events", "--json").json()}
    kept_events = events & set(page.records)
    assert kept_events == set(bcc("events", "--country", "Philippines", "--json").ids())
    assert "covers only: country Philippines" in " ".join(page.all_text().split())


def test_sector_report_keeps_that_sector_practices(bcc: Callable[..., Run]) -> None:
    _run, page = report(bcc, "report", "-", "--sector", "private sector")
    practices = set(bcc("practices", "--json").ids())
    assert practices & set(page.records) == set(bcc("practices", "--sector", "private", "--json").ids())
    stakeholders = set(bcc("stakeholders", "--json").ids())
    assert stakeholders & set(page.records) == set(bcc("stakeholders", "--sector", "private", "--json").ids())


def test_kind_and_search_narrow_too(bcc: Callable[..., Run]) -> None:
    _run, page = report(bcc, "report", "-", "--kind", "roundtable")
    events = set(bcc("events", "--json").ids())
    assert events & set(page.records) == set(bcc("events", "--kind", "national-roundtable", "--json").ids())
    _run, page = report(bcc, "report", "-", "--search", "whistleblower")
    practices = set(bcc("practices", "--json").ids())
    assert practices & set(page.records) == set(bcc("practices", "--search", "whistleblower", "--json").ids())


def test_unknown_filter_value_suggests(bcc: Callable[..., Run], in_tmp: Path) -> None:
    run = bcc("report", "--sector", "privat")
    assert run.exit_code == 2
    assert "did you mean 'private'" in run.stderr
    run = bcc("report", "--kind", "rountable")
    assert run.exit_code == 2 and "--kind" in run.stderr
    assert list(in_tmp.iterdir()) == []


def test_data_dir_is_honoured(bcc: Callable[..., Run], tmp_path: Path) -> None:
    assert bcc("data", "init", str(tmp_path / "cat")).exit_code == 0
    practices = tmp_path / "cat" / "practices.yaml"
    text = practices.read_text(encoding="utf-8")
    practices.write_text(text.replace("More regular routes", "Fewer irregular routes", 1), encoding="utf-8")
    _run, page = report(bcc, "--data-dir", str(tmp_path / "cat"), "report", "-")
    assert "Fewer irregular routes for labour migration" in page.all_text()


# ---------------------------------------------------------------- hostile data


def test_hostile_record_is_shown_as_text(bcc: Callable[..., Run], tmp_path: Path) -> None:
    overlay = hostile_overlay(tmp_path / "extra")
    run, page = report(bcc, "--with", str(overlay), "report", "-")
    assert "hostile-practice" in page.records and "hostile-source" in page.records
    assert len(page.scripts) == 1 and len(page.styles) == 1  # nothing from the data became one
    assert PWNED not in page.scripts[0] and PWNED not in page.styles[0]
    assert not [(t, k) for t, a in page.tags for k in a if k.startswith("on")]
    assert not [t for t, _a in page.tags if t in ("img", "b", "i")]
    assert [t for t, _a in page.tags].count("title") == 2  # the page's and the chain picture's
    assert [t for t, _a in page.tags].count("svg") == 1 + 5 + 14  # the chain, one bar a sector/theme
    text = page.all_text()
    assert HOSTILE_TITLE in text  # every character, as text (Jinja2 syntax included, not run)
    assert HOSTILE_SUMMARY in text
    hrefs = [a["href"] for a in page.attrs("a")]
    assert HOSTILE_URL in hrefs  # a valid http(s) address: a link, whose quotes stay in the attribute
    assert not [h for h in hrefs if h.lower().startswith("javascript")]
    (article,) = [a for a in page.attrs("article") if a["id"] == "r-hostile-practice"]
    assert json.loads(article["data-sector"]) == ["private"]
    assert "&lt;script&gt;" in run.stdout and "<script>window" not in run.stdout


def test_only_http_addresses_become_links() -> None:
    from bali_corruption_cli.output.report import safe_url

    assert safe_url("https://example.org/a?b=c") == "https://example.org/a?b=c"
    assert safe_url("HTTP://example.org") == "HTTP://example.org"
    for bad in (
        "javascript:alert(1)",
        " javascript:alert(1)",
        "data:text/html,x",
        "https://",
        "https://exa mple.org",
        "https://example.org/\nx",
        "//example.org",
        "file:///etc/passwd",
        None,
        42,
    ):
        assert safe_url(bad) is None, bad


# ---------------------------------------------------------------- any filters


_FILTER_VALUES = {
    "--country": ["Philippines", "VN", "Pacific Islands", "Atlantis"],
    "--sector": ["private", "media", "government sector", "privat"],
    "--theme": ["due-diligence", "laws", "x"],
    "--stage": ["recruitment", "Transport and movement", "nowhere"],
    "--kind": ["national-roundtable", "person", "call", "report", "direct", "region", "k"],
    "--search": ["corruption", "Viet", "zzz", ""],
}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.sampled_from(sorted(_FILTER_VALUES)).flatmap(
            lambda option: st.tuples(
                st.just(option),
                st.one_of(st.sampled_from(_FILTER_VALUES[option]), st.text(max_size=8)),
            )
        ),
        max_size=4,
    )
)
@example([("--search", "zzz"), ("--stage", "recruitment")])  # nothing kept: no "Terms and codes" to link to
def test_any_filters_give_a_page_or_a_usage_error(
    bcc: Callable[..., Run], filters: list[tuple[str, str]]
) -> None:
    args = [a for pair in filters for a in pair]
    run = bcc("report", "-", *args)
    assert run.exit_code in (0, 2), run.stderr
    if run.exit_code == 2:
        assert run.stdout == "" and run.stderr.startswith("bcc: error: ")
        return
    page = Page(run.stdout)
    assert len(page.scripts) == 1
    ids = {a["id"] for _t, a in page.tags if a.get("id")}
    targets = {a["href"][1:] for a in page.attrs("a") if a["href"].startswith("#")}
    assert targets <= ids  # a narrowed page never links to a record it left out
