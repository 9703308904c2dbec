"""Overlays: ``bcc --with DIR`` (and BCC_WITH) add records on top of the active catalogue."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import DATA, Run

Bcc = Callable[..., Run]

PRACTICE = """\
- id: local-practice
  title: A local practice
  summary: Something a local team does.
  sectors: [media]
  stages: [recruitment]
  origin_event: regional-conference-2023
  sources:
    - {source: local-report, at: "p. 3"}
"""

SOURCE = """\
- id: local-report
  label: L1
  title: A local report
  publisher: A local team
  date: 2024-02-01
  url: https://example.org/local-report
  kind: report
"""


@pytest.fixture
def overlay(tmp_path: Path) -> Path:
    """A subset of the collection files: one practice citing one new source, linked to base records."""
    directory = tmp_path / "overlay"
    directory.mkdir()
    (directory / "practices.yaml").write_text(PRACTICE, encoding="utf-8")
    (directory / "sources.yaml").write_text(SOURCE, encoding="utf-8")
    return directory


def snapshot(*dirs: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p): (p.read_bytes(), p.stat().st_mtime_ns)
        for d in dirs
        for p in sorted(d.rglob("*"))
        if p.is_file()
    }


def test_overlay_records_appear_in_list_commands(bcc: Bcc, overlay: Path) -> None:
    base = bcc("practices", "--json").ids()
    combined = bcc("--with", str(overlay), "practices", "--json").ids()
    assert combined == [*base, "local-practice"]
    assert "local-report" in bcc("--with", str(overlay), "sources", "--json").ids()
    media = bcc("--with", str(overlay), "practices", "--sector", "media", "--json").ids()
    assert "local-practice" in media
    by_stage = bcc("--with", str(overlay), "practices", "--stage", "recruitment", "--json").ids()
    assert "local-practice" in by_stage
    assert "local-practice" not in bcc("practices", "--json").ids()


def test_overlay_references_to_base_records_resolve(bcc: Bcc, overlay: Path) -> None:
    run = bcc("--with", str(overlay), "validate", "--json")
    assert run.exit_code == 0, run.stdout
    assert run.json() == []
    assert "with 1 overlay" in run.stderr


def test_overlay_from_environment_with_pathsep(bcc: Bcc, overlay: Path, tmp_path: Path) -> None:
    second = tmp_path / "second"
    second.mkdir()
    (second / "quotes.yaml").write_text(
        """\
- id: local-quote
  speaker: david-scott
  event: regional-conference-2023
  kind: paraphrase
  text: A second overlay's record.
  sources:
    - {source: local-report, at: "p. 4"}
""",
        encoding="utf-8",
    )
    env = {"BCC_WITH": os.pathsep.join([str(overlay), str(second)])}
    assert "local-quote" in bcc("quotes", "--json", env=env).ids()  # cites a source in the first overlay
    assert "local-practice" in bcc("practices", "--json", env=env).ids()
    paths = bcc("data", "path", env=env).stdout.splitlines()
    assert paths == [str(DATA.resolve()), str(overlay.resolve()), str(second.resolve())]
    # --with replaces BCC_WITH rather than adding to it.
    run = bcc("--with", str(overlay), "practices", "--json", env={"BCC_WITH": str(tmp_path / "nowhere")})
    assert run.exit_code == 0, run.stderr
    assert "local-practice" in run.ids()


def test_overlay_id_clash_names_both_files(bcc: Bcc, overlay: Path) -> None:
    (overlay / "stages.yaml").write_text(
        """\
- id: recruitment
  title: Recruitment, our way
  order: 1
  description: A record whose id the catalogue already has.
  sources:
    - {source: local-report, at: "p. 1"}
""",
        encoding="utf-8",
    )
    listing = bcc("--with", str(overlay), "stages")
    assert listing.exit_code == 3
    assert str(overlay / "stages.yaml") in listing.stderr
    assert str(DATA / "stages.yaml") in listing.stderr
    assert "duplicate id" in listing.stderr

    run = bcc("--with", str(overlay), "validate", "--json")
    assert run.exit_code == 3
    [clash] = [p for p in run.json() if "duplicate id" in p["message"]]
    assert (
        clash["file"] == str(overlay / "stages.yaml") and clash["line"] == 1 and clash["id"] == "recruitment"
    )
    assert f"{DATA / 'stages.yaml'}:" in clash["message"]


def test_overlay_clash_across_collections(bcc: Bcc, overlay: Path) -> None:
    """Ids are unique across the whole catalogue, not only within one collection."""
    (overlay / "findings.yaml").write_text(
        """\
- id: regional-conference-2023
  title: A finding with an event's id
  text: x
  about: null
  sources:
    - {source: local-report, at: "p. 1"}
""",
        encoding="utf-8",
    )
    run = bcc("--with", str(overlay), "findings")
    assert run.exit_code == 3
    assert "findings.yaml" in run.stderr and "events.yaml" in run.stderr


def test_overlay_dangling_reference_points_at_the_overlay(bcc: Bcc, overlay: Path) -> None:
    path = overlay / "practices.yaml"
    path.write_text(PRACTICE.replace("stages: [recruitment]", "stages: [recruitmnet]"), encoding="utf-8")
    run = bcc("--with", str(overlay), "validate", "--json")
    assert run.exit_code == 3
    [problem] = run.json()
    assert problem["file"] == str(path) and problem["line"] == 5 and problem["field"] == "stages[0]"
    assert "did you mean 'recruitment'" in problem["message"]
    assert bcc("--with", str(overlay), "practices").exit_code == 3


def test_missing_or_empty_overlay(bcc: Bcc, tmp_path: Path) -> None:
    missing = bcc("--with", str(tmp_path / "nope"), "practices")
    assert missing.exit_code == 3
    assert "overlay directory not found" in missing.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    run = bcc("--with", str(empty), "validate")
    assert run.exit_code == 0
    assert "warning: overlay directory holds none of the collection files" in run.stdout
    assert bcc("--with", str(empty), "practices", "--json").ids() == bcc("practices", "--json").ids()


def test_every_command_sees_the_combined_catalogue(bcc: Bcc, overlay: Path, tmp_path: Path) -> None:
    db = tmp_path / "out.db"
    assert bcc("--with", str(overlay), "export", "--format", "sqlite", str(db)).exit_code == 0
    con = sqlite3.connect(db)
    try:
        assert con.execute("SELECT title FROM practices WHERE id = 'local-practice'").fetchone() == (
            "A local practice",
        )
        assert ("local-practice", "local-report") in set(
            con.execute("SELECT record_id, source_id FROM citations")
        )
    finally:
        con.close()
    out = tmp_path / "out.json"
    assert bcc("--with", str(overlay), "export", str(out)).exit_code == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert "local-report" in [s["id"] for s in doc["sources"]]


def test_reading_never_writes_to_data_or_overlays(
    bcc: Bcc, overlay: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for f in DATA.glob("*.yaml"):
        (data / f.name).write_bytes(f.read_bytes())
    before = snapshot(data, overlay)
    for cache in ("", str(tmp_path / "cache")):  # with the cache off and on (filled, then hit)
        monkeypatch.setenv("BCC_CACHE_DIR", cache)
        for _ in range(2):
            for args in (["practices", "--json"], ["validate"], ["stages"], ["data", "path"]):
                run = bcc("--data-dir", str(data), "--with", str(overlay), *args)
                assert run.exit_code == 0, (args, run.stderr)
    assert snapshot(data, overlay) == before


def test_validating_an_overlay_folder_suggests_with(bcc: Bcc, overlay: Path) -> None:
    run = bcc("validate", str(overlay))
    assert run.exit_code == 3
    assert "missing collection file" in run.stdout
    assert f"bcc --with {overlay} validate" in run.stderr
