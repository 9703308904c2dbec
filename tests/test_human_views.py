"""Human views never lose or break a word, at any width, on a terminal or piped (issue: tables).

Every view is rendered at 40, 60, 80, 100, 120 and 200 columns, in-process with
``COLUMNS`` (piped) and as a real process on a pseudo-terminal of that width;
each word of every value the view shows must appear whole, and each id whole
on one line.  Golden files of the default tables sit in tests/golden/.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
import yaml

from bali_corruption_cli.model.layout import COLLECTIONS, REFERENCES, TITLE_FIELD
from bali_corruption_cli.output.render import cell
from bali_corruption_cli.query import query
from conftest_hostile import add_records, copy_data, quote, run, run_in_pty, subprocess_env

WIDTHS = [40, 60, 80, 100, 120, 200]
GOLDEN = Path(__file__).parent / "golden"
ANSI = re.compile(r"\x1b\][^\x1b]*\x1b\\|\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]")
POSIX_PTY = os.name == "posix" and sys.platform != "darwin"


def words(value: Any) -> list[str]:
    return cell(value).split()


def plain(text: str) -> str:
    return ANSI.sub("", text).replace("\r\n", "\n")


def tokens(text: str) -> set[str]:
    """Every word of the text, also without the punctuation a view puts after it ("id:", "title.")."""
    found = {t for line in text.splitlines() for t in line.split()}
    return found | {t.rstrip(".:,;") for t in found} | {t.strip("()").rstrip(".:,;") for t in found}


def assert_whole(out: str, expected_words: Iterable[str], ids: Iterable[str]) -> None:
    shown = tokens(out)
    missing = sorted({w for w in expected_words if w not in shown})
    assert not missing, f"words broken or lost: {missing[:10]}\n{out}"
    for rid in ids:
        assert any({rid, f"{rid}:", f"({rid})"} & set(line.split()) for line in out.splitlines()), (
            f"id {rid!r} not whole on a line\n{out}"
        )


# ---------------------------------------------------------------- what each view shows


# A quote as views for people show it: a source's words in quotation marks, ours marked in words.
QUOTE_MARKS = {"direct": '"{}"', "paraphrase": "Paraphrase (our words): {}", "topic": "Topic: {}"}


_NAMES: dict[str, str] = {}


def names() -> dict[str, str]:
    """Every record's id with what views for people call it: a source's label, else its name
    or title (from the machine formats, which keep the ids)."""
    if not _NAMES:
        for collection, (_file, _columns) in COLLECTIONS.items():
            title = TITLE_FIELD[collection]
            for record in json.loads(run(collection, "--json").out):
                name = record[title]
                if collection == "sources":
                    name = record.get("label") or name
                elif collection == "quotes":
                    name = QUOTE_MARKS[record["kind"]].format(name)
                _NAMES[record["id"]] = name
    return _NAMES


def _named(value: Any, steps: list[str]) -> Any:
    """``value`` with the ids at ``steps`` (a path of REFERENCES, split at dots) named."""
    if not steps:
        return names().get(value, value) if isinstance(value, str) else value
    key, rest = steps[0], steps[1:]
    if not isinstance(value, dict) or key.rstrip("[]") not in value:
        return value
    inner = value[key.rstrip("[]")]
    if key.endswith("[]") and isinstance(inner, list):
        inner = [_named(item, rest) for item in inner]
    else:
        inner = _named(inner, rest)
    return dict(value, **{key.rstrip("[]"): inner})


def for_people(collection: str, column: str, value: Any, record: dict[str, Any] | None = None) -> Any:
    """A field's value as views for people show it: each id of another record as its name,
    a quote's text marked by its kind."""
    if (collection, column) == ("quotes", "text") and record is not None:
        return QUOTE_MARKS[record["kind"]].format(value)
    named = {column: value}
    for ref in REFERENCES:
        if ref.collection == collection and ref.by == "id" and ref.path.split(".")[0].rstrip("[]") == column:
            named = _named(named, ref.path.split("."))
    return named[column]


def list_expectation(command: str) -> tuple[list[str], list[str]]:
    records = json.loads(run(command, "--json").out)
    columns = COLLECTIONS[command][1]
    expected: list[str] = []
    for record in records:
        for column in columns:
            if (command, column) == ("events", "date"):
                value = query.event_date_words(record)
            else:
                value = for_people(command, column, record[column], record)
            expected += words(value)
    return expected, [r["id"] for r in records if "id" in columns]


def show_expectation(record_id: str) -> tuple[list[str], list[str]]:
    view = json.loads(run("show", record_id, "--json").out)
    expected: list[str] = [*words(query.event_date_words(view["record"]))]
    for key, value in view["record"].items():
        if key in ("sources", "basis", "start_date", "end_date", "month_day"):  # the basis is shown as
            continue  # lines, with its excerpts (below); the date in words (above)
        value = for_people(view["type"], key, value, view["record"])
        items = value if isinstance(value, list) else [value]
        for item in items:
            expected += words(item)
    for basis in view["basis"]:
        expected += [*words(basis["line"]), *words(basis.get("excerpt"))]
    for link in view["links"]:
        expected += [link["id"], *words(names().get(link["id"], link["title"]))]
    for source in view["sources"]:
        expected += [*words(source["title"]), source["url"], *words(source.get("excerpt"))]
    return expected, [record_id] + [link["id"] for link in view["links"]]


def summary_expectation() -> tuple[list[str], list[str]]:
    fig = json.loads(run("summary", "--json").out)
    conf = fig["conference"]
    expected = [*words(conf["title"]), *(w for h in conf["hosts"] for w in words(h))]
    # a wording as the views print it: in quotation marks, or marked as our paraphrase
    # (each naming its source by label)
    labels = {s["id"]: s["label"] for s in fig["sources"]}
    expected += [w for p in conf["participants"] for w in words(dict(p, source=labels[p["source"]]))]
    for r in fig["roundtable_series"]["roundtables"]:
        expected += words(r["country"])
        expected += [w for p in r["positions"] for w in words(dict(p, source=labels[p["source"]]))]
    expected += [w for f in fig["findings"] + fig["recommendations"] for w in words(f["title"])]
    expected += [r["value"] for r in fig["practices_by_sector"] + fig["practices_by_theme"]]
    expected += [w for s in fig["stages"] for w in words(s["title"])]
    expected += [w for s in fig["sources"] for w in words(s["title"])]
    return expected, []


def chain_expectation() -> tuple[list[str], list[str]]:
    stages = json.loads(run("stages", "--json").out)
    practices = json.loads(run("practices", "--json").out)
    expected = [w for s in stages for w in words(s["title"]) + words(s["description"])]
    linked = [p for p in practices if p["stages"]]
    expected += [w for p in linked for w in words(p["title"])]
    return expected, [p["id"] for p in linked]


def timeline_expectation() -> tuple[list[str], list[str]]:
    rows = json.loads(run("timeline", "--json").out)
    # the date in words, as people write it (JSON's `when` keeps the ISO label)
    expected = [
        w
        for r in rows
        for w in words(query.event_date_words(r) or r["when"]) + words(r["title"]) + [r["kind"]]
    ]
    return expected, [r["id"] for r in rows]


def search_expectation() -> tuple[list[str], list[str]]:
    hits = json.loads(run("search", "whistleblower", "--json").out)
    expected = [w for h in hits for w in [h["type"], *words(h["title"])]]
    return expected, [h["id"] for h in hits]


def count_expectation() -> tuple[list[str], list[str]]:
    rows = json.loads(run("count", "practices", "--by", "themes", "--json").out)
    return [w for r in rows for w in (r["value"], str(r["count"]))], []


VIEWS: dict[str, tuple[list[str], Any]] = {
    **{
        c: ([c, "--no-chain"] if c == "stages" else [c], lambda c=c: list_expectation(c)) for c in COLLECTIONS
    },
    "show-event": (
        ["show", "regional-conference-2023"],
        lambda: show_expectation("regional-conference-2023"),
    ),
    "show-practice": (
        ["show", "whistleblower-protection-and-supply-chain-due-diligence"],
        lambda: show_expectation("whistleblower-protection-and-supply-chain-due-diligence"),
    ),
    "summary": (["summary"], summary_expectation),
    "stages-chain": (["stages", "--chain"], chain_expectation),
    "timeline": (["timeline"], timeline_expectation),
    "search": (["search", "whistleblower"], search_expectation),
    "count": (["count", "practices", "--by", "themes"], count_expectation),
}


@pytest.fixture(scope="module")
def expectations() -> dict[str, tuple[list[str], list[str]]]:
    return {name: make() for name, (_, make) in VIEWS.items()}


@pytest.mark.parametrize("width", [20, *WIDTHS, 500])
@pytest.mark.parametrize("view", list(VIEWS))
def test_piped_views_keep_every_word(view: str, width: int, expectations: dict[str, Any]) -> None:
    result = run(*VIEWS[view][0], env={"COLUMNS": str(width)})
    assert result.code == 0, result.err
    if view != "search":  # a search hit's snippet is an excerpt, marked with "…" where it is cut
        assert "…" not in result.out
    assert all(line == line.rstrip() for line in result.out.splitlines()), "trailing whitespace"
    assert_whole(result.out, *expectations[view])


# ---------------------------------------------------------------- on a real terminal


def run_on_terminal(*args: str, columns: int, rows: int = 500, raw: bool = False, **env: str) -> str:
    """bcc as a process whose stdin and stdout are a pseudo-terminal of the given size."""
    environment = subprocess_env(TERM="xterm-256color", **env)
    environment.pop("COLUMNS", None)
    environment.pop("LINES", None)
    environment.update(env)
    text = run_in_pty(*args, env=environment, columns=columns, rows=rows).decode("utf-8")
    return text if raw else plain(text)


@pytest.mark.skipif(not POSIX_PTY, reason="Linux pseudo-terminals")
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("view", list(VIEWS))
def test_terminal_views_keep_every_word(view: str, width: int, expectations: dict[str, Any]) -> None:
    out = run_on_terminal(*VIEWS[view][0], columns=width, BCC_PAGER="")
    assert all(line == line.rstrip() for line in out.splitlines()), "trailing whitespace"
    assert_whole(out, *expectations[view])
    # only a line holding a long unbreakable word (an id, an address) may be wider than the terminal
    assert all(
        len(line) <= width or max(len(t) for t in line.split()) > width // 2 for line in out.splitlines()
    ), out


# ---------------------------------------------------------------- piped layout


def test_piped_table_is_not_wrapped_without_columns() -> None:
    events = json.loads(run("events", "--json").out)
    out = run("events", env={"COLUMNS": ""}).out
    for event in events:
        (line,) = [x for x in out.splitlines() if x.startswith(event["id"] + " ")]
        assert event["title"] in line  # one record, one line


def test_piped_summary_is_laid_out_at_80_without_columns() -> None:
    out = run("summary", env={"COLUMNS": ""}).out
    assert out and max(len(line) for line in out.splitlines()) <= 80
    assert all(line == line.rstrip() for line in out.splitlines())


@pytest.mark.parametrize("columns", ["0", "-5", "abc", "99999999", "1", "", " 80 "])
@pytest.mark.parametrize("command", [["events"], ["summary"], ["stages", "--chain"], ["timeline"]])
def test_odd_columns_still_print(columns: str, command: list[str]) -> None:
    result = run(*command, env={"COLUMNS": columns})
    assert result.code == 0 and ("RSO" in result.out or "Recruitment" in result.out)


@pytest.mark.skipif(not POSIX_PTY, reason="Linux pseudo-terminals")
@pytest.mark.parametrize("columns", ["0", "99999999", "x"])
def test_odd_columns_on_a_terminal(columns: str) -> None:
    out = run_on_terminal("events", columns=80, COLUMNS=columns, BCC_PAGER="")
    assert "regional-conference-2023" in out


# ---------------------------------------------------------------- columns and layouts


def test_default_columns_and_the_hint(bcc: Any) -> None:
    out = plain(run_on_terminal("practices", columns=200, BCC_PAGER="")) if POSIX_PTY else ""
    if POSIX_PTY:
        assert re.search(r"^id\s+title\s+sectors$", out, re.M), out
        assert (
            "Not shown: summary, themes, stages, origin_event, basis, sources (use --wide or --fields)" in out
        )
    piped = bcc("practices", env={"COLUMNS": "200"}).stdout
    assert "Not shown" not in piped  # the hint is for people at a terminal, not for files
    assert re.search(r"^id\s+title\s+sectors$", piped, re.M)


def test_wide_shows_every_field(bcc: Any) -> None:
    out = bcc("practices", "--wide", env={"COLUMNS": "100"}).stdout
    for field in ("summary", "themes", "stages", "origin_event", "sources"):
        assert re.search(rf"^{field}:", out, re.M), field
    assert bcc("practices", "--wide", "--fields", "id").exit_code == 2


def test_events_date_column(bcc: Any) -> None:
    out = bcc("events", env={"COLUMNS": "200"}).stdout
    assert re.search(r"^regional-conference-2023\s.*\s21–22 November 2023$", out, re.M), out
    assert re.search(r"^roundtable-philippines\s.*\s30 May \(year not stated\)$", out, re.M), out
    assert re.search(r"^roundtable-thailand\s.*\s18 October 2023$", out, re.M), out
    assert "--05-30" not in out and "2023-11-21" not in out  # people read dates in words


@pytest.mark.parametrize("width", [40, 80])
def test_layout_records_and_table(bcc: Any, width: int) -> None:
    env = {"COLUMNS": str(width)}
    records = bcc("--layout", "records", "sources", env=env).stdout
    assert re.search(r"^id:\s+rso-conference-article-2023$", records, re.M)
    table = bcc("--layout", "table", "sources", env=env).stdout
    assert re.search(r"^id\s+label\s+title", table, re.M)
    assert_whole(
        table, [w for s in json.loads(bcc("sources", "--json").stdout) for w in words(s["title"])], []
    )


def test_auto_switches_to_records_when_ids_do_not_fit(bcc: Any) -> None:
    narrow = bcc("practices", "--sector", "private", env={"COLUMNS": "60"}).stdout
    assert re.search(r"^id:\s+whistleblower-protection-and-supply-chain-due-diligence$", narrow, re.M)
    wide = bcc("practices", "--sector", "private", env={"COLUMNS": "140"}).stdout
    assert re.search(r"^id\s+title\s+sectors$", wide, re.M)


def test_a_long_word_of_prose_breaks_visibly(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    long_word = "x" * 60
    add_records(data, "quotes", [quote("long-word", f"before {long_word} after")])
    out = run(
        "--data-dir", str(data), "quotes", "--fields", "id,text", "--search", "before", env={"COLUMNS": "40"}
    ).out
    pieces = [t for line in out.splitlines() for t in line.split() if set(t.rstrip("↩")) == {"x"}]
    assert len(pieces) > 1 and all(p.endswith("↩") for p in pieces[:-1])
    assert "".join(p.rstrip("↩") for p in pieces).count("x") == 60


def test_addresses_are_never_folded() -> None:
    view = json.loads(run("show", "regional-conference-2023", "--json").out)
    out = run("show", "regional-conference-2023", env={"COLUMNS": "40"}).out
    for source in view["sources"]:
        assert any(line.strip() == source["url"] for line in out.splitlines())


@pytest.mark.skipif(not POSIX_PTY, reason="Linux pseudo-terminals")
def test_source_addresses_are_hyperlinks_on_a_terminal_only(tmp_path: Path) -> None:
    view = json.loads(run("show", "regional-conference-2023", "--json").out)
    out = run_on_terminal("show", "regional-conference-2023", columns=100, raw=True, BCC_PAGER="")
    links = re.findall(r"\x1b\]8;;([^\x1b]*)\x1b\\", out)
    assert [u for u in links if u] == [s["url"] for s in view["sources"]]
    piped = run("--color", "always", "show", "regional-conference-2023").out
    assert "\x1b]8;" not in piped  # colour forced into a pipe: still no hyperlinks


def test_invisible_characters_are_escaped(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    sneaky = (
        "zero\u200bwidth join\u200d word\u2060joiner bom\ufeff line\u2028para\u2029 tag\U000e0041 iso\u2067x"
    )
    add_records(data, "quotes", [quote("sneaky", sneaky)])
    out = run("--data-dir", str(data), "quotes", "--search", "zero", env={"COLUMNS": "200"}).out
    for raw, escaped in (
        ("\u200b", "\\u200b"),
        ("\u200d", "\\u200d"),
        ("\u2060", "\\u2060"),
        ("\ufeff", "\\ufeff"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
        ("\U000e0041", "\\U000e0041"),
        ("\u2067", "\\u2067"),
    ):
        assert raw not in out and escaped in out, escaped
    # machine output keeps the text exactly
    (record,) = json.loads(run("--data-dir", str(data), "quotes", "--search", "zero", "--json").out)
    assert record["text"] == sneaky


# ---------------------------------------------------------------- global options after the command


def test_global_options_after_the_command(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    add_records(data, "quotes", [quote("only-here", "A quote only in this copy.")])
    assert "only-here" in run("quotes", "--data-dir", str(data), "--json").out
    assert "only-here" in run("quotes", f"--data-dir={data}", "--json").out
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "quotes.yaml").write_text(yaml.safe_dump([quote("from-overlay", "A quote from an overlay.")]))
    assert "from-overlay" in run("quotes", "--with", str(extra), "--json").out
    colour = run("events", "--color", "always", env={"COLUMNS": "120"})
    assert colour.code == 0 and "\x1b[" in colour.out
    never = run("events", "--color", "never", "--layout", "records", env={"COLUMNS": "120"})
    assert "\x1b[" not in never.out and re.search(r"^id:\s+regional-conference-2023$", never.out, re.M)
    # after --, words are the command's own
    assert run("search", "--", "--color").code == 0


# ---------------------------------------------------------------- the pager


@pytest.mark.skipif(not POSIX_PTY, reason="Linux pseudo-terminals")
def test_pager_for_tall_output(tmp_path: Path) -> None:
    paged = tmp_path / "paged.txt"
    pager = f"{sys.executable} -c \"import sys; open({str(paged)!r}, 'w').write(sys.stdin.read())\""
    out = run_on_terminal("events", columns=80, rows=10, BCC_PAGER=pager)
    assert paged.exists() and "regional-conference-2023" in paged.read_text()
    assert "regional-conference-2023" not in out
    paged.unlink()
    out = run_on_terminal("--no-pager", "events", columns=80, rows=10, BCC_PAGER=pager)
    assert not paged.exists() and "regional-conference-2023" in out
    out = run_on_terminal("events", "--no-pager", columns=80, rows=10, BCC_PAGER=pager)
    assert not paged.exists() and "regional-conference-2023" in out
    out = run_on_terminal("events", columns=80, rows=500, BCC_PAGER=pager)  # fits: no pager
    assert not paged.exists() and "regional-conference-2023" in out
    out = run_on_terminal("events", columns=80, rows=10, PAGER=pager)
    assert paged.exists()


@pytest.mark.skipif(not POSIX_PTY, reason="Linux pseudo-terminals")
def test_a_missing_pager_falls_back_to_plain_output() -> None:
    out = run_on_terminal("events", columns=80, rows=10, BCC_PAGER="/nonexistent/pager --flag")
    assert "regional-conference-2023" in out


def test_never_a_pager_when_piped(tmp_path: Path) -> None:
    paged = tmp_path / "paged.txt"
    pager = f"{sys.executable} -c \"import sys; open({str(paged)!r}, 'w').write(sys.stdin.read())\""
    result = run("events", env={"BCC_PAGER": pager, "LINES": "5"})
    assert "regional-conference-2023" in result.out and not paged.exists()


# ---------------------------------------------------------------- golden files


GOLDEN_VIEWS = {
    "practices-private": ["practices", "--sector", "private"],
    "events": ["events"],
    "quotes": ["quotes"],
    "stakeholders-person": ["stakeholders", "--kind", "person"],
}


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("name", list(GOLDEN_VIEWS))
def test_golden_tables(name: str, width: int) -> None:
    """The default tables, byte for byte: a layout change shows in the diff of tests/golden/.
    Regenerate with BCC_UPDATE_GOLDEN=1 and read the diff before committing it."""
    out = run(*GOLDEN_VIEWS[name], env={"COLUMNS": str(width)}).out
    path = GOLDEN / f"{name}-{width}.txt"
    if os.environ.get("BCC_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(out, encoding="utf-8")
    assert out == path.read_text(encoding="utf-8")


def test_readme_shows_a_real_80_column_table() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("$ bcc events --country Thailand\n", 1)[1].split("\n```", 1)[0]
    table = block.split("\nNot shown:", 1)[0].rstrip("\n") + "\n"
    assert table == run("events", "--country", "Thailand", env={"COLUMNS": "80"}).out
    assert max(len(line) for line in block.splitlines()) <= 80


def test_tables_mark_editorial_values_with_a_legend() -> None:
    records = json.loads(run("practices", "--json").out)
    out = run("practices", "--layout", "records", "--fields", "id,stages,sectors", env={"COLUMNS": "200"}).out
    blocks = {b.splitlines()[0].split()[-1]: b for b in out.split("\n\n") if b.startswith("id:")}
    for record in records:
        for field in ("stages", "sectors"):
            (line,) = [x for x in blocks[record["id"]].splitlines() if x.startswith(f"{field}:")]
            editorial = record["basis"].get(field, {}).get("basis") == "editorial" and record[field]
            assert line.endswith("[E]") == bool(editorial), (record["id"], field, line)
    assert "[E] editorial: our classification, not a source's" in out
    assert "[E]" not in run("practices", "--json").out  # machine output keeps the data alone
    sourced_only = run("practices", "--fields", "id,title", env={"COLUMNS": "200"}).out
    assert "[E]" not in sourced_only  # no mark, no legend


@pytest.mark.parametrize("width", [60, 80, 100, 120])
@pytest.mark.parametrize("command", ["events", "stakeholders", "quotes", "practices", "sources"])
def test_spare_width_goes_where_it_saves_lines(command: str, width: int) -> None:
    """The planned table is never taller than with the spare width shared fairly, and every
    column stays within the width."""
    from bali_corruption_cli.output import tables

    records = json.loads(run(command, "--json").out)
    columns = list(COLLECTIONS[command][1])
    rows = [[cell(query.event_date(r) if c == "date" else r.get(c)) for c in columns] for r in records]
    measured = tables.measure(columns, rows)
    fair, best = tables.plan(measured, width), tables.plan(measured, width, rows)
    if fair is None:
        assert best is None
        return
    assert best is not None and sum(best) + 2 * (len(columns) - 1) <= width

    def height(widths: list[int]) -> int:
        return sum(
            max(len(tables.wrap(t, w, c.prose)) for t, w, c in zip(row, widths, measured, strict=True))
            for row in rows
        )

    assert height(best) <= height(fair)


@pytest.mark.parametrize("columns", ["", "30", "80"])
def test_records_have_no_trailing_whitespace(columns: str) -> None:
    """Empty values included (a city no source gives): "city:" ends the line."""
    out = run("--layout", "records", "events", "--fields", "id,city,title", env={"COLUMNS": columns}).out
    assert re.search(r"^city:$", out, re.M)
    assert all(line == line.rstrip() for line in out.splitlines())


def test_a_wide_character_word_is_measured_by_its_width(tmp_path: Path) -> None:
    """A word of East Asian characters takes two cells a character: a column is never laid out
    narrower than such a word (the rows stay within the rule, nothing pushes past the table)."""
    from bali_corruption_cli.output import tables
    from conftest_hostile import add_records, copy_data, run

    data = copy_data(tmp_path)
    source = {
        "id": "wide-label-source",
        "label": "東京都",  # 3 characters, 6 cells: wider than the header "label" (5)
        "title": "A source with a wide label",
        "publisher": "Nobody",
        "url": "https://example.org/",
        "kind": "article",
    }
    add_records(data, "sources", [source])
    result = run(
        "--layout", "table", "--data-dir", str(data), "sources", "--fields", "id,label", env={"COLUMNS": "40"}
    )
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    rule = next(line for line in lines if line and set(line) <= {"─", "-"})
    assert any("東京都" in line for line in lines)
    assert all(tables.width(line) <= tables.width(rule) for line in lines[lines.index(rule) :])
