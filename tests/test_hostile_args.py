"""Hostile arguments: missing values, wrong types, huge numbers, empty and very
long strings, unknown commands, options and formats.  Each is a usage error:
exit 2, a first line ``bcc: error: ...`` (with the valid choices where there
are some), a short hint after it at most, and never a traceback.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest_hostile import Run, run, subprocess_env

LONG = "x" * 100_000


def assert_usage_error(result: Run, *needles: str) -> None:
    assert result.code == 2, (result.code, result.err[:500])
    assert result.out == ""
    assert result.first.startswith("bcc: error: "), result.err[:500]
    assert len(result.err.splitlines()) <= 2, result.err[:2000]  # the message, and a "Try --help" hint
    for needle in needles:
        assert needle in result.first, (needle, result.first[:500])


MISSING_VALUES = [
    ["practices", "--sector"],
    ["events", "--country"],
    ["events", "--year"],
    ["events", "--format"],
    ["events", "-f"],
    ["events", "--fields"],
    ["quotes", "--search"],
    ["--data-dir"],
    ["--color"],
    ["--with"],
    ["show"],
    ["search"],
    ["count"],
]


@pytest.mark.parametrize("args", MISSING_VALUES, ids=" ".join)
def test_missing_values(args: list[str]) -> None:
    assert_usage_error(run(*args))


@pytest.mark.parametrize("value", ["abc", "1e5", "2023.5", "", "twenty", "0x7e7", "--json"])
def test_wrong_type_for_year(value: str) -> None:
    assert_usage_error(run("events", "--year", value), "--year")


@pytest.mark.parametrize("value", ["99999999999999999999", "-1", "0", str(10**400), "9" * 5000])
def test_huge_or_impossible_year(value: str) -> None:
    """A year outside 1-9999 is a usage error naming the range -- never a crash."""
    result = run("events", "--year", value, "--json")
    assert result.code == 2, result.err
    assert result.first.startswith("bcc: error: ") and "--year" in result.first


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["practices", "--sector", ""], ("--sector", "valid values: ")),
        (["events", "--country", ""], ("--country", "valid values: ", "Thailand")),
        (["events", "--kind", ""], ("--kind", "regional-conference")),
        (["events", "--format", ""], ("--format", "json")),
        (["events", "--fields", ""], ("--fields",)),
        (["events", "--fields", ",,,"], ("--fields",)),
        (["--color", ""], ("--color", "always")),
        (["stakeholders", "--role", " "], ("--role", "valid values: ")),
    ],
)
def test_empty_strings(args: list[str], needles: tuple[str, ...]) -> None:
    assert_usage_error(run(*args), *needles)


@pytest.mark.parametrize(
    "args",
    [
        ["practices", "--sector", LONG],
        ["events", "--country", LONG],
        ["events", "--fields", LONG],
        ["events", "--year", LONG],
        ["events", "--format", LONG],
        [LONG],
        ["events", "--" + LONG],
        ["--color", LONG],
    ],
    ids=lambda args: " ".join(a if len(a) < 20 else "LONG" for a in args),
)
def test_very_long_strings_give_a_short_line(args: list[str]) -> None:
    result = run(*args)
    assert_usage_error(result)
    assert len(result.first) < 1500  # the 100 000 characters are cut short


@pytest.mark.parametrize("args", [["search", LONG], ["quotes", "--search", LONG], ["show", LONG]])
def test_very_long_search_or_id(args: list[str]) -> None:
    result = run(*args)
    assert result.code in (0, 1), result.err[:300]
    assert len(result.err) < 1500


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["nope"], ("No such command 'nope'",)),
        (["evnts"], ("Did you mean 'events'",)),
        (["events", "--nope"], ("No such option: --nope",)),
        (["events", "--countyr", "Thailand"], ("--countyr", "--country")),
        (["--nope", "events"], ("No such option: --nope",)),
        (["events", "extra-argument"], ("extra-argument",)),
        (["data", "nope"], ("nope",)),
    ],
)
def test_unknown_commands_and_options(args: list[str], needles: tuple[str, ...]) -> None:
    assert_usage_error(run(*args), *needles)


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["events", "--format", "xml"], ("'xml' is not one of", "'json'", "'csv'")),
        (["events", "-f", "JSONX"], ("'JSONX'",)),
        (["events", "--json", "--format", "csv"], ("--json", "csv")),
        (["--color", "purple", "events"], ("'purple'", "'always'")),
    ],
)
def test_unknown_output_formats(args: list[str], needles: tuple[str, ...]) -> None:
    assert_usage_error(run(*args), *needles)


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["practices", "--sector", "privte"], ("did you mean 'private'", "valid values: ")),
        (["events", "--kind", "roundtable"], ("--kind",)),
        (["events", "--fields", "id,titel"], ("did you mean 'title'", "valid fields: ")),
        (["schema", "nope"], ("valid: ", "quotes")),
    ],
)
def test_bad_values_name_the_valid_choices(args: list[str], needles: tuple[str, ...]) -> None:
    result = run(*args)
    if result.code == 0:  # an alias the filters accept
        return
    assert_usage_error(result, *needles)


def test_no_arguments_prints_help() -> None:
    result = run()
    assert result.code == 2
    assert "Usage: bcc" in result.out


@pytest.mark.parametrize(
    "args",
    [
        ["events", "--country", "\x00"],
        ["\x00"],
        ["events", "--fields", "id,\x00"],
        # a path: no file may be named so (the property test found --with, 2026-12-03)
        ["--with", "\x00"],
        ["--data-dir", "a\x00b", "practices"],
        ["export", "out\x00.json"],
        ["report", "\x00"],
    ],
)
def test_nul_characters(args: list[str]) -> None:
    result = run(*args)
    assert_usage_error(result)
    assert "\x00" not in result.err and "\\x00" in result.err


def test_arguments_that_are_not_utf8() -> None:
    """Bytes a shell can pass that are not UTF-8 (surrogate-escaped by Python): still one line."""
    proc = subprocess.run(
        [sys.executable.encode(), b"-m", b"bali_corruption_cli", b"events", b"--country", b"caf\xe9"],
        env=subprocess_env(),
        capture_output=True,
        timeout=60,
    )
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 2, err
    assert "Traceback" not in err
    assert err.startswith("bcc: error: ") and "--country" in err.splitlines()[0]


def test_help_still_works_after_bad_arguments() -> None:
    result = run("events", "--help")
    assert result.code == 0 and "Usage:" in result.out
