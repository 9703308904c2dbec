"""Command-line conventions through the CLI: FORCE_COLOR, a failing pager, errors that name
what is wrong, standard output named when it cannot be written, help that lists values."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest_hostile import copy_data, run, run_process, snapshot, subprocess_env
from conftest_hostile import pty_run as hostile_pty_run

POSIX_PTY = os.name == "posix" and sys.platform != "darwin"


def pty_run(*args: str, env: dict[str, str], rows: int = 10) -> tuple[int, bytes, bytes]:
    """bcc on a pseudo-terminal 80 columns wide: exit code, what it showed, stderr."""
    return hostile_pty_run(*args, env=env, columns=80, rows=rows)


# ---------------------------------------------------------------- colour


def test_force_color_means_color_always_when_piped() -> None:
    forced = run_process("events", env=subprocess_env(FORCE_COLOR="1"))
    assert forced.returncode == 0 and b"\x1b[" in forced.stdout
    both = run_process("events", env=subprocess_env(FORCE_COLOR="1", NO_COLOR="1"))
    assert b"\x1b[" in both.stdout  # force-color.org: FORCE_COLOR is checked after NO_COLOR
    assert b"\x1b[" not in run_process("events", env=subprocess_env(FORCE_COLOR="")).stdout  # empty: unset


def test_an_explicit_color_option_beats_force_color() -> None:
    explicit = (["--color", "never", "events"], ["events", "--color", "never"], ["--color", "auto", "events"])
    for args in explicit:
        proc = run_process(*args, env=subprocess_env(FORCE_COLOR="1"))
        assert proc.returncode == 0 and b"\x1b" not in proc.stdout, args


# ---------------------------------------------------------------- the pager


@pytest.mark.skipif(not POSIX_PTY, reason="Linux pseudo-terminals")
@pytest.mark.parametrize(
    ("pager", "said"),
    [
        ("false", b"exit status 1"),
        ("sh -c 'kill -TERM $$'", b"SIGTERM"),
        ("/nonexistent/pager --flag", b"could not be started"),
    ],
)
def test_a_failing_pager_never_loses_the_output(pager: str, said: bytes) -> None:
    env = subprocess_env(TERM="xterm-256color", BCC_PAGER=pager)
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    code, out, err = pty_run("events", env=env, rows=10)
    assert b"regional-conference-2023" in out and b"rso-unodc-meeting-2021" in out
    assert code == 0 and b"pager" in err and said in err and b"printed without it" in err


# ---------------------------------------------------------------- errors that name what is wrong


@pytest.mark.parametrize(
    "args",
    [
        ["practices", "--json", "--data-dir"],
        ["events", "--with"],
        ["events", "--fields", "id", "--color"],
        ["--data-dir"],
    ],
)
def test_a_global_option_without_its_value_is_named(args: list[str]) -> None:
    result = run(*args)
    option = next(a for a in reversed(args) if a in ("--data-dir", "--with", "--color"))
    assert result.code == 2
    assert f"'{option}' requires an argument" in result.err
    assert "No such option" not in result.err


def test_new_names_an_argument_that_is_not_utf8(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    before = snapshot(data)
    args = ["--data-dir", str(data), "new", "practice", "--id", "not-utf8"]
    args += ["--set", "title=ab\udcff", "--set", "summary=s", "--set", "sectors=[media]", "--no-prompt"]
    args += ["--source", "rso-conference-article-2023", "--at", "para 4"]
    proc = run_process(*[os.fsencode(a).decode("utf-8", "surrogateescape") for a in args])
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 2, err
    assert "--set title" in err and "UTF-8" in err and "\\xff" in err
    assert "YAML" not in err and "practices.yaml" not in err
    assert snapshot(data) == before


# ---------------------------------------------------------------- standard output named


def _fsize_limit(size: int = 0) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_FSIZE, (size, resource.RLIM_INFINITY))


# Every command that writes to stdout, with the words it needs.
STDOUT_COMMANDS = [
    ["--version"],
    ["--help"],
    ["practices", "--help"],
    ["practices"],
    ["practices", "--json"],
    ["events", "--format", "csv"],
    ["quotes", "--format", "yaml"],
    ["sources", "--format", "markdown"],
    ["stages", "--chain"],
    ["timeline"],
    ["count", "events", "--by", "country"],
    ["search", "corruption"],
    ["show", "regional-conference-2023"],
    ["show", "regional-conference-2023", "--evidence"],
    ["summary"],
    ["summary", "--format", "markdown"],
    ["cite", "regional-conference-2023"],
    ["completion", "bash"],
    ["fields", "events"],
    ["data", "path"],
    ["schema", "practices"],
    ["export", "--format", "json", "-"],
    ["report", "-"],
]


@pytest.mark.skipif(os.name != "posix", reason="a file-size limit (RLIMIT_FSIZE)")
@pytest.mark.parametrize("args", STDOUT_COMMANDS, ids=" ".join)
def test_a_file_size_limit_on_stdout_names_standard_output(tmp_path: Path, args: list[str]) -> None:
    with (tmp_path / "out").open("wb") as out:
        proc = subprocess.run(
            [sys.executable, "-m", "bali_corruption_cli", *args],
            env=subprocess_env(),
            stdout=out,
            stderr=subprocess.PIPE,
            preexec_fn=_fsize_limit,
            timeout=60,
        )
    err = proc.stderr.decode()
    assert proc.returncode == 74, err
    assert "standard output" in err and "File too large" in err and "Traceback" not in err


@pytest.mark.skipif(os.name != "posix", reason="a file-size limit (RLIMIT_FSIZE)")
def test_a_sqlite_export_to_stdout_names_its_temporary_file(tmp_path: Path) -> None:
    with (tmp_path / "out").open("wb") as out:
        proc = subprocess.run(
            [sys.executable, "-m", "bali_corruption_cli", "export", "--format", "sqlite", "-"],
            env=subprocess_env(),
            stdout=out,
            stderr=subprocess.PIPE,
            preexec_fn=lambda: _fsize_limit(8192),  # room for a temporary folder, not the export
            timeout=60,
        )
    err = proc.stderr.decode()
    assert proc.returncode == 74 and "export.sqlite" in err and "internal error" not in err, err


# ---------------------------------------------------------------- help


def _commands() -> dict[str, Any]:
    """Every command by its words (``data path``), as Click objects."""
    import typer.main

    from bali_corruption_cli.cli import app

    found: dict[str, Any] = {}

    def walk(group: Any, words: list[str]) -> None:
        for name, command in group.commands.items():
            if hasattr(command, "commands"):  # a group of commands (bcc data ...)
                walk(command, [*words, name])
            else:
                found[" ".join([*words, name])] = command

    walk(typer.main.get_command(app), [])
    return found


COMMANDS = _commands()


def _global_options() -> list[str]:
    import typer.main

    from bali_corruption_cli.cli import app

    root = typer.main.get_command(app)
    skip = {"--version", "--help", "--install-completion", "--show-completion"}
    return [o for p in root.params for o in p.opts if o.startswith("--") and o not in skip]


@pytest.mark.parametrize("words", sorted(COMMANDS))
def test_every_command_help_lists_the_global_options_and_the_values_of_vocabularies(words: str) -> None:
    from bali_corruption_cli.query import filters

    result = run(*words.split(), "--help", env={"COLUMNS": "80"})
    assert result.code == 0
    unwrapped = "".join(result.out.split())  # a value may be wrapped at its hyphen
    for option in _global_options():
        assert option in result.out, f"{words} --help does not name {option}"
    own = {"timeline": "events"}.get(words, words)
    declared = filters.FILTERS[own] if own in filters.FILTERS else tuple(filters.options().values())
    by_option = {f"--{f.option}": f for f in declared}
    for param in COMMANDS[words].params:
        for opt in param.opts:
            f = by_option.get(opt)
            if f is None or not f.values.startswith("vocab:"):
                continue
            values = filters.VOCABULARIES[f.values.split(":")[1]]
            assert all(v in unwrapped for v in values), f"{words} {opt}: {values}"


@pytest.mark.parametrize("collection", ["events", "stakeholders", "recommendations", "sources", "quotes"])
def test_kind_help_lists_the_collections_kinds(collection: str) -> None:
    from bali_corruption_cli.query import filters

    unwrapped = "".join(run(collection, "--help", env={"COLUMNS": "80"}).out.split())
    assert all(kind in unwrapped for kind in filters.kinds()[collection])


@pytest.mark.parametrize("words", ["count", "new"])
def test_a_collection_argument_lists_every_collection(words: str) -> None:
    from bali_corruption_cli.model.layout import COLLECTIONS

    unwrapped = "".join(run(*words.split(), "--help", env={"COLUMNS": "80"}).out.split())
    assert all(name in unwrapped for name in COLLECTIONS)
