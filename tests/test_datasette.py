"""`bcc export --format sqlite bcc.db --metadata metadata.json`: served by Datasette itself
(its test client), with the licence, descriptions, default facets and labels for links."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bali_corruption_cli.model import layout
from conftest import Run

Bcc = Callable[..., Run]


def _export(bcc: Bcc, folder: Path) -> tuple[Path, dict[str, Any]]:
    db, meta = folder / "bcc.db", folder / "metadata.json"
    run = bcc("export", "--format", "sqlite", str(db), "--metadata", str(meta))
    assert run.exit_code == 0, run.stderr
    return db, json.loads(meta.read_text(encoding="utf-8"))


def _get(db: Path, metadata: dict[str, Any], *paths: str) -> list[Any]:
    from datasette.app import Datasette

    async def fetch() -> list[Any]:
        ds = Datasette([str(db)], metadata=metadata)
        await ds.invoke_startup()
        out = []
        for path in paths:
            response = await ds.client.get(path)
            assert response.status_code == 200, (path, response.text[:300])
            out.append(response.json() if ".json" in path else response.text)
        return out

    return asyncio.run(fetch())


def test_datasette_serves_the_export_with_its_metadata(bcc: Bcc, tmp_path: Path) -> None:
    db, metadata = _export(bcc, tmp_path)
    info = bcc("info", "--json").json()
    assert metadata["license"].endswith(f"({info['licence']['id']})")
    assert metadata["license_url"] == info["licence"]["url"]
    assert metadata["title"] == info["title"]
    tables = metadata["databases"]["bcc"]["tables"]
    for name in layout.COLLECTIONS:
        assert tables[name]["label_column"] == layout.TITLE_FIELD[name]
        assert tables[name]["description"] and all(tables[name]["columns"].values())
    practices = bcc("practices", "--json").json()
    page, table, hosts, html = _get(
        db,
        metadata,
        "/-/metadata.json",
        "/bcc/practices.json?_shape=objects&_size=max",
        "/bcc/event_hosts.json?_shape=objects&_labels=on&_size=max",
        "/bcc/practices",
    )
    assert page["license_url"] == info["licence"]["url"]
    # the default facets, counted by Datasette, are the catalogue's own counts
    sectors = {r["value"]: r["count"] for r in table["facet_results"]["sectors"]["results"]}
    assert sectors == dict(Counter(s for p in practices for s in p["sectors"]))
    assert table["license_url"] == info["licence"]["url"]
    # a link shows the linked record's name (the label column of its table)
    names = {s["id"]: s["name"] for s in bcc("stakeholders", "--json").json()}
    assert hosts["rows"]
    for row in hosts["rows"]:
        assert row["stakeholder_id"]["label"] == names[row["stakeholder_id"]["value"]]
    assert info["licence"]["name"] in html


def test_a_faceted_query(bcc: Bcc, tmp_path: Path) -> None:
    db, metadata = _export(bcc, tmp_path)
    (result,) = _get(db, metadata, "/bcc/events.json?_shape=objects&kind=national-roundtable&_size=max")
    expected = bcc("events", "--kind", "national-roundtable", "--json").json()
    assert sorted(r["id"] for r in result["rows"]) == sorted(e["id"] for e in expected)
    countries = {r["value"]: r["count"] for r in result["facet_results"]["country"]["results"]}
    assert countries == dict(Counter(e["country"] for e in expected))


def test_metadata_goes_with_a_sqlite_file(bcc: Bcc, tmp_path: Path) -> None:
    meta = tmp_path / "metadata.json"
    for args in (
        ("export", "--format", "json", str(tmp_path / "x.json"), "--metadata", str(meta)),
        ("export", "--format", "sqlite", "-", "--metadata", str(meta)),
        ("export", "--format", "sqlite", str(tmp_path / "x.db"), "--metadata", str(tmp_path / "x.db")),
    ):
        run = bcc(*args)
        assert run.exit_code == 2 and "--metadata" in run.stderr and run.stdout == ""
        assert not meta.exists()
    meta.write_text("{}", encoding="utf-8")
    run = bcc("export", "--format", "sqlite", str(tmp_path / "y.db"), "--metadata", str(meta))
    assert run.exit_code == 2 and "--force" in run.stderr
    assert not (tmp_path / "y.db").exists()  # refused before anything was written
    assert (
        bcc(
            "export", "--format", "sqlite", str(tmp_path / "y.db"), "--metadata", str(meta), "--force"
        ).exit_code
        == 0
    )
    assert json.loads(meta.read_text(encoding="utf-8"))["databases"]["y"]["tables"]
