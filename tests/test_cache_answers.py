"""One path for every list: the store's indexes narrow, the records decide.

* `practices ...` in every format, and every filter of every list command, answer with a
  warm store exactly as without one (an index that dropped a matching record would show);
* a filter decodes only the records its index cannot rule out, never the whole
  collection, and a list command decodes only its collection;
* a cache whose sections are corrupt (its header intact) is noticed when read:
  the answer comes from the YAML, right, and the entry is written again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from bali_corruption_cli import catalog
from bali_corruption_cli.cli import app
from bali_corruption_cli.model import vocab
from bali_corruption_cli.store import cache
from conftest_generated import generated_catalogue, spy, warm_cache

SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], database=None)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated_catalogue(tmp_path_factory, 1500)


@pytest.fixture(scope="module")
def warm(generated: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    return warm_cache(tmp_path_factory, generated)


def _run(args: list[str], cache_dir: str) -> Any:
    return CliRunner().invoke(app, args, env={"BCC_CACHE_DIR": cache_dir})


def _spy_decoding(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    return spy(monkeypatch, "records")


def _same_answer(args: list[str], warm: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Check that the cache answers ``args`` as the YAML does (exit 0); the collections it decoded."""
    from_yaml = _run(args, "")
    decoded = _spy_decoding(monkeypatch)
    from_cache = _run(args, warm)
    assert (from_cache.exit_code, from_cache.stdout, from_cache.stderr) == (
        0,
        from_yaml.stdout,
        from_yaml.stderr,
    )
    return decoded


STAGES = [
    "recruitment",
    "fraudulent-documents",
    "land-border-entry",
    "maritime-border-entry",
    "airport-entry",
]
filters = st.lists(
    st.one_of(
        st.tuples(st.just("--sector"), st.sampled_from(list(vocab.SECTORS))),
        st.tuples(st.just("--theme"), st.sampled_from(list(vocab.THEMES))),
        st.tuples(st.just("--stage"), st.sampled_from(STAGES)),
        st.tuples(st.just("--event"), st.sampled_from(["regional-conference-2023", "roundtable-viet-nam"])),
    ),
    max_size=4,
)


def _spy_numbers(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The numbers of the records decoded one by one from the store."""
    picked: list[int] = []
    real = cache.Reader.records_at

    def records_at(self: cache.Reader, name: str, numbers: Any) -> Any:
        picked.extend(numbers)
        return real(self, name, numbers)

    monkeypatch.setattr(cache.Reader, "records_at", records_at)
    return picked


FORMATS = [["--json"], ["--format", "jsonl"], ["--format", "csv"], ["--json", "--fields", "id,title"], []]


@settings(SETTINGS, max_examples=25)
@given(filters, st.sampled_from(FORMATS))
def test_the_store_narrows_and_the_records_decide(
    generated: Path, warm: str, monkeypatch: pytest.MonkeyPatch, chosen: list[tuple[str, str]], fmt: list[str]
) -> None:
    """One path: the filter indexes narrow, the records decide; the answer is the one
    given without a store, in every format, and the whole collection is never decoded
    when a filter narrows."""
    args = ["--data-dir", str(generated), "practices", *[w for pair in chosen for w in pair], *fmt]
    from_yaml = _run(args, "")
    with monkeypatch.context() as patch:
        decoded = _spy_decoding(patch)
        picked = _spy_numbers(patch)
        from_cache = _run(args, warm)
    assert from_cache.exit_code == from_yaml.exit_code == 0, from_cache.stderr
    assert from_cache.stdout_bytes == from_yaml.stdout_bytes
    assert from_cache.stderr == from_yaml.stderr
    if chosen:
        assert "practices" not in decoded and len(picked) < 1500 + 16


def _collection_filters() -> list[tuple[str, str, str]]:
    """(collection, option, value) for every filter of every list command, each value one
    that some shipped record holds (the first of the option's completion values)."""
    from bali_corruption_cli import catalog as loader
    from bali_corruption_cli.query import filters as chosen_filters

    cat = loader.load(None)
    out = []
    for collection, options in chosen_filters.FILTERS.items():
        for f in options:
            values = chosen_filters.completion_values(f, cat)
            if values:
                out.append((collection, f.option, values[len(values) // 2]))
    return out


@pytest.mark.parametrize(("collection", "option", "value"), _collection_filters())
def test_every_collection_takes_the_one_path(
    generated: Path, warm: str, collection: str, option: str, value: str
) -> None:
    """Every filter of every list command answers with a warm store as without one."""
    args = ["--data-dir", str(generated), collection, f"--{option}", value, "--json"]
    from_yaml, from_cache = _run(args, ""), _run(args, warm)
    assert from_cache.exit_code == from_yaml.exit_code == 0, from_cache.stderr
    assert from_cache.stdout_bytes == from_yaml.stdout_bytes


def test_search_decodes_only_the_records_it_keeps(
    generated: Path, warm: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--search finds its records through the text index, then decodes those alone."""
    decoded = _spy_decoding(monkeypatch)
    picked = _spy_numbers(monkeypatch)
    args = ["--data-dir", str(generated), "practices", "--sector", "private", "--json", "--search", "border"]
    from_cache, from_yaml = _run(args, warm), _run(args, "")
    assert from_cache.stdout_bytes == from_yaml.stdout_bytes and from_cache.exit_code == 0
    assert "practices" not in decoded and 0 < len(picked) < 1500


def test_a_list_command_decodes_only_its_collection(
    generated: Path, warm: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    decoded = _spy_decoding(monkeypatch)
    assert _run(["--data-dir", str(generated), "stages", "--json"], warm).exit_code == 0
    assert decoded == ["stages"]


def _corrupt_first_section(entry: Path) -> None:
    """Garbage over the first bytes (the first marshal chunk); the header stays valid."""
    data = bytearray(entry.read_bytes())
    data[:64] = b"\xff" * 64
    entry.write_bytes(bytes(data))


@pytest.mark.parametrize("args", [["countries", "--json"], ["summary", "--json"], ["show", "viet-nam"]])
def test_a_corrupt_section_is_noticed_and_mended(generated: Path, tmp_path: Path, args: list[str]) -> None:
    where = str(tmp_path / "cache")
    full = ["--data-dir", str(generated), *args]
    expected = _run(full, "")
    assert _run(full, where).stdout_bytes == expected.stdout_bytes
    (entry,) = Path(where).glob("catalog-*")
    _corrupt_first_section(entry)
    assert cache.Reader(entry).sections  # the header still reads
    mended = _run(full, where)
    assert mended.exit_code == 0 and mended.stdout_bytes == expected.stdout_bytes
    assert mended.stderr == ""
    (entry,) = Path(where).glob("catalog-*")
    reader = cache.Reader(entry)
    assert len(reader.records("countries")) == len(
        catalog.check(generated, cache=False)[0].records("countries")
    )  # type: ignore[union-attr]


def test_offsets_out_of_range_are_corrupt(generated: Path, tmp_path: Path) -> None:
    where = tmp_path / "cache"
    assert _run(["--data-dir", str(generated), "stages"], str(where)).exit_code == 0
    (entry,) = where.glob("catalog-*")
    reader = cache.Reader(entry)
    section = reader.sections["practices"]
    start, length, sums = section["json"]
    section["json"] = (start, length + 10**9, sums)  # a header that lies
    with pytest.raises(cache.Corrupt):
        reader.json_at("practices", [0, 1])


@pytest.mark.parametrize(
    "args",
    [
        ["show", "regulate-financial-institutions"],
        ["show", "regulate-financial-institutions", "--json"],
        ["cite", "regulate-financial-institutions"],
        ["cite", "nacc", "--style", "bibtex"],
        ["show", "David Scott"],  # a name: found through the names, then by id
    ],
)
def test_one_record_is_decoded_alone(
    generated: Path, warm: str, args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """show and cite of a record find it through the cache's ids: no practice is decoded
    unless the record's links need them; the answer is the YAML path's."""
    decoded = _same_answer(["--data-dir", str(generated), *args], warm, monkeypatch)
    if args[1] == "regulate-financial-institutions":
        assert "practices" not in decoded


@pytest.mark.parametrize(
    "args",
    [
        ["summary"],
        ["summary", "--json"],
        ["count", "practices", "--by", "sectors"],
        ["count", "practices", "--by", "themes", "--json"],
        ["count", "practices", "--by", "origin_event", "--format", "csv"],
        ["count", "practices", "--by", "stages", "--sector", "private"],  # filtered: the records
        ["count", "practices", "--by", "title", "--json"],  # too many values for an index
    ],
)
def test_counts_come_from_the_index(
    generated: Path, warm: str, args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """summary and an unfiltered count read the filter index's postings: the YAML path's
    answer, without decoding the practices (a field with no index decodes them all; a
    filtered count takes the one path: only the records its index keeps are decoded)."""
    picked = _spy_numbers(monkeypatch)
    decoded = _same_answer(["--data-dir", str(generated), *args], warm, monkeypatch)
    assert ("practices" in decoded) == ("title" in args)
    if args[0] == "count":
        assert (0 < len(picked) < 1500) == ("--sector" in args)


def test_a_structured_field_is_still_refused(generated: Path, warm: str) -> None:
    full = ["--data-dir", str(generated), "count", "practices", "--by", "sources"]
    from_yaml, from_cache = _run(full, ""), _run(full, warm)
    assert from_cache.exit_code == from_yaml.exit_code == 2
    assert from_cache.stderr == from_yaml.stderr and "structured" in from_cache.stderr
