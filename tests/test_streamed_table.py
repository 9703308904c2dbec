"""A long table is written while it is laid out (`table_lines.BATCH` rows at a time, a
writer thread taking each block): the table is still whole, row for row.

* more rows than two batches, rows that wrap (a blank line between records): one block a
  record, in the records' order, its id first and every word of its title in it; nothing
  else between the rule and the legend; piped, in colour, and on a pseudo-terminal;
* titles that are not ASCII take the general path, batched the same way: the same checks;
* a reader that goes away part way: exit 141, nothing on stderr; a file that cannot grow
  part way (the writer thread's failure): exit 74 naming standard output, one line;
* `tables.wrap_lines` (a column at a time, each distinct text wrapped once) gives
  `tables.wrap`'s lines for every text; `tables.measure` (the widest word found by a
  search of the column's text, no word made) gives the widths their definition gives.
"""

from __future__ import annotations

import json
import re
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bali_corruption_cli.output import table_lines, tables
from conftest_generated import generated_catalogue
from conftest_hostile import run_in_pty, subprocess_env

COUNT = 2 * table_lines.BATCH + 300  # three batches
WIDTH = 120  # titles wrap at this width (the ids take 55 columns)
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="module", params=["ascii", "accented"])
def catalogue(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[str, str]]:
    data = generated_catalogue(tmp_path_factory, COUNT)
    if request.param == "accented":  # every title holds a non-ASCII word: the general path
        practices = data / "practices.yaml"
        practices.write_text(
            practices.read_text("utf-8").replace("  title: ", "  title: Caf\u00e9 "), "utf-8"
        )
    env = subprocess_env(BCC_CACHE_DIR=str(tmp_path_factory.mktemp("cache")))
    return data, env


def _bcc(data: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "bali_corruption_cli", "--data-dir", str(data), *args]


def _records(data: Path, env: dict[str, str]) -> list[dict[str, object]]:
    found = subprocess.run(_bcc(data, "practices", "--json"), env=env, capture_output=True, timeout=300)
    assert found.returncode == 0, found.stderr
    records: list[dict[str, object]] = json.loads(found.stdout)
    return records


def _check_table(text: str, records: list[dict[str, object]]) -> None:
    """One block a record in order, its id first and its title's words in it; every line fits."""
    lines = text.split("\n")
    assert lines[0] == f"{len(records)} practices" and lines[1] == ""
    assert lines[2].split() == ["id", "title", "sectors"] and set(lines[3]) == {"─"}
    legend = lines.index(next(line for line in lines if line.startswith("[E]")))
    body = "\n".join(lines[4 : legend - 1])
    blocks = body.split("\n\n")
    assert len(blocks) == len(records)
    assert "\n\n\n" not in text and not body.startswith("\n")
    for block, record in zip(blocks, records, strict=True):
        assert block.split(" ", 1)[0] == record["id"]
        words = block.split()
        assert all(word in words for word in str(record["title"]).split())
    assert max(len(line) for line in lines[: legend - 1]) <= WIDTH


def test_a_long_table_is_whole_row_for_row(catalogue: tuple[Path, dict[str, str]]) -> None:
    data, env = catalogue
    records = _records(data, env)
    assert len(records) > COUNT
    piped = subprocess.run(
        _bcc(data, "practices"), env={**env, "COLUMNS": str(WIDTH)}, capture_output=True, timeout=300
    )
    assert (piped.returncode, piped.stderr) == (0, b"")
    _check_table(piped.stdout.decode(), records)
    coloured = subprocess.run(
        _bcc(data, "--color", "always", "practices"),
        env={**env, "COLUMNS": str(WIDTH)},
        capture_output=True,
        timeout=300,
    )
    assert coloured.returncode == 0
    assert coloured.stdout.count(b"\x1b[36m") == len(records)  # each id in colour, once
    assert ANSI.sub("", coloured.stdout.decode()) == piped.stdout.decode()


def test_on_a_terminal_the_table_is_the_piped_one(catalogue: tuple[Path, dict[str, str]]) -> None:
    data, env = catalogue
    env = {k: v for k, v in env.items() if k not in ("COLUMNS", "LINES", "PAGER")} | {"TERM": "xterm"}
    screen = run_in_pty("--no-pager", "--data-dir", str(data), "practices", env=env, columns=WIDTH)
    text = ANSI.sub("", screen.decode().replace("\r\n", "\n"))
    hint = text.index("\n\nNot shown: ")  # on a terminal, after the legend
    _check_table(text[:hint] + "\n", _records(data, env))


def test_a_reader_that_goes_away_part_way_is_141(catalogue: tuple[Path, dict[str, str]]) -> None:
    data, env = catalogue
    proc = subprocess.Popen(
        _bcc(data, "practices"),
        env={**env, "COLUMNS": str(WIDTH)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    taken = proc.stdout.read(1_000_000)  # past the first batch: the writer thread is writing
    assert len(taken) == 1_000_000
    proc.stdout.close()
    assert proc.wait(timeout=300) == 141
    assert proc.stderr.read() == b""


def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1_000_000, 1_000_000))


def test_a_file_that_cannot_grow_part_way_is_74(
    catalogue: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    data, env = catalogue
    with (tmp_path / "out.txt").open("wb") as out:
        proc = subprocess.run(
            _bcc(data, "practices"),
            env={**env, "COLUMNS": str(WIDTH)},
            stdout=out,
            stderr=subprocess.PIPE,
            preexec_fn=_limit_file_size,
            timeout=300,
        )
    assert proc.returncode == 74
    lines = proc.stderr.decode().splitlines()
    assert len(lines) == 1 and "standard output" in lines[0], lines
    assert (tmp_path / "out.txt").stat().st_size > 900_000  # the first batch was written


texts = st.lists(
    st.sampled_from(["a", "bb", "ccc dd", "e f g h", "long words here", "x" * 12, "  spaced  out ", "tail "])
    | st.text(alphabet="ab -", max_size=30),
    max_size=20,
)


@settings(max_examples=300, deadline=None)
@given(texts, st.integers(min_value=1, max_value=20), st.booleans())
def test_wrapping_a_column_is_wrapping_each_cell(column: list[str], size: int, prose: bool) -> None:
    wrapped = tables.wrap_lines(column, size, prose)
    # a text that fits is kept as it is (the line it ends up on is stripped)
    assert [[line.rstrip(" ") for line in cell] for cell in wrapped] == [
        tables.wrap(text, size, prose) for text in column
    ]


def _least(name: str, texts: list[str]) -> int:
    """A column's least width by its definition: the header, every word that may not break
    whole, a breakable one at `PROSE_WORD`, and a prose column at least `PROSE_MIN` (or its
    natural width)."""
    prose = name in tables.PROSE_FIELDS
    words = [word for text in texts for line in text.split("\n") for word in line.split(" ")]
    least = max(
        [tables.width(name)]
        + [
            min(tables.width(w), tables.PROSE_WORD) if tables._breakable(w, prose) else tables.width(w)
            for w in words
        ]
    )
    if prose:
        natural = max(
            [tables.width(name)] + [tables.width(line) for text in texts for line in text.split("\n")]
        )
        least = max(least, min(natural, tables.PROSE_MIN))
    return least


cells = st.text(alphabet="ab- \n\u00e9", max_size=40) | st.sampled_from(
    ["x" * 30, "https://example.org/" + "p" * 20, "a-long-identifier-of-words", "word " * 8]
)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["id", "title", "sectors", "description"]), st.lists(cells, max_size=12))
def test_a_column_is_measured_as_defined(name: str, column: list[str]) -> None:
    (measured,) = tables.measure([name], [[text] for text in column])
    assert measured.least == _least(name, [text for text in column if text])
    lines = [line for text in column for line in text.split("\n")]
    assert measured.natural == max([tables.width(name)] + [tables.width(line) for line in lines])
