"""Every command teaches: a one-line purpose and an example in its --help."""

from __future__ import annotations

from collections.abc import Callable

import typer

from bali_corruption_cli.cli import app
from conftest import Run


def _commands() -> list[list[str]]:
    group = typer.main.get_command(app)
    found: list[list[str]] = []

    def walk(cmd: object, path: list[str]) -> None:
        subs = getattr(cmd, "commands", None)
        if subs:
            for name, sub in subs.items():
                walk(sub, [*path, name])
        else:
            found.append(path)

    walk(group, [])
    return found


def test_there_are_commands() -> None:
    names = {" ".join(c) for c in _commands()}
    assert {"practices", "events", "stakeholders", "recommendations", "stages", "sources", "quotes"} <= names


def test_every_command_has_purpose_and_example(bcc: Callable[..., Run]) -> None:
    for path in _commands():
        run = bcc(*path, "--help")
        assert run.exit_code == 0, path
        body = run.stdout
        assert "Usage: bcc " + " ".join(path) in body, path
        purpose = body.split("\n\n")[1].strip()
        assert purpose and purpose.endswith("."), (path, purpose)
        assert "Example" in body and f"bcc {' '.join(path)}" in body.split("Example", 1)[1], path


def test_root_help_lists_commands_and_no_args_shows_help(bcc: Callable[..., Run]) -> None:
    run = bcc("--help")
    assert run.exit_code == 0 and "practices" in run.stdout and "--data-dir" in run.stdout
    bare = bcc()
    assert bare.exit_code == 2 and "Usage: bcc" in bare.stdout
