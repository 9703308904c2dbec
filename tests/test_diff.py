"""`bcc diff OLD NEW`: records added, removed and changed field by field; exit 0 equal, 1 different,
and never 1 for an error."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import DATA, Run, hotline_overlay

Bcc = Callable[..., Run]


def _copy(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copytree(DATA, target)
    return target


def _edit(folder: Path, filename: str, change: Callable[[list[dict[str, Any]]], None]) -> None:
    """Change a collection's records (as YAML data) and write them back."""
    path = folder / filename
    records = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(records)
    path.write_text(yaml.safe_dump(records, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    """Two catalogues: NEW has a practice retitled and given a theme, a quote removed, an event added."""
    old, new = _copy(tmp_path, "old"), _copy(tmp_path, "new")

    def practices(records: list[dict[str, Any]]) -> None:
        records[0]["title"] = "A new title"
        records[0]["themes"] = [*records[0].get("themes", []), "press-freedom"]

    def quotes(records: list[dict[str, Any]]) -> None:
        del records[-1]

    def events(records: list[dict[str, Any]]) -> None:
        records.append(
            {
                "id": "an-added-event",
                "title": "An added event",
                "kind": "meeting",
                "country": "Thailand",
                "sources": [{"source": "rso-conference-article-2023", "at": "para 1"}],
            }
        )

    _edit(new, "practices.yaml", practices)
    _edit(new, "quotes.yaml", quotes)
    _edit(new, "events.yaml", events)
    return old, new


def test_the_same_catalogue_exits_0(bcc: Bcc, tmp_path: Path) -> None:
    run = bcc("diff", str(DATA), str(_copy(tmp_path, "copy")), "--json")
    assert run.exit_code == 0, run.stderr
    doc = run.json()
    assert doc["equal"] is True and doc["changes"] == [] and doc["summary"] == {}
    assert doc["old"]["digest"] == doc["new"]["digest"] == bcc("info", "--json").json()["digest"]
    people = bcc("diff", str(DATA), str(DATA))
    assert people.exit_code == 0 and people.stdout == "" and "no differences" in people.stderr


def test_changes_record_by_record_and_field_by_field(bcc: Bcc, pair: tuple[Path, Path]) -> None:
    old, new = pair
    run = bcc("diff", str(old), str(new), "--json")
    assert run.exit_code == 1, run.stderr
    doc = run.json()
    before = {p["id"]: p for p in bcc("--data-dir", str(old), "practices", "--json").json()}
    after = {p["id"]: p for p in bcc("--data-dir", str(new), "practices", "--json").json()}
    quotes_old = {q["id"] for q in bcc("--data-dir", str(old), "quotes", "--json").json()}
    quotes_new = {q["id"] for q in bcc("--data-dir", str(new), "quotes", "--json").json()}
    changes = {(c["collection"], c["id"]): c for c in doc["changes"]}
    # each changed practice: exactly its fields that differ, with both values
    for rid in before:
        differ = [f for f in {*before[rid], *after[rid]} if before[rid].get(f) != after[rid].get(f)]
        if not differ:
            assert ("practices", rid) not in changes
            continue
        change = changes[("practices", rid)]
        assert change["change"] == "changed"
        assert sorted(f["field"] for f in change["fields"]) == sorted(differ)
        for f in change["fields"]:
            assert (f["old"], f["new"]) == (before[rid].get(f["field"]), after[rid].get(f["field"]))
    for rid in quotes_old - quotes_new:
        assert changes[("quotes", rid)]["change"] == "removed"
        assert changes[("quotes", rid)]["record"]["id"] == rid
    added = changes[("events", "an-added-event")]
    assert added["change"] == "added" and added["record"]["title"] == "An added event"
    assert len(changes) == 3
    assert doc["summary"] == {
        "events": {"added": 1, "removed": 0, "changed": 0},
        "practices": {"added": 0, "removed": 0, "changed": 1},
        "quotes": {"added": 0, "removed": 1, "changed": 0},
    }
    assert doc["equal"] is False and doc["old"]["digest"] != doc["new"]["digest"]


def test_a_table_for_people(bcc: Bcc, pair: tuple[Path, Path]) -> None:
    old, new = pair
    run = bcc("diff", str(old), str(new), "--layout", "records", env={"COLUMNS": "100"})
    assert run.exit_code == 1
    assert "events: 1 added" in run.stdout and "practices: 1 changed" in run.stdout
    assert "A new title" in run.stdout and "An added event" in run.stdout
    rows = bcc("diff", str(old), str(new), "--format", "jsonl").stdout.splitlines()
    assert len(rows) == 1 + 2 + 1  # the added event, the practice's two fields, the removed quote
    csv = bcc("diff", str(old), str(new), "--format", "csv").stdout
    assert csv.splitlines()[0] == "change,collection,id,field,old,new"


def test_with_overlays_against_the_active_catalogue(bcc: Bcc, tmp_path: Path) -> None:
    extra = hotline_overlay(tmp_path)
    run = bcc("--with", str(extra), "diff", "--json")
    assert run.exit_code == 1, run.stderr
    assert [(c["change"], c["id"]) for c in run.json()["changes"]] == [("added", "local-hotline")]
    # one folder: the earlier catalogue against the active one
    assert bcc("diff", str(_copy(tmp_path, "copy"))).exit_code == 0


@pytest.mark.parametrize(
    "args",
    [
        ("diff",),  # nothing to compare
        ("diff", "{missing}", "{data}"),  # no such folder: invalid data, 3
        ("diff", "{data}", "{broken}"),  # invalid data, 3
        ("--with", "{data}", "diff", "{data}", "{data}"),  # both NEW and --with
        ("diff", "{data}", "{data}", "--format", "nope"),
    ],
)
def test_errors_never_exit_1(bcc: Bcc, tmp_path: Path, args: tuple[str, ...]) -> None:
    broken = _copy(tmp_path, "broken")
    (broken / "events.yaml").write_text("- id: [\n", encoding="utf-8")
    words = [a.format(missing=tmp_path / "nope", data=DATA, broken=broken) for a in args]
    run = bcc(*words)
    assert run.exit_code in (2, 3), run.stderr
    assert run.stdout == ""
    assert run.stderr.startswith("bcc: error:") or "Usage" in run.stderr
