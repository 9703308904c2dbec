"""Field discovery through the CLI: `bcc fields`, `--fields ?` and `--fields all`."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bali_corruption_cli.model import vocab
from bali_corruption_cli.model.layout import COLLECTIONS
from conftest import Run

ARGS = {"count": ["count", "events", "--by", "country"], "stages": ["stages", "--no-chain"]}
LISTING = [*COLLECTIONS, "timeline", "count"]


def _args(command: str) -> list[str]:
    return ARGS.get(command, [command])


@pytest.mark.parametrize("command", LISTING)
def test_fields_lists_every_field_of_the_rows_with_a_description(
    bcc: Callable[..., Run], command: str
) -> None:
    shown = list(bcc(*_args(command), "--json").json()[0])
    asked = bcc(*_args(command), "--fields", "?", "--json")
    assert asked.exit_code == 0 and asked.stderr == ""
    listed = asked.json()
    assert [f["field"] for f in listed] == shown
    assert all(f["description"].strip() and "\n" not in f["description"] for f in listed)
    if command in COLLECTIONS:
        assert bcc("fields", command, "--json").json() == listed


def test_fields_command_reads_as_a_table_and_knows_the_row_commands(bcc: Callable[..., Run]) -> None:
    run = bcc("fields", "practices")
    assert run.exit_code == 0
    assert "origin_event" in run.stdout and "description" in run.stdout
    assert [f["field"] for f in bcc("fields", "timeline", "--json").json()][-1] == "when"
    missing = bcc("fields", "nonsense")
    assert missing.exit_code == 2 and "practices" in missing.stderr and "timeline" in missing.stderr


def test_a_vocabulary_field_lists_its_values(bcc: Callable[..., Run]) -> None:
    described = {f["field"]: f["description"] for f in bcc("fields", "quotes", "--json").json()}
    assert all(kind in described["kind"] for kind in vocab.QUOTE_KINDS)
    sectors = {f["field"]: f["description"] for f in bcc("fields", "practices", "--json").json()}["sectors"]
    assert all(sector in sectors for sector in vocab.SECTORS)


@pytest.mark.parametrize("command", LISTING)
def test_fields_all_means_every_field(bcc: Callable[..., Run], command: str) -> None:
    whole = bcc(*_args(command), "--json")
    every = bcc(*_args(command), "--json", "--fields", "all")
    assert every.exit_code == 0 and every.json() == whole.json()


def test_fields_all_in_a_table_shows_every_column(bcc: Callable[..., Run]) -> None:
    run = bcc("events", "--fields", "all", "--layout", "records")
    assert run.exit_code == 0
    assert all(f"{field}:" in run.stdout for field in ("participants", "hosts", "caveats", "sources"))
