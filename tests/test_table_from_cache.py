"""`bcc practices` as a table from the rows the cache keeps: the same bytes as the records' path.

* piped (one record a line), at set widths (wrapped, or records blocks), with colour,
  and with --layout table/records: the cached rows give exactly what the YAML path gives;
* with any combination of filters, and with --search (through the text index);
* no practice is decoded; --fields, --wide and a damaged rows section take the records' path;
* on a pseudo-terminal with the pager off, the table is the plain path's;
* wrapping a line at its last space that fits (str.rfind) gives the word loop's lines.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from bali_corruption_cli import cache, vocab
from bali_corruption_cli.cli import app
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
    from bali_corruption_cli import tables

    expected: list[str] = []
    for paragraph in text.split("\n"):
        if tables.width(paragraph) <= size:
            expected.append(paragraph.rstrip(" "))
        else:
            expected += tables._greedy(paragraph, size, prose, True)
    assert tables.wrap(text, size, prose) == expected
