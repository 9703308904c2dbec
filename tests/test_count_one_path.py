"""One path for counts: the catalogue counts the records a command selects
(`Found.value_counts`): from the store's filter postings when it keeps them for the field
(each posting intersected with the selected records), else from the records themselves.

* `bcc count COLLECTION --by FIELD`, for every collection and every field, without a
  filter and with each kind of filter, writes the same bytes (and the same errors) with a
  warm store as without one;
* the postings, intersected with any selection of records, count what the records count;
* an unfiltered count of a field with postings decodes no record.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from bali_corruption_cli import catalog
from bali_corruption_cli.catalog import Record
from bali_corruption_cli.catalog.records import value_counts
from bali_corruption_cli.cli import app
from bali_corruption_cli.model import layout
from bali_corruption_cli.query import filters
from bali_corruption_cli.store import cache
from conftest import DATA
from conftest_generated import generated_catalogue, spy, warm_cache

SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], database=None)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Practices past `records.SMALL`: a selection of them is decoded record by record."""
    return generated_catalogue(tmp_path_factory, 600)


@pytest.fixture(scope="module")
def warm_generated(generated: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    return warm_cache(tmp_path_factory, generated)


@pytest.fixture(scope="module")
def warm_shipped(tmp_path_factory: pytest.TempPathFactory) -> str:
    return warm_cache(tmp_path_factory, DATA)


def _run(args: list[str], cache_dir: str) -> tuple[int, bytes, str]:
    result = CliRunner().invoke(app, args, env={"BCC_CACHE_DIR": cache_dir, "COLUMNS": "100"})
    assert "Traceback" not in result.stderr, result.stderr
    return result.exit_code, result.stdout_bytes, result.stderr


def _loaded(data: Path) -> catalog.Catalog:
    return catalog.check(data, cache=False)[0]


def _filters(cat: catalog.Catalog, collection: str) -> list[list[str]]:
    """No filter, a --search that keeps some records and one that keeps none, and each
    filter of the collection that tests one field, with the value of its first record."""
    chosen: list[list[str]] = [[], ["--search", "the"], ["--search", "zzz-nothing"]]
    first = cat.records(collection)[0]
    for f in filters.FILTERS[collection]:
        value = first.get(f.field) if f.field != "roles" and f.values != "year" else None
        value = value[0] if type(value) is list and value else value
        if type(value) is str and f.option != "by":
            chosen.append([f"--{f.option}", value])
    return chosen


def _every_count(data: Path, collection: str, formats: list[list[str]]) -> list[list[str]]:
    cat = _loaded(data)
    return [
        ["--data-dir", str(data), "count", collection, "--by", field, *chosen, *fmt]
        for field in [*cat.fields[collection], "nosuchfield"]
        for chosen in _filters(cat, collection)
        for fmt in formats
    ]


@pytest.mark.parametrize("collection", list(layout.COLLECTIONS))
def test_every_count_of_the_shipped_data_is_the_same_with_a_store_and_without(
    collection: str, warm_shipped: str
) -> None:
    for args in _every_count(DATA, collection, [[], ["--json"]]):
        assert _run(args, warm_shipped) == _run(args, ""), args


def test_every_count_of_a_large_collection_is_the_same_with_a_store_and_without(
    generated: Path, warm_generated: str
) -> None:
    """With fields that have postings, fields that have none (too many values), structured
    fields (refused), an unknown one, and filters that keep some records and none."""
    answers = []
    for args in _every_count(generated, "practices", [["--json"]]):
        answers.append(_run(args, ""))
        assert _run(args, warm_generated) == answers[-1], args
    assert {code for code, _out, _err in answers} == {0, 2}
    assert any("structured" in err for _code, _out, err in answers)
    assert any("unknown field" in err for _code, _out, err in answers)
    assert any(code == 0 and out.strip() == b"[]" for code, out, _err in answers)


def test_an_unfiltered_count_decodes_no_record(
    generated: Path, warm_generated: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    decoded, picked = spy(monkeypatch, "records"), spy(monkeypatch, "records_at")
    args = ["--data-dir", str(generated), "count", "practices", "--by", "themes"]
    code, out, _err = _run(args, warm_generated)
    assert code == 0 and out and decoded == picked == []


@settings(SETTINGS, max_examples=40)
@given(data=st.data())
def test_postings_count_any_selection_as_the_records_do(
    generated: Path, warm_generated: str, data: st.DataObject
) -> None:
    (entry,) = Path(warm_generated).glob("catalog-*")
    reader = cache.Reader(entry)
    name = data.draw(st.sampled_from(["practices", "events", "stakeholders", "quotes"]))
    records = reader.records(name)
    numbers = sorted(data.draw(st.sets(st.integers(0, len(records) - 1), max_size=300)))
    counted = 0
    for field in reader.fields[name]:
        kept = reader.counts(name, field, numbers)
        if kept is not None:
            counted += 1
            assert kept == value_counts([records[n] for n in numbers], field), field
            assert reader.counts(name, field, range(len(records))) == value_counts(records, field)
    assert counted >= 1


def test_a_store_and_the_records_count_the_same_selection(
    generated: Path, warm_generated: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`Found.value_counts` of one selection, from a store's postings and from the YAML's records."""
    monkeypatch.setenv("BCC_CACHE_DIR", warm_generated)
    kept, plain = catalog.load(generated), _loaded(generated)
    assert kept._reader is not None and plain._reader is None
    answers = []

    def private(records: list[Record]) -> list[Record]:
        return [r for r in records if "private" in r["sectors"]]

    for cat in (kept, plain):
        found = cat.select("practices", {"sectors": {"private"}}, None, private)
        assert 0 < len(found.numbers) < cat.count("practices")
        answers.append(found.value_counts("themes"))
        assert answers[-1] == value_counts(found.records(), "themes")
    assert answers[0] == answers[1]
