"""The batch reader of large files: same data as PyYAML's full loader, in one process or several.

* `_plain_events` (libyaml events -> data) either gives exactly what `construct_document`
  gives, types included, or declines (`_Slow`), for any YAML text.
* `_batches` splits a file as the plain reference below (re.M patterns) does.
* Reading with BCC_WORKERS=1 or 2 gives the same records and lines; a worker
  that dies is redone by the parent; a problem in any worker's share is
  reported at its exact line.
"""

from __future__ import annotations

import datetime
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bali_corruption_cli import catalog
from bali_corruption_cli.catalog import fast_reader, reader
from bali_corruption_cli.catalog.files import _File
from bali_corruption_cli.core.errors import UsageError
from conftest import Run
from test_large_files import _catalogue

SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)


def _same(a: Any, b: Any) -> bool:
    """Equal, and of the same types all the way down (1 == True == 1.0 in Python)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(
            _same(k, k2) and _same(a[k], b[k2]) for k, k2 in zip(a, b, strict=True)
        )
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and a != a:
        return b != b
    return bool(a == b)


def _full(text: str) -> tuple[bool, Any, list[int]]:
    """(accepted, data, item lines) by the reference: the strict loader behind every message."""
    loader = catalog._loader_class()(text)
    try:
        node = loader.get_single_node()
        if node is None or catalog._check_shape(node, "x") is not None:
            return False, None, []
        lines = [item.start_mark.line for item in node.value] if isinstance(node.value, list) else []
        return True, loader.construct_document(node), lines
    except (yaml.YAMLError, catalog._RepeatedKey, RecursionError, *catalog._CONSTRUCT_ERRORS):
        return False, None, []
    finally:
        loader.dispose()


def _fast(text: str) -> tuple[bool, Any, list[int]]:
    loader = yaml.CSafeLoader(text)
    try:
        data, lines = catalog._plain_events(loader, {})
        return True, data, lines
    except (yaml.YAMLError, catalog._Slow, RecursionError):
        return False, None, []
    finally:
        loader.dispose()


def _agree(text: str) -> None:
    fast_ok, fast, fast_lines = _fast(text)
    full_ok, full, full_lines = _full(text)
    if fast_ok:  # declining is always allowed: the full reader then decides
        assert full_ok, f"fast reader accepted what the full one refuses: {text!r}"
        assert _same(fast, full), (text, fast, full)
        assert fast_lines == full_lines, text


TRICKY = [
    "- {a: 1, b: yes, c: no, d: on, e: off, f: ~, g: null, h: '', i: 0o17, j: 0x1F, k: 1_000}",
    "- [2020-02-29, 2020-02-30, 2001-12-14t21:59:43.10-05:00, 1:20, 190:20:30, .inf, -.Inf, .NaN]",
    "- [true, True, TRUE, tRue, y, Y, n, N, 'yes', \"no\", !!str 12, !!int '7', !!float 1]",
    "- &a {x: 1}\n- *a",
    "- {<<: {x: 1}, y: 2}",
    "- {a: 1, a: 2}",
    "- 'true': null\n  true: null\n",  # one key to the full loader's check, two to Python
    "- {010: a, 0b11: b, yes: c, 1:30: d}",  # YAML 1.1-only forms: the full loader refuses them
    "- {1: a, 1.0: b}",
    "- {? [1, 2] : x}",
    "- !!set {a, b}",
    "- !!binary aGVsbG8=",
    "- !!omap [a: 1]",
    "- !custom x",
    "- = : x",
    "- {=: 1}",
    "- 123456789012345678901234567890",
    "- 0x" + "f" * 40,
    "- " + "[" * 70 + "]" * 70,
    "- " + "[" * 63 + "]" * 63,
    "- " + "[" * 63 + "1" + "]" * 63,
    "- " + "{a: " * 62 + "1" + "}" * 62,
    "- " + "{a: " * 63 + "1" + "}" * 63,
    "- text with a * star\n- and &amp",
    "- >-\n  folded\n  text\n- |\n  literal\n- 'it''s'\n- \"esc \\u00e9 \\t\"",
    "- -1\n- +1\n- -.5\n- 1e3\n- 1.5e+3\n- 0b101\n- 0777\n- 1__0",
    "- {ok: 2002-12-14, t: 2002-12-14 21:59:43.1 -5}",
    "- '~'\n- ~\n- -\n- - x",
]


@pytest.mark.parametrize("text", TRICKY)
def test_fast_reader_agrees_on_tricky_yaml(text: str) -> None:
    _agree(text)


def test_fast_reader_reads_the_plain_cases_itself() -> None:
    ok, data, lines = _fast("- {id: x, n: 3, flag: true, none: ~, day: 2023-05-30, list: [a, 'b']}")
    assert (
        ok
        and lines == [0]
        and _same(
            data,
            [
                {
                    "id": "x",
                    "n": 3,
                    "flag": True,
                    "none": None,
                    "day": datetime.date(2023, 5, 30),
                    "list": ["a", "b"],
                }
            ],
        )
    )
    for declined in ("- &a x\n- *a", "- {a: 1, a: 2}", "- {<<: {x: 1}}", "- !!set {a}", "- 2020-02-30"):
        assert _fast(declined)[0] is False, declined


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(),
    st.dates(),
    st.datetimes(),
    st.text(max_size=20),
    st.sampled_from(
        ["yes", "No", "on", "~", "null", "1_0", "0o7", "0x1f", ".inf", "2020-01-01", "1:30", "<<", "="]
    ),
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.one_of(st.text(max_size=8), st.integers(0, 3), st.booleans()), children, max_size=4
        ),
    ),
    max_leaves=25,
)


@SETTINGS
@given(st.lists(documents, max_size=4), st.booleans(), st.booleans())
def test_fast_reader_agrees_on_any_document(items: list[Any], flow: bool, unicode: bool) -> None:
    _agree(yaml.safe_dump(items, default_flow_style=flow, allow_unicode=unicode))


@SETTINGS
@given(st.text(alphabet=st.sampled_from(list("-[]{}:,&*!|>'\"#?~ \nabcy01.")), max_size=60))
def test_fast_reader_agrees_on_any_text(text: str) -> None:
    _agree(text)


# ---------------------------------------------------------------- batches


def _reference_batches(data: bytes) -> list[int] | None:
    """Record starts as the format is defined: re.M patterns, clear and slow."""
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    body = data[bom:]
    if b"\t" in data or re.compile(rb"^(?:[^-# \r\n]|---|-[^ \r\n])", re.M).search(body):
        return None
    return [bom + m.start() for m in re.compile(rb"^-(?= |\r?$)", re.M).finditer(body)]


LINES = [b"- a: 1\n", b"-\n  b: 2\n", b"  c: x\n", b"# c\n", b"\n", b"---\n", b"-x\n", b"- \n", b"-\r\n"]
LINES += [b"\r\n", b"x: 1\n", b"-", b" -\n", b"\xef\xbb\xbf", b"- y\r\n", b"-\r", b"\t\n", b"#-\n", b"- "]


@settings(SETTINGS, max_examples=500)
@given(st.lists(st.sampled_from(LINES), max_size=10))
def test_batches_split_where_the_reference_does(lines: list[bytes]) -> None:
    data = b"".join(lines)
    parts = catalog._batches(catalog._File("practices", Path("x"), data))
    reference = _reference_batches(data)
    if reference is None:
        assert parts is None  # what the format refuses is never split
    if parts is None:
        return  # also declined: nothing but comments before the first record, no record...
    assert reference is not None
    assert parts[0][0] == reference[0] and {begin for begin, *_rest in parts} <= set(reference)
    assert sum(n for *_rest, n in parts) == len(reference)
    for begin, _end, lines_before, _n in parts:
        assert lines_before == data.count(b"\n", 0, begin)


# ---------------------------------------------------------------- workers


def _large(directory: Path, bad_at: int | None = None, count: int = 5000) -> int | None:
    """A copy of the shipped data with ``count`` more practices (one bad at ``bad_at``): its line."""
    return _catalogue(directory, bad_at, count)[1]


@pytest.fixture(autouse=True)
def _small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """10 batches of 500 records: enough for every worker to get some (2 batches each at least)."""
    monkeypatch.setattr(fast_reader, "BATCH_RECORDS", 500)


def _load(directory: Path, monkeypatch: pytest.MonkeyPatch, workers: str) -> catalog.Catalog:
    """Load with that many workers; check the batch reader did it (the full one never ran on
    practices.yaml) and forked one process fewer than the workers."""
    monkeypatch.setenv("BCC_WORKERS", workers)
    full_reads: list[str] = []
    forks: list[int] = []
    real_parse, real_fork = reader._parse, os.fork

    def parse(f: Any) -> Any:
        full_reads.append(f.path.name)
        return real_parse(f)

    def fork() -> int:
        pid = real_fork()
        forks.append(pid)
        return pid

    monkeypatch.setattr(reader, "_parse", parse)
    if hasattr(os, "fork"):
        monkeypatch.setattr(os, "fork", fork)
    try:
        loaded, problems = catalog.check(directory, cache=False)
    finally:
        monkeypatch.setattr(reader, "_parse", real_parse)
        if hasattr(os, "fork"):
            monkeypatch.setattr(os, "fork", real_fork)
    assert loaded is not None and not [p for p in problems if p.severity == "error"], problems
    assert "practices.yaml" not in full_reads
    assert len(forks) == catalog.workers() - 1
    return loaded


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("large")
    _large(directory)
    return directory


def test_workers_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BCC_WORKERS", "3")
    assert catalog.workers() == (3 if sys.platform.startswith("linux") else 1)
    monkeypatch.setenv("BCC_WORKERS", "")  # empty: bcc chooses
    assert 1 <= catalog.workers() <= 4
    monkeypatch.setenv("BCC_WORKERS", "nonsense")  # issue 12: refused, not a silent default
    with pytest.raises(UsageError, match="BCC_WORKERS"):
        catalog.workers()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are forked")
def test_one_or_more_workers_read_the_same(large: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    one = _load(large, monkeypatch, "1")
    for workers in ("2", "3"):
        more = _load(large, monkeypatch, workers)
        assert more.collections == one.collections
        assert more.origins == one.origins
    assert len(one.records("practices")) > 5000
    rid = "synthetic-practice-4999"
    line = one.origins[rid][1]
    text = (large / "practices.yaml").read_text(encoding="utf-8").splitlines()
    assert line is not None and text[line - 1] == f"- id: {rid}"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are forked")
def test_a_worker_that_dies_is_redone(large: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = _load(large, monkeypatch, "1")
    parent = os.getpid()
    real = fast_reader._read_batches

    def dying(*args: Any) -> Any:
        if os.getpid() != parent:
            os._exit(9)  # e.g. killed for memory
        return real(*args)

    monkeypatch.setattr(fast_reader, "_read_batches", dying)
    again = _load(large, monkeypatch, "2")
    assert again.collections == expected.collections and again.origins == expected.origins


@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are forked")
def test_a_worker_that_dies_after_sending_a_batch_is_finished_here(
    large: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker sends its results a batch at a time: what it sent before dying is kept, the
    rest of its share is read here, and the catalogue is the one a single process reads."""
    expected = _load(large, monkeypatch, "1")
    parent = os.getpid()
    real_send, real_read = fast_reader._send, fast_reader._read_batches
    read_here: list[int] = []

    def send_one_and_die(fd: int, results: list[Any]) -> None:
        real_send(fd, results[:1])
        os._exit(9)  # e.g. killed for memory

    def read(f: Any, parts: Any, model: Any) -> Any:
        if os.getpid() == parent:
            read_here.extend(begin for begin, _end, _lines, _n in parts)
        return real_read(f, parts, model)

    monkeypatch.setattr(fast_reader, "_send", send_one_and_die)
    monkeypatch.setattr(fast_reader, "_read_batches", read)
    again = _load(large, monkeypatch, "2")
    assert again.collections == expected.collections and again.origins == expected.origins
    path = large / "practices.yaml"
    parts = fast_reader._batches(_File("practices", path, path.read_bytes()))
    assert parts is not None and len(parts) >= 4
    # Every batch but the one the worker sent was read here, none twice.
    assert len(read_here) == len(set(read_here)) == len(parts) - 1
    assert set(read_here) < {begin for begin, _end, _lines, _n in parts}


@pytest.mark.parametrize("workers", ["1", "2"])
@pytest.mark.parametrize("bad_at", [10, 4990])
def test_a_problem_in_any_share_has_its_exact_line(
    bcc: Callable[..., Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: str, bad_at: int
) -> None:
    line = _large(tmp_path, bad_at=bad_at)
    monkeypatch.setenv("BCC_WORKERS", workers)
    run = bcc("validate", str(tmp_path))
    assert run.exit_code == 3
    assert f"practices.yaml:{line}:" in run.stdout
    assert f"record 'synthetic-practice-{bad_at}'" in run.stdout


def test_loading_twice_in_one_process_leaves_no_worker(large: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _load(large, monkeypatch, "2")
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # every child was reaped
