"""Hostile data: whatever is in a catalogue directory, bcc answers with one clear
line (file:line, record id, field) and exit 3 -- never a traceback, never a hang,
never code run from the data, and the data files are left exactly as they were.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest_hostile import (
    DATA,
    Run,
    add_records,
    assert_data_error,
    copy_data,
    quote,
    run,
    run_process,
    snapshot,
    subprocess_env,
)

ROOT_USER = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return copy_data(tmp_path)


def bcc_on(data_dir: Path | str, *args: str) -> Run:
    return run("--data-dir", str(data_dir), *(args or ("quotes",)))


def check_untouched(data_dir: Path, before: dict[str, tuple[bytes | None, int]]) -> None:
    assert snapshot(data_dir) == before, "bcc changed the data directory"


# ---------------------------------------------------------------- broken YAML


def _lines(edit: Callable[[list[str]], None]) -> Callable[[str], str]:
    def apply(text: str) -> str:
        lines = text.split("\n")
        edit(lines)
        return "\n".join(lines)

    return apply


# quotes.yaml: line 4 is "- id: scott-not-a-quick-fix", line 7 is "  kind: direct".
QUOTE_CASES: dict[str, tuple[Callable[[str], str], tuple[str, ...]]] = {
    "syntax-error": (
        lambda t: t + "\n- id: broken\n  text: [unclosed, list\n  kind: direct\n",
        ("quotes.yaml:", "invalid YAML"),
    ),
    "tab-indentation": (
        _lines(lambda ls: ls.__setitem__(4, "\t" + ls[4].lstrip())),
        ("quotes.yaml:5:1", "tab"),
    ),
    "scalar-not-list": (
        lambda t: "just a sentence\n",
        ("quotes.yaml:1", "expected a list of quotes records"),
    ),
    "mapping-not-list": (lambda t: "id: x\ntext: y\n", ("quotes.yaml:1", "expected a list", "dict")),
    "scalar-not-record": (lambda t: "- just a sentence\n", ("quotes.yaml:1:3",)),
    "null-document": (lambda t: "null\n", ("quotes.yaml:1", "expected a list")),
    "wrong-type": (
        _lines(lambda ls: ls.__setitem__(6, "  kind: 12")),
        ("quotes.yaml:7", "record 'scott-not-a-quick-fix'", "kind", "valid: direct, paraphrase"),
    ),
    "unknown-value": (
        _lines(lambda ls: ls.__setitem__(6, "  kind: drect")),
        ("quotes.yaml:7", "record 'scott-not-a-quick-fix'", "kind", "did you mean 'direct'"),
    ),
    "missing-key": (
        _lines(lambda ls: ls.pop(6)),
        ("quotes.yaml:4", "record 'scott-not-a-quick-fix'", "kind", "missing"),
    ),
    "unknown-key": (
        _lines(lambda ls: ls.insert(4, "  colour: red")),
        ("quotes.yaml:5", "record 'scott-not-a-quick-fix'", "colour", "unknown key"),
    ),
    "repeated-key": (
        _lines(lambda ls: ls.insert(7, "  kind: paraphrase")),
        ("quotes.yaml:8", "kind", "repeated", "first at line 7"),
    ),
    "two-documents": (lambda t: t + "\n---\n- id: another\n", ("quotes.yaml:", "invalid YAML")),
    "unknown-tag": (lambda t: "- !mytag {id: x}\n", ("quotes.yaml:1", "invalid YAML")),
    "binary-tag": (
        _lines(lambda ls: ls.__setitem__(6, "  kind: !!binary aGVsbG8=")),
        ("quotes.yaml:7", "kind"),
    ),
}


@pytest.mark.parametrize("case", sorted(QUOTE_CASES))
def test_broken_collection_file(data: Path, case: str) -> None:
    edit, needles = QUOTE_CASES[case]
    path = data / "quotes.yaml"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    before = snapshot(data)
    result = bcc_on(data)
    assert_data_error(result, *needles)
    assert result.out == ""
    check_untouched(data, before)


def test_wrong_type_in_another_collection(data: Path) -> None:
    path = data / "stages.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  order: 1\n", '  order: "1"\n', 1))
    assert_data_error(bcc_on(data, "stages"), "stages.yaml:5", "record 'recruitment'", "order")


def test_broken_record_named_for_any_command(data: Path) -> None:
    """A broken file stops every command that reads the catalogue, with the same line."""
    path = data / "events.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n- id: x\n\tkind: meeting\n", encoding="utf-8")
    for command in (["practices"], ["events", "--json"], ["search", "bali"], ["show", "recruitment"]):
        assert_data_error(bcc_on(data, *command), "events.yaml:", "tab")


def test_single_problem_is_a_single_line(data: Path) -> None:
    (data / "quotes.yaml").write_text("- id: a\n\tkind: direct\n", encoding="utf-8")
    result = bcc_on(data)
    assert_data_error(result, "quotes.yaml:2:1", "tab")
    assert len(result.err.splitlines()) == 1


def test_many_problems_do_not_flood_stderr(data: Path) -> None:
    """Thousands of broken records: a first line with the count, and a bounded list after it."""
    broken = [quote(f"q-{n}", "x") | {"speakr": "david-scott"} for n in range(300)]
    add_records(data, "quotes", broken)
    result = bcc_on(data)
    assert_data_error(result, "more problems", "bcc validate")
    assert len(result.err.splitlines()) < 60


# ---------------------------------------------------------------- bytes


def test_non_utf8_bytes(data: Path) -> None:
    path = data / "quotes.yaml"
    lines = path.read_bytes().split(b"\n")
    lines[4] += b" caf\xe9"  # Latin-1, not UTF-8
    path.write_bytes(b"\n".join(lines))
    before = snapshot(data)
    result = bcc_on(data)
    assert_data_error(result, "quotes.yaml:5", "not valid UTF-8", "0xe9")
    check_untouched(data, before)


def test_utf16_file(data: Path) -> None:
    path = data / "quotes.yaml"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    assert_data_error(bcc_on(data), "quotes.yaml", "UTF-8")


def test_byte_order_mark_loads_fine(data: Path) -> None:
    path = data / "quotes.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    plain = run("--data-dir", str(DATA), "quotes", "--json")
    result = bcc_on(data, "quotes", "--json")
    assert result.code == 0, result.err
    assert result.out == plain.out


@pytest.mark.parametrize("content", ["", "\n\n", "# only a comment\n", "---\n", "[]\n"])
def test_empty_collection_is_fine(data: Path, content: str) -> None:
    (data / "findings.yaml").write_text(content, encoding="utf-8")
    result = bcc_on(data, "findings", "--json")
    assert result.code == 0, result.err
    assert result.out.strip() == "[]"


def test_control_characters_in_a_key_are_shown_escaped(data: Path) -> None:
    """A hostile key name is quoted in the message, never written raw to the terminal."""
    add_records(data, "quotes", [quote("q-key", "x") | {"\x1b]0;pwned\x07": 1}])
    result = bcc_on(data)
    assert_data_error(result, "q-key", "\\x1b]0;pwned\\x07", "unknown key")
    assert "\x1b" not in result.err and "\x07" not in result.err


# ---------------------------------------------------------------- size and depth


def test_file_over_the_size_limit_is_refused_quickly(data: Path) -> None:
    path = data / "quotes.yaml"
    with path.open("r+b") as fh:  # sparse: 65 MiB of nothing on disk
        fh.truncate(65 * 1024 * 1024)
    started = time.monotonic()
    assert_data_error(bcc_on(data), "quotes.yaml", "larger than 64 MiB")
    assert time.monotonic() - started < 5


def test_large_valid_file_loads(data: Path) -> None:
    add_records(data, "quotes", [quote(f"bulk-{n}", f"statement number {n}") for n in range(3000)])
    result = bcc_on(data, "quotes", "--json", "--fields", "id")
    assert result.code == 0, result.err
    ids = [r["id"] for r in __import__("json").loads(result.out)]
    assert len(ids) == 3004 and "bulk-2999" in ids


@pytest.mark.parametrize(
    "document",
    [
        "[" * 100_000,
        "{a: " * 100_000,
        "- " * 100_000 + "x",
        "".join("  " * n + "- a:\n" for n in range(3000)),
    ],
    ids=["flow-sequence", "flow-mapping", "block-sequence", "block-mapping"],
)
def test_deep_nesting_is_refused_without_crashing(data: Path, document: str) -> None:
    """Run in a separate process: a crash of libyaml's composer must not take pytest down."""
    (data / "quotes.yaml").write_text(document, encoding="utf-8")
    proc = run_process("--data-dir", str(data), "quotes", timeout=60)
    err = proc.stderr.decode()
    assert proc.returncode == 3, (proc.returncode, err)  # negative: killed by a signal (segfault)
    assert err.startswith("bcc: error: invalid data: ") and "quotes.yaml:" in err.splitlines()[0]


@pytest.mark.parametrize("depth", [65, 200, 900])
def test_nesting_under_the_parser_limit_is_refused_by_the_loader(data: Path, depth: int) -> None:
    (data / "quotes.yaml").write_text("[" * depth + "]" * depth, encoding="utf-8")
    assert_data_error(bcc_on(data), "quotes.yaml:1", "nested more than 64 levels")


def test_deep_nesting_with_the_pure_python_parser(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without libyaml (CSafeLoader), PyYAML recurses: still a message, not a RecursionError."""
    import yaml

    monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    (data / "quotes.yaml").write_text("[" * 20_000, encoding="utf-8")
    result = run("--data-dir", str(data), "quotes", env={"BCC_CACHE_DIR": ""})
    assert_data_error(result, "quotes.yaml")


# ---------------------------------------------------------------- aliases and tags

BILLION_LAUGHS = """\
- id: lol
  speaker: david-scott
  event: regional-conference-2023
  kind: direct
  text: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
  notes:
""" + "".join(f"    - &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]\n" for n in range(1, 10))


def test_billion_laughs_is_refused_quickly(data: Path) -> None:
    (data / "quotes.yaml").write_text(BILLION_LAUGHS, encoding="utf-8")
    before = snapshot(data)
    started = time.monotonic()
    proc = run_process("--data-dir", str(data), "quotes", timeout=30, preexec_fn=_limit_memory)
    err = proc.stderr.decode()
    assert proc.returncode == 3, err
    assert "quotes.yaml:" in err.splitlines()[0] and "aliases are not allowed" in err
    assert time.monotonic() - started < 15
    check_untouched(data, before)


def _limit_memory() -> None:  # pragma: no cover - runs in the child
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))  # 1 GiB
    except (ImportError, ValueError, OSError):
        pass


def test_any_alias_is_refused(data: Path) -> None:
    text = (data / "quotes.yaml").read_text(encoding="utf-8")
    text = text.replace("- id: scott-not-a-quick-fix", "- &first\n  id: scott-not-a-quick-fix", 1)
    (data / "quotes.yaml").write_text(text + "\n- *first\n", encoding="utf-8")
    assert_data_error(bcc_on(data), "quotes.yaml:", "aliases are not allowed")


@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object/apply:os.system [{cmd}]",
        "!!python/object/apply:subprocess.call [[sh, -c, {cmd}]]",
        "!!python/object/new:os.system [{cmd}]",
        "!!python/name:os.system",
        "!!python/module:os",
    ],
)
def test_python_tags_are_refused_and_nothing_runs(data: Path, tmp_path: Path, tag: str) -> None:
    marker = tmp_path / "pwned"
    payload = tag.format(cmd=f'"touch {marker}"')
    (data / "quotes.yaml").write_text(f"- id: evil\n  text: {payload}\n", encoding="utf-8")
    before = snapshot(data)
    assert_data_error(bcc_on(data), "quotes.yaml:2", "invalid YAML")
    assert not marker.exists(), "a YAML tag ran a command"
    check_untouched(data, before)


def test_python_tag_is_refused_by_bcc_validate(data: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    (data / "quotes.yaml").write_text(f'- !!python/object/apply:os.system ["touch {marker}"]\n')
    result = run("--data-dir", str(data), "validate")
    assert result.code == 3, result.err
    assert "quotes.yaml:1" in result.out + result.err
    assert not marker.exists()


# ---------------------------------------------------------------- the directory itself


def test_data_dir_missing(tmp_path: Path) -> None:
    assert_data_error(bcc_on(tmp_path / "nowhere"), "nowhere", "data directory not found")


def test_data_dir_is_a_file(tmp_path: Path) -> None:
    path = tmp_path / "a-file"
    path.write_text("- id: x\n")
    assert_data_error(bcc_on(path), "a-file", "not a directory")


def test_data_dir_from_the_environment_missing(tmp_path: Path) -> None:
    result = run("quotes", env={"BCC_DATA_DIR": str(tmp_path / "gone")})
    assert_data_error(result, "gone", "not found")


def test_overlay_is_a_file(tmp_path: Path) -> None:
    path = tmp_path / "overlay"
    path.write_text("x")
    assert_data_error(run("--with", str(path), "quotes"), "overlay", "overlay directory is not a directory")


def test_collection_file_missing(data: Path) -> None:
    (data / "stages.yaml").unlink()
    assert_data_error(bcc_on(data), "stages.yaml", "missing collection file for 'stages'")


def test_collection_file_is_a_directory(data: Path) -> None:
    (data / "quotes.yaml").unlink()
    (data / "quotes.yaml").mkdir()
    before = snapshot(data)
    assert_data_error(bcc_on(data), "quotes.yaml", "is a directory")
    check_untouched(data, before)


def test_dangling_symlink(data: Path) -> None:
    (data / "quotes.yaml").unlink()
    (data / "quotes.yaml").symlink_to(data / "nothing-here.yaml")
    assert_data_error(bcc_on(data), "quotes.yaml", "missing collection file")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_collection_file_is_a_named_pipe_does_not_hang(data: Path) -> None:
    (data / "quotes.yaml").unlink()
    os.mkfifo(data / "quotes.yaml")
    proc = run_process("--data-dir", str(data), "quotes", timeout=30)
    assert proc.returncode == 3
    assert "quotes.yaml: is not a regular file" in proc.stderr.decode()


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_collection_file_is_an_endless_device(data: Path) -> None:
    """A symlink to /dev/zero must not be read until memory runs out."""
    (data / "quotes.yaml").unlink()
    (data / "quotes.yaml").symlink_to("/dev/zero")
    proc = run_process("--data-dir", str(data), "quotes", timeout=30, preexec_fn=_limit_memory)
    assert proc.returncode == 3, proc.stderr
    assert "quotes.yaml: is not a regular file" in proc.stderr.decode()


@pytest.mark.skipif(
    ROOT_USER or sys.platform == "win32", reason="root (or Windows) reads files whatever the mode"
)
def test_unreadable_collection_file(data: Path) -> None:
    path = data / "quotes.yaml"
    path.chmod(0)
    try:
        assert_data_error(bcc_on(data), "quotes.yaml", "cannot read", "ermission denied")
    finally:
        path.chmod(0o644)


@pytest.mark.skipif(
    ROOT_USER or sys.platform == "win32", reason="root (or Windows) reads files whatever the mode"
)
def test_unsearchable_data_dir(data: Path) -> None:
    data.chmod(0)
    try:
        result = bcc_on(data)
        assert result.code == 3, result.err
        assert str(data) in result.first
    finally:
        data.chmod(0o755)


def test_reading_never_writes_to_the_data_dir(data: Path, tmp_path: Path) -> None:
    """A normal run, with the cache on, leaves the data directory byte-for-byte as it was."""
    before = snapshot(data)
    cache = tmp_path / "cache"
    for args in (["quotes"], ["events", "--json"], ["validate"], ["summary"]):
        result = run("--data-dir", str(data), *args, env={"BCC_CACHE_DIR": str(cache)})
        assert result.code == 0, result.err
    check_untouched(data, before)
    assert any(cache.iterdir())


def test_broken_cache_is_ignored(data: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    env = {"BCC_CACHE_DIR": str(cache)}
    first = run("--data-dir", str(data), "quotes", "--json", env=env)
    entries = list(cache.glob("catalog-*"))
    assert entries, "the first run wrote no cache entry"
    for entry in entries:
        entry.write_bytes(entry.read_bytes()[: len(entry.read_bytes()) // 2])  # truncated
    again = run("--data-dir", str(data), "quotes", "--json", env=env)
    assert again.code == 0 and again.out == first.out


def test_cache_dir_is_a_file(data: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "cache-file"
    blocker.write_text("not a directory")
    result = run("--data-dir", str(data), "quotes", "--json", env={"BCC_CACHE_DIR": str(blocker)})
    assert result.code == 0, result.err
    assert blocker.read_text() == "not a directory"


def test_hostile_data_dir_name_is_shown_escaped(tmp_path: Path) -> None:
    name = tmp_path / "\x1b]0;pwned\x07"
    result = bcc_on(name)
    assert result.code == 3
    assert "\x1b" not in result.err and "\\x1b]0;pwned\\x07" in result.first


def test_shipped_catalogue_still_loads() -> None:
    """The fixtures above copy data/: make sure the copy itself is valid."""
    env = subprocess_env()
    assert shutil.which(sys.executable)
    proc = run_process("quotes", "--json", env=env)
    assert proc.returncode == 0, proc.stderr


def test_unreadable_collection_file_even_as_root(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same as chmod 000, simulated, so that it is also checked where tests run as root."""
    real_open = os.open

    def refuse(path: object, *args: object, **kwargs: object) -> int:
        if str(path).endswith("quotes.yaml"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refuse)
    result = run("--data-dir", str(data), "quotes", env={"BCC_CACHE_DIR": ""})
    assert_data_error(result, "quotes.yaml", "cannot read: Permission denied")


def test_newline_in_a_record_id_keeps_the_message_on_one_line(data: Path) -> None:
    add_records(data, "quotes", [quote("bad\nid", "x")])
    result = bcc_on(data)
    assert_data_error(result, "record 'bad\\nid'", "id", "pattern")
    assert len(result.err.splitlines()) == 1


@pytest.mark.parametrize(
    ("old", "new", "needles"),
    [
        (
            "start_date: 2023-11-21",
            "start_date: 2023-02-30",
            ("events.yaml:9", "'2023-02-30' is not a valid"),
        ),
        ("start_date: 2023-11-21", "start_date: !!int abc", ("events.yaml:9", "'abc' is not a valid int")),
        ("start_date: 2023-11-21", "start_date: !!timestamp", ("events.yaml:9", "not a valid timestamp")),
        ("start_date: 2023-11-21", "start_date: 0x" + "f" * 5000, ("events.yaml:9", "integer too large")),
        ("start_date: 2023-11-21", "start_date: " + "9" * 5000, ("events.yaml:9", "not a valid int")),
        ("start_date: 2023-11-21", "start_date: !!set x", ("events.yaml:9", "invalid YAML")),
    ],
    ids=["impossible-date", "int-tag", "empty-timestamp", "huge-hex", "huge-decimal", "set-on-scalar"],
)
def test_values_yaml_cannot_build(data: Path, old: str, new: str, needles: tuple[str, ...]) -> None:
    """PyYAML's constructors raise ValueError, IndexError... on these: still a message with the line."""
    path = data / "events.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    assert_data_error(bcc_on(data, "events"), *needles)


def test_impossible_date_next_to_a_repeated_key(data: Path) -> None:
    path = data / "events.yaml"
    text = path.read_text(encoding="utf-8").replace("start_date: 2023-11-21", "start_date: 2023-02-30", 1)
    path.write_text(text.replace("  kind: regional-conference", "  kind: meeting\n  kind: meeting", 1))
    assert_data_error(bcc_on(data, "events"), "events.yaml:")


def test_too_many_values_in_one_file_is_refused_with_bounded_work(data: Path) -> None:
    """A few MiB of "[1,1,1,..." would take gigabytes as a YAML node tree: counted and refused first."""
    (data / "quotes.yaml").write_text("[" + "1," * 1_100_000 + "1]\n", encoding="utf-8")
    started = time.monotonic()
    proc = run_process("--data-dir", str(data), "quotes", timeout=120, preexec_fn=_limit_memory)
    err = proc.stderr.decode()
    assert proc.returncode == 3, err[:500]
    assert "quotes.yaml:1:" in err and "more than 1,000,000 values" in err
    assert time.monotonic() - started < 60
