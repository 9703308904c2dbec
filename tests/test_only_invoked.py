"""The console script builds only the invoked command (a start-up saving): nothing else changes.

`cli.main()` keeps in the app only the command its words name; these tests run
bcc both ways (the whole app through CliRunner, the pruned one through
`python -m bali_corruption_cli` or a pruned copy) and compare.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from bali_corruption_cli import cli
from conftest_hostile import run_process, subprocess_env

GROUP: Any = typer.main.get_command(cli.app)
COMMANDS = sorted(GROUP.commands)


@pytest.fixture
def restore() -> Iterator[None]:
    commands, groups = list(cli.app.registered_commands), list(cli.app.registered_groups)
    yield
    cli.app.registered_commands, cli.app.registered_groups = commands, groups


def test_root_value_options_are_the_roots() -> None:
    takes_value = {
        opt
        for p in GROUP.params
        if not getattr(p, "is_flag", False)
        for opt in p.opts
        if opt.startswith("--")
    }
    assert frozenset(takes_value) == cli.ROOT_VALUE_OPTIONS


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["practices", "--json"], "practices"),
        (["--data-dir", "practices", "events"], "events"),
        (["--data-dir=x", "--color", "never", "--with", "a", "--with", "b", "stages"], "stages"),
        (["--version"], None),
        ([], None),
        (["--", "show", "x"], "show"),
        (["--help"], None),
    ],
)
def test_command_word(words: list[str], expected: str | None) -> None:
    assert cli._command_word(words) == expected


def test_only_the_named_command_is_kept(restore: None) -> None:
    cli.only_invoked(["--color", "never", "practices", "--sector", "private"])
    assert [c.callback.__name__ for c in cli.app.registered_commands if c.callback] == ["practices"]
    assert cli.app.registered_groups == []
    cli.only_invoked(["pracitces"])  # no such command: unchanged (Click suggests the right one)
    assert len(cli.app.registered_commands) == 1


def test_groups_are_kept_by_name(restore: None) -> None:
    cli.only_invoked(["data", "path"])
    assert cli.app.registered_commands == [] and [g.name for g in cli.app.registered_groups] == ["data"]


@pytest.mark.parametrize("command", COMMANDS)
def test_each_commands_help_is_unchanged(command: str, restore: None) -> None:
    runner = CliRunner()
    whole = runner.invoke(cli.app, [command, "--help"], env={"COLUMNS": "100", "NO_COLOR": "1"})
    cli.only_invoked([command, "--help"])
    alone = runner.invoke(cli.app, [command, "--help"], env={"COLUMNS": "100", "NO_COLOR": "1"})
    assert alone.exit_code == whole.exit_code == 0
    assert alone.stdout == whole.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["practices", "--bogus"],
        ["practices", "--sector", "privat"],
        ["pracitces"],
        ["show"],
        ["data", "nope"],
        ["--color", "never", "stages", "--chain", "--json"],
    ],
)
def test_errors_and_answers_are_unchanged(args: list[str]) -> None:
    whole = CliRunner().invoke(cli.app, args, env={"BCC_CACHE_DIR": ""})
    pruned = run_process(*args)  # the console script's path: cli.main() prunes
    assert pruned.returncode == whole.exit_code
    assert pruned.stdout.decode() == whole.stdout
    assert pruned.stderr.decode() == whole.stderr


@pytest.mark.parametrize(
    ("words", "cword", "expected"),
    [
        ("bcc prac", 1, ["practices"]),
        ("bcc practices --sector pr", 3, ["private"]),
        ("bcc --color never practices --stage rec", 5, ["recruitment"]),
        ("bcc data ", 2, ["init", "path"]),
    ],
)
def test_completion_is_unchanged(words: str, cword: int, expected: list[str]) -> None:
    env = subprocess_env(_BCC_COMPLETE="complete_bash", COMP_WORDS=words, COMP_CWORD=str(cword))
    out = subprocess.run(
        [sys.executable, "-m", "bali_corruption_cli"], env=env, capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == expected
    assert out.stderr == ""
