"""--sort FIELD, --reverse and --limit N on every command that lists rows, through the CLI."""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable
from typing import Any

import pytest
import typer.main

from bali_corruption_cli.cli import app
from bali_corruption_cli.model.layout import COLLECTIONS
from conftest import Run

# The ordering of search is search's own (ranked); every other command with --fields lists rows.
LISTING = sorted(
    name
    for name, command in typer.main.get_command(app).commands.items()  # type: ignore[attr-defined]
    if any("--fields" in p.opts for p in command.params) and name != "search"
)
# The words a command needs besides the options (count needs a collection and a field).
ARGS = {"count": ["count", "practices", "--by", "sectors"]}


def _args(command: str) -> list[str]:
    return ARGS.get(command, [command, "--no-chain"] if command == "stages" else [command])


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def _empty(value: Any) -> bool:
    return value in (None, "", [], {})


def test_every_listing_command_is_covered() -> None:
    assert {"practices", "events", "stages", "quotes", "sources", "timeline", "count"} <= set(LISTING)


@pytest.mark.parametrize("command", LISTING)
def test_limit_sort_reverse_on_every_listing_command(bcc: Callable[..., Run], command: str) -> None:
    whole = bcc(*_args(command), "--json")
    assert whole.exit_code == 0
    rows = whole.json()
    assert len(rows) >= 2
    limited = bcc(*_args(command), "--json", "--limit", "1")
    assert limited.exit_code == 0 and limited.json() == rows[:1]
    reversed_rows = bcc(*_args(command), "--json", "--reverse")
    assert reversed_rows.exit_code == 0 and reversed_rows.json() == rows[::-1]
    field = next(iter(rows[0]))
    by_field = bcc(*_args(command), "--json", "--sort", field, "--reverse", "-n", "2")
    assert by_field.exit_code == 0 and len(by_field.json()) == 2


@pytest.mark.parametrize("command", LISTING)
def test_an_unknown_sort_field_lists_the_valid_ones(bcc: Callable[..., Run], command: str) -> None:
    fields = list(bcc(*_args(command), "--json").json()[0])
    run = bcc(*_args(command), "--sort", "no-such-field", "--json")
    assert run.exit_code == 2 and run.stdout == ""
    assert "no-such-field" in run.stderr and all(f in run.stderr for f in fields)


@pytest.mark.parametrize("collection", list(COLLECTIONS))
def test_sorted_by_every_scalar_field_stably_with_empty_values_last(
    bcc: Callable[..., Run], collection: str
) -> None:
    command = [collection, "--no-chain"] if collection == "stages" else [collection]
    file_order = bcc(*command, "--json").ids()
    fields = list(bcc(*command, "--json").json()[0])
    for field in fields:
        for reverse in (False, True):
            run = bcc(*command, "--json", "--sort", field, *(["--reverse"] if reverse else []))
            assert run.exit_code == 0, run.stderr
            rows = run.json()
            assert sorted(r["id"] for r in rows) == sorted(file_order)
            values = [r[field] for r in rows]
            filled = [v for v in values if not _empty(v)]
            assert values[: len(filled)] == filled, f"{field}: an empty value before a filled one"
            if not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in filled):
                continue
            keys = [(_fold(v), v) if isinstance(v, str) else (v, "") for v in filled]
            assert keys == sorted(keys, reverse=reverse), f"{collection} --sort {field}"
            for a, b in itertools.pairwise(rows):  # stable: equal values keep the file's order
                if a[field] == b[field]:
                    assert file_order.index(a["id"]) < file_order.index(b["id"])


def test_sort_and_limit_hold_in_the_table_and_say_what_they_left_out(bcc: Callable[..., Run]) -> None:
    ids = bcc("practices", "--json", "--sort", "title").ids()
    run = bcc("practices", "--sort", "title", "--limit", "2", "--fields", "id")
    assert run.exit_code == 0
    assert [line.strip() for line in run.stdout.splitlines() if line.strip() in ids] == ids[:2]
    assert f"showing 2 of {len(ids)} practices" in run.stderr


def test_limit_must_be_positive(bcc: Callable[..., Run]) -> None:
    run = bcc("events", "--limit", "0")
    assert run.exit_code == 2 and "--limit" in run.stderr


def test_csv_honours_the_order(bcc: Callable[..., Run]) -> None:
    ids = [r["id"] for r in bcc("events", "--json", "--sort", "start_date", "--reverse").json()]
    run = bcc("events", "--format", "csv", "--fields", "id", "--sort", "start_date", "--reverse")
    assert run.stdout.split()[1:] == ids


def test_count_sorted_by_value(bcc: Callable[..., Run]) -> None:
    rows = bcc("count", "practices", "--by", "sectors", "--json", "--sort", "value").json()
    assert [r["value"] for r in rows] == sorted(r["value"] for r in rows)


def test_chain_does_not_combine_with_an_order(bcc: Callable[..., Run]) -> None:
    run = bcc("stages", "--chain", "--sort", "title")
    assert run.exit_code == 2 and "--sort" in run.stderr


FOOTER = re.compile(r"showing (\d+) of (\d+)(?: [a-z]+)? — --limit N for more")


@pytest.mark.parametrize("command", [*LISTING, "search"])
def test_one_wording_for_what_limit_left_out(bcc: Callable[..., Run], command: str) -> None:
    """Every command that cuts a list at --limit says so in the same words (search's view on
    stdout, the others' on stderr): `showing N of M — --limit N for more`."""
    args = ["search", "corruption"] if command == "search" else _args(command)
    run = bcc(*args, "--limit", "1")
    assert run.exit_code == 0, run.stderr
    said = FOOTER.findall(run.stdout + run.stderr)
    assert len(said) == 1 and said[0][0] == "1" and int(said[0][1]) > 1, (command, run.stderr)


@pytest.mark.parametrize("command", LISTING)
def test_a_failing_command_says_only_its_error(bcc: Callable[..., Run], command: str) -> None:
    """What --limit left out is said once the answer is written: never before an error."""
    run = bcc(*_args(command), "--limit", "1", "--fields", "no-such-field")
    assert run.exit_code == 2 and run.stdout == ""
    assert run.stderr.startswith("bcc: error: ") and "showing" not in run.stderr, run.stderr
