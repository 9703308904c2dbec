"""`bcc export --format datapackage`: the CSV export plus a Frictionless descriptor that
`frictionless validate` accepts, with types, descriptions, keys, licence, sources and edition."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bali_corruption_cli.model import layout
from conftest import DATA, Run

Bcc = Callable[..., Run]
FRICTIONLESS = Path(sys.executable).parent / "frictionless"


def _validate(descriptor: Path) -> dict[str, Any]:
    done = subprocess.run(
        [str(FRICTIONLESS), "validate", "--json", str(descriptor)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report: dict[str, Any] = json.loads(done.stdout)
    assert (done.returncode == 0) == report["valid"]
    return report


@pytest.fixture
def package(bcc: Bcc, tmp_path: Path) -> Path:
    folder = tmp_path / "bcc-data"
    result = bcc("export", "--format", "datapackage", str(folder))
    assert result.exit_code == 0, result.stderr
    return folder


def test_frictionless_validates_the_package(package: Path) -> None:
    report = _validate(package / "datapackage.json")
    assert report["valid"], json.dumps(report["tasks"], indent=1)[:3000]
    assert report["stats"]["tasks"] == len(layout.COLLECTIONS)


def test_the_csv_files_are_the_csv_export(bcc: Bcc, package: Path, tmp_path: Path) -> None:
    assert bcc("export", "--format", "csv", str(tmp_path / "csv")).exit_code == 0
    names = sorted(p.name for p in package.iterdir())
    assert names == sorted([f"{n}.csv" for n in layout.COLLECTIONS] + ["datapackage.json"])
    for name in layout.COLLECTIONS:
        assert (package / f"{name}.csv").read_bytes() == (tmp_path / "csv" / f"{name}.csv").read_bytes()


def test_the_descriptor(bcc: Bcc, package: Path) -> None:
    doc = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    edition = tomllib.loads((DATA / "edition.toml").read_text(encoding="utf-8"))
    assert doc["version"] == edition["version"]
    assert doc["edition"] == {"version": edition["version"], "date": edition["date"].isoformat()}
    assert doc["licenses"] == [
        {"name": "CC-BY-4.0", "path": edition["licence"]["url"], "title": edition["licence"]["name"]}
    ]
    sources = bcc("sources", "--json").json()
    assert [s["path"] for s in doc["sources"]] == [s["url"] for s in sources]
    for given, source in zip(doc["sources"], sources, strict=True):  # a rebuilt title is not given as theirs
        rebuilt = source.get("title_reconstructed")
        assert given["title"] == (
            f"[{source['description']}]" if rebuilt else " ".join(source["title"].split())
        )
    assert [r["name"] for r in doc["resources"]] == list(layout.COLLECTIONS)
    from bali_corruption_cli.model.schemas import _resolve, schema_for

    for resource in doc["resources"]:
        name = resource["name"]
        schema = resource["schema"]
        header = (package / resource["path"]).read_text(encoding="utf-8").splitlines()[0].split(",")
        assert [f["name"] for f in schema["fields"]] == header
        assert schema["primaryKey"] == ["id"]
        assert all(f["description"] for f in schema["fields"])
        model = schema_for(name)
        props = _resolve(model["items"], model["$defs"])["properties"]
        for field in schema["fields"]:  # a field's own description in the model is the column's
            own = props.get(field["name"], {}).get("description")
            if own and field["name"] != "id":
                assert field["description"].startswith(" ".join(own.split())), field
        # every scalar link of the catalogue is a foreign key
        scalar = [
            r for r in layout.REFERENCES if r.collection == name and "[" not in r.path and "." not in r.path
        ]
        keys = {
            (k["fields"], k["reference"]["resource"] or name, k["reference"]["fields"])
            for k in schema.get("foreignKeys", [])
        }
        assert keys == {(r.path, r.target, r.by) for r in scalar}


def test_a_broken_link_fails_validation(package: Path, tmp_path: Path) -> None:
    """The foreign keys are real: a practice from an event that is not there is an error."""
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(package, copy)
    practices = copy / "practices.csv"
    text = practices.read_text(encoding="utf-8")
    assert ",roundtable-philippines," in text
    practices.write_text(
        text.replace(",roundtable-philippines,", ",roundtable-nowhere,", 1), encoding="utf-8"
    )
    report = _validate(copy / "datapackage.json")
    assert not report["valid"]
    errors = [e for t in report["tasks"] for e in t["errors"]]
    assert [e["type"] for e in errors] == ["foreign-key"]


def test_datapackage_follows_the_write_policy(bcc: Bcc, package: Path, tmp_path: Path) -> None:
    target = tmp_path / "pkg"
    assert bcc("export", "--format", "datapackage", str(target)).exit_code == 0
    again = bcc("export", "--format", "datapackage", str(target))
    assert again.exit_code == 2 and "--force" in again.stderr
    assert bcc("export", "--format", "datapackage", str(target), "--force").exit_code == 0
    (target / "mine.txt").write_text("x", encoding="utf-8")
    assert bcc("export", "--format", "datapackage", str(target), "--force").exit_code == 2
    assert (target / "mine.txt").exists()
    stdout = bcc("export", "--format", "datapackage", "-")
    assert stdout.exit_code == 2 and stdout.stdout == ""
