"""Errors for an unknown value read well and stay cheap whatever the catalogue's size.

* an unknown record for a filter (`--host`, `--speaker`, `--event`) lists every valid id
  when there are few (at most `names.LISTED_MAX`); past that, it says how many there are
  and which command lists them, in one short line;
* a near id is still suggested in a large collection (by prefix), and in a small one by
  spelling (names and surnames too);
* an unknown id for `show` and `cite` suggests near ids in a large collection too;
* every one exits 2 (a filter) or 1 (no such record), with nothing on stdout.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bali_corruption_cli.cli import app
from bali_corruption_cli.query import names
from conftest_generated import generated_catalogue, warm_cache

# (command, option, the collection whose records it names)
NAMED = [
    ("events", "host", "stakeholders"),
    ("quotes", "speaker", "stakeholders"),
    ("practices", "event", "events"),
]


@pytest.fixture(scope="module")
def spread(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # a quarter of the records are events and a quarter stakeholders: past LISTED_MAX each
    return generated_catalogue(tmp_path_factory, 8 * names.LISTED_MAX, spread=True)


@pytest.fixture(scope="module")
def warm(spread: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    return warm_cache(tmp_path_factory, spread)


def _run(args: list[str], cache_dir: str = "") -> tuple[int, str, str]:
    result = CliRunner().invoke(app, args, env={"BCC_CACHE_DIR": cache_dir})
    return result.exit_code, result.stdout, result.stderr


def _ids(data: Path | None, collection: str) -> list[str]:
    prefix = ["--data-dir", str(data)] if data else []
    code, out, _err = _run([*prefix, collection, "--json"])
    assert code == 0
    return [r["id"] for r in json.loads(out)]


@pytest.mark.parametrize(("command", "option", "collection"), NAMED)
def test_few_valid_values_are_all_listed(command: str, option: str, collection: str) -> None:
    ids = _ids(None, collection)
    assert len(ids) <= names.LISTED_MAX  # the shipped catalogue
    code, out, err = _run([command, f"--{option}", "nosuchthing"])
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and all(i in err for i in ids)


@pytest.mark.parametrize("cache_dir", ["", "warm"])
@pytest.mark.parametrize(("command", "option", "collection"), NAMED)
def test_many_valid_values_are_counted_not_listed(
    spread: Path, warm: str, command: str, option: str, collection: str, cache_dir: str
) -> None:
    ids = _ids(spread, collection)
    assert len(ids) > names.LISTED_MAX
    code, out, err = _run(
        ["--data-dir", str(spread), command, f"--{option}", "nosuchthing"], warm if cache_dir else ""
    )
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and len(err) < 300, err
    assert f"{len(ids):,} {collection}" in err and f"bcc {collection}" in err
    assert sum(i in err for i in ids) == 0


@pytest.mark.parametrize(("command", "option", "collection"), NAMED)
def test_a_near_id_is_suggested_in_a_large_collection(
    spread: Path, warm: str, command: str, option: str, collection: str
) -> None:
    target = _ids(spread, collection)[-1]  # a generated one
    code, _out, err = _run(["--data-dir", str(spread), command, f"--{option}", target[:-3]], warm)
    assert code == 2
    assert f"did you mean '{target[:-3]}" in err  # an id it begins


@pytest.mark.parametrize("command", ["show", "cite"])
def test_an_unknown_id_suggests_near_ones_in_a_large_catalogue(spread: Path, warm: str, command: str) -> None:
    target = _ids(spread, "stakeholders")[-1]
    code, out, err = _run(["--data-dir", str(spread), command, target[:-2]], warm)
    assert (code, out) == (1, "")
    assert "did you mean" in err and target[:-2] in err
