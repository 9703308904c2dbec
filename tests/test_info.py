"""`bcc info`: the catalogue's edition, counts, hash, licence and citation; CITATION.cff agrees."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from bali_corruption_cli import __version__
from bali_corruption_cli.model import layout
from conftest import DATA, ROOT, Run, hotline_overlay

Bcc = Callable[..., Run]
EDITION = tomllib.loads((DATA / "edition.toml").read_text(encoding="utf-8"))


def _copy(tmp_path: Path, with_edition: bool = True) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    if not with_edition:
        (target / "edition.toml").unlink()
    return target


def test_info_json_says_which_catalogue_this_is(bcc: Bcc) -> None:
    run = bcc("info", "--json")
    assert run.exit_code == 0, run.stderr
    doc = run.json()
    assert doc["bcc_version"] == __version__
    assert doc["edition"] == {"version": EDITION["version"], "date": EDITION["date"].isoformat()}
    assert doc["title"] == EDITION["title"]
    # one count per collection, each what the list command gives
    assert list(doc["records"]) == list(layout.COLLECTIONS)
    for name, count in doc["records"].items():
        assert count == len(bcc(name, "--json").json()), name
    assert doc["total_records"] == sum(doc["records"].values())
    # the data's licence, distinct from the code's, and what it does not cover
    assert doc["licence"]["id"] == "CC-BY-4.0" and doc["code_licence"] == "MIT"
    assert "Quoted text" in doc["licence"]["notice"] and "remains its sources'" in doc["licence"]["notice"]
    cite = doc["cite"]
    assert f"(Version {EDITION['version']}) [Data set]" in cite["apa"]
    assert cite["apa"].startswith(f"{EDITION['authors'][0]}. ({EDITION['date'].year}). ")


def test_info_hash_is_the_one_the_report_prints(bcc: Bcc, tmp_path: Path) -> None:
    page = bcc("report", "-", env={"SOURCE_DATE_EPOCH": "86400"}).stdout
    printed = set(re.findall(r"sha256:[0-9a-f]{64}", page))
    assert printed == {bcc("info", "--json").json()["digest"]}
    extra = hotline_overlay(tmp_path)
    other = bcc("--with", str(extra), "info", "--json").json()
    assert other["digest"] not in printed and other["overlays"] == [str(extra.resolve())]
    assert other["records"]["practices"] == bcc("info", "--json").json()["records"]["practices"] + 1


def test_info_bibtex_parses(bcc: Bcc) -> None:
    from pybtex.database import parse_string

    entry = next(
        iter(parse_string(bcc("info", "--json").json()["cite"]["bibtex"], "bibtex").entries.values())
    )
    assert entry.fields["version"] == EDITION["version"]
    assert entry.fields["year"] == str(EDITION["date"].year)


def test_info_for_people(bcc: Bcc) -> None:
    run = bcc("info", env={"COLUMNS": "80"})
    assert run.exit_code == 0, run.stderr
    text = " ".join(run.stdout.split())
    doc = bcc("info", "--json").json()
    for value in (doc["digest"], EDITION["version"], doc["licence"]["url"], doc["licence"]["notice"]):
        assert " ".join(value.split()) in text
    # within 80 columns, but for a word that cannot break (the hash is one word)
    assert all(len(line) <= 80 or doc["digest"] in line for line in run.stdout.splitlines())
    for name, count in doc["records"].items():
        assert re.search(rf"\b{name}\s+{count}\b", run.stdout), name
    assert "MIT" in text


def test_a_catalogue_without_an_edition_says_so(bcc: Bcc, tmp_path: Path) -> None:
    folder = _copy(tmp_path, with_edition=False)
    run = bcc("--data-dir", str(folder), "info", "--json")
    assert run.exit_code == 0, run.stderr
    doc = run.json()
    assert doc["edition"] is None and doc["licence"] is None and doc["cite"] is None
    assert sum(doc["records"].values()) > 0
    assert "not stated" in bcc("--data-dir", str(folder), "info").stdout


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda t: t.replace('version = "1', 'version = "v1'), "version"),
        (lambda t: t.replace("date = ", "date = '") + "'", "not valid TOML"),
        (lambda t: t.replace("date = 2", "when = 2"), "date"),
    ],
)
def test_a_bad_edition_file_is_invalid_data(bcc: Bcc, tmp_path: Path, edit: Any, expected: str) -> None:
    folder = _copy(tmp_path)
    path = folder / "edition.toml"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    run = bcc("--data-dir", str(folder), "info")
    assert run.exit_code == 3 and run.stdout == ""
    assert "edition.toml" in run.stderr and expected in run.stderr


def test_data_init_copies_the_edition(bcc: Bcc, tmp_path: Path) -> None:
    dest = tmp_path / "mine"
    assert bcc("data", "init", str(dest)).exit_code == 0
    assert bcc("--data-dir", str(dest), "info", "--json").json()["edition"]["version"] == EDITION["version"]


def _cff() -> dict[str, Any]:
    doc = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))

    def plain(value: Any) -> Any:  # YAML's dates as the strings the schema describes
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    return dict(plain(doc))


def test_citation_cff_is_valid_and_names_this_edition(bcc: Bcc) -> None:
    import jsonschema

    schema = json.loads((ROOT / "tests" / "cff-1.2.0.schema.json").read_text(encoding="utf-8"))
    doc = _cff()
    jsonschema.validate(doc, schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    info = bcc("info", "--json").json()
    assert doc["version"] == info["edition"]["version"]
    assert doc["date-released"] == info["edition"]["date"]
    assert doc["license"] == info["licence"]["id"]
    assert doc["title"] == info["title"]
    assert [a["name"] for a in doc["authors"]] == EDITION["authors"]


def test_the_schema_check_catches_a_broken_citation_file() -> None:
    import jsonschema

    schema = json.loads((ROOT / "tests" / "cff-1.2.0.schema.json").read_text(encoding="utf-8"))
    broken = _cff()
    del broken["authors"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_readme_states_the_licences() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in readme and "MIT" in readme
    assert "remains its sources'" in readme
