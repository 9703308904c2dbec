"""`bcc practices` as a table from the rows the cache keeps: the same bytes as the records' path.

* piped (one record a line), at set widths (wrapped, or records blocks), with colour,
  and with --layout table/records: the cached rows give exactly what the YAML path gives;
* with any combination of filters, and with --search (through the text index);
* no practice is decoded; --fields, --wide and a damaged rows section take the records' path;
* on a pseudo-terminal with the pager off, the table is the plain path's;
* the columns' widths the cache keeps for a whole collection: a badly shaped entry is
  noticed; widths claimed for a column not printed as it is are not used; widths that
  lie lay the table out badly but lose nothing;
* wrapping a line at its last space that fits (str.rfind) gives the word loop's lines.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from bali_corruption_cli.cli import app
from bali_corruption_cli.model import vocab
from bali_corruption_cli.store import cache
from conftest import ROOT
from conftest_generated import generated_catalogue, spy, warm_cache
from conftest_hostile import run_in_pty

SETTINGS = settings(
    deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], database=None, max_examples=25
)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated_catalogue(tmp_path_factory, 800)


@pytest.fixture(scope="module")
def warm(generated: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    return warm_cache(tmp_path_factory, generated)


def _run(args: list[str], cache_dir: str, **env: str) -> Any:
    result = CliRunner().invoke(app, args, env={"BCC_CACHE_DIR": cache_dir, "COLUMNS": "", **env})
    assert result.exit_code == 0, (args, result.stderr)
    return result


def _spy(monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], list[str]]:
    return spy(monkeypatch, "records"), spy(monkeypatch, "rows")


VIEWS = [
    ([], {}),
    ([], {"COLUMNS": "80"}),
    ([], {"COLUMNS": "120"}),
    ([], {"COLUMNS": "200"}),
    (["--color", "always"], {"COLUMNS": "100"}),
    (["--layout", "records"], {"COLUMNS": "90"}),
    (["--layout", "table"], {"COLUMNS": "60"}),
]


@pytest.mark.parametrize(("options", "env"), VIEWS)
def test_the_cached_table_is_the_records_table(
    generated: Path, warm: str, options: list[str], env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    args = [*options, "--data-dir", str(generated), "practices"]
    plain = _run(args, "", **env)
    decoded, laid = _spy(monkeypatch)
    cached = _run(args, warm, **env)
    assert cached.stdout == plain.stdout and cached.stderr == plain.stderr
    assert "[E] editorial" in cached.stdout  # the shipped practices carry editorial sectors
    assert "practices" not in decoded and laid == ["practices"]


STAGES = ["recruitment", "land-border-entry", "airport-entry"]
filters = st.lists(
    st.one_of(
        st.tuples(st.just("--sector"), st.sampled_from(list(vocab.SECTORS))),
        st.tuples(st.just("--theme"), st.sampled_from(list(vocab.THEMES))),
        st.tuples(st.just("--stage"), st.sampled_from(STAGES)),
        st.tuples(st.just("--search"), st.sampled_from(["migration", "labour migration", "para 6", "zzz"])),
    ),
    max_size=3,
)


@SETTINGS
@given(filters, st.sampled_from(["", "80", "150"]))
def test_any_filters_give_the_records_table(
    generated: Path, warm: str, chosen: list[tuple[str, str]], columns: str
) -> None:
    args = ["--data-dir", str(generated), "practices", *[x for pair in chosen for x in pair]]
    plain, cached = _run(args, "", COLUMNS=columns), _run(args, warm, COLUMNS=columns)
    assert (cached.stdout, cached.stderr) == (plain.stdout, plain.stderr)


@pytest.mark.parametrize(
    "extra", [["--fields", "id,sectors"], ["--wide"], ["--search", "border", "--fields", "id"]]
)
def test_other_tables_take_the_records_path(
    generated: Path, warm: str, extra: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["--data-dir", str(generated), "practices", "--sector", "private", *extra]
    plain = _run(args, "", COLUMNS="150")
    _decoded, laid = _spy(monkeypatch)
    assert _run(args, warm, COLUMNS="150").stdout == plain.stdout
    assert laid == []


def test_a_damaged_rows_section_is_noticed(generated: Path, tmp_path: Path) -> None:
    where = str(tmp_path / "cache")
    args = ["--data-dir", str(generated), "practices"]
    expected = _run(args, "").stdout
    _run(["--data-dir", str(generated), "stages"], where)  # writes the entry
    (entry,) = Path(where).glob("catalog-*")
    reader = cache.Reader(entry)
    start, length, _sum = reader.sections["practices"]["rows"][0]
    del reader
    data = bytearray(entry.read_bytes())
    data[start + length // 2] ^= 0xFF
    entry.write_bytes(bytes(data))
    assert _run(args, where).stdout == expected


def test_on_a_terminal_with_the_pager_off(generated: Path, warm: str) -> None:
    env = {
        k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR", "PAGER", "BCC_PAGER")
    }
    env["TERM"] = "xterm"
    args = ("--no-pager", "--data-dir", str(generated), "practices", "--sector", "private")
    cached = run_in_pty(*args, env={**env, "BCC_CACHE_DIR": warm}, columns=120)
    plain = run_in_pty(*args, env={**env, "BCC_CACHE_DIR": ""}, columns=120)
    assert cached == plain
    assert b"\x1b[36m" in cached  # ids in colour, as on any terminal


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.text(alphabet="abc-", max_size=9) | st.sampled_from(["\u00e9t\u00e9", "a\nb"]), max_size=12
    ).map(" ".join),
    st.integers(min_value=1, max_value=30),
    st.booleans(),
)
def test_wrapping_at_the_last_space_is_the_word_loop(text: str, size: int, prose: bool) -> None:
    """`tables.wrap`'s str.rfind lines are the word loop's lines, for any text and width."""
    from bali_corruption_cli.output import tables

    expected: list[str] = []
    for paragraph in text.split("\n"):
        if tables.width(paragraph) <= size:
            expected.append(paragraph.rstrip(" "))
        else:
            expected += tables._greedy(paragraph, size, prose, True)
    assert tables.wrap(text, size, prose) == expected


def _warm_with_widths(data: Path, where: str, widths: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Write ``data``'s cache entry (valid checksums) with these column widths kept (a function
    of the column's cells)."""
    from bali_corruption_cli.output import table_cells

    with monkeypatch.context() as patch:
        patch.setattr(table_cells, "column_widths", widths)
        _run(["--data-dir", str(data), "stages"], where)


def _version() -> str:
    from bali_corruption_cli.output import table_cells

    return table_cells.version()


BAD_WIDTHS = {
    "a negative width": lambda count: [(1, -1)] * count,
    "too few columns": lambda count: [(1, 1)] * (count - 1),
    "not a list": lambda count: "x",
    "three numbers": lambda count: [(1, 2, 3)] * count,
    "a list, not a pair": lambda count: [[1, 2]] * count,
}


@pytest.mark.parametrize("kind", list(BAD_WIDTHS))
def test_badly_shaped_widths_are_noticed(
    generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    from bali_corruption_cli.store import cache_sections

    real = cache_sections.write_rows

    def crafted(put: Any, section: dict[str, Any], name: str, records: Any, display: Any) -> None:
        real(put, section, name, records, display)
        if "widths" in section:
            section["widths"] = BAD_WIDTHS[kind](section["columns"])

    where = str(tmp_path / "cache")
    with monkeypatch.context() as patch:
        patch.setattr(cache_sections, "write_rows", crafted)
        _run(["--data-dir", str(generated), "stages"], where)
    (entry,) = Path(where).glob("catalog-*")
    with pytest.raises(cache.Corrupt):
        cache.Reader(entry).widths("practices", _version())
    args = ["--data-dir", str(generated), "practices"]
    assert _run(args, where, COLUMNS="120").stdout == _run(args, "", COLUMNS="120").stdout


def test_widths_claimed_for_escaped_text_are_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bali_corruption_cli.output import table_cells

    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    practices = data / "practices.yaml"
    lines = practices.read_text("utf-8").split("\n")
    n = next(i for i, line in enumerate(lines) if line.startswith("  title: "))
    lines[n] = '  title: "\\e[31mred\\e[0m ' + lines[n].removeprefix("  title: ") + '"'  # YAML's escape
    practices.write_text("\n".join(lines), "utf-8")
    honest = table_cells.column_widths
    where = str(tmp_path / "cache")
    _warm_with_widths(data, where, lambda texts: honest(texts) or (1, 1), monkeypatch)
    (entry,) = Path(where).glob("catalog-*")
    assert (1, 1) in (cache.Reader(entry).widths("practices", _version()) or [])  # the title column's claim
    args = ["--data-dir", str(data), "practices"]
    for columns in ("80", "120", "200"):
        cached = _run(args, where, COLUMNS=columns).stdout
        assert cached == _run(args, "", COLUMNS=columns).stdout
        assert "\x1b" not in cached and "\\x1b[31mred" in cached


def test_widths_that_lie_lose_nothing(
    generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    where = str(tmp_path / "cache")
    _warm_with_widths(generated, where, lambda texts: (3, 3), monkeypatch)
    records = json.loads(_run(["--data-dir", str(generated), "practices", "--json"], "").stdout)
    for columns in ("60", "120"):
        shown = _run(["--data-dir", str(generated), "practices"], where, COLUMNS=columns).stdout
        words = set(shown.split())
        for record in records:
            assert record["id"] in words
            assert set(record["title"].split()) <= words
