"""The cache's text index gives the answers the plain paths give.

* `bcc search` through the index (a warm cache) ranks exactly the hits, scores, fields and
  snippets of the plain scan (no cache), for words, phrases, typos, accents and ids;
* `--search` through the index keeps exactly the records the plain filter keeps, alone
  and with other filters, for needles with spaces, dashes, accents and punctuation;
* neither decodes a whole collection from the cache; a damaged text section is noticed
  and the answer is still right;
* `vocab.fold`'s ASCII shortcut folds every text as the definition does.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from bali_corruption_cli.cli import app
from bali_corruption_cli.model import vocab
from bali_corruption_cli.store import cache
from conftest_generated import generated_catalogue, spy, warm_cache

SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], database=None)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated_catalogue(tmp_path_factory, 1200)


@pytest.fixture(scope="module")
def warm(generated: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    return warm_cache(tmp_path_factory, generated)


def _answer(args: list[str], cache_dir: str) -> Any:
    result = CliRunner().invoke(app, args, env={"BCC_CACHE_DIR": cache_dir})
    assert result.exit_code == 0, (args, result.stderr)
    return json.loads(result.stdout)


QUERIES = [
    "migration",
    "border officers",
    "migratoin",  # a typo: near misses
    "corruptoin labour",
    "Viet Nam",
    "viêt",  # an accent
    "NACC",
    "ab",  # short: whole words only
    "0000411",  # an id's number
    "regulate-financial-institutions",
    "whistleblower protection supply",
    "bribery",
    "nothing-like-this-anywhere",
]


@pytest.mark.parametrize("text", QUERIES)
def test_search_through_the_index_ranks_as_the_plain_scan(
    generated: Path, warm: str, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["--data-dir", str(generated), "search", text, "--limit", "100000", "--json"]
    plain = _answer(args, "")
    decoded = spy(monkeypatch, "records")
    indexed = _answer(args, warm)
    assert indexed == plain
    assert "practices" not in decoded  # the hits alone were decoded


def test_the_index_is_used_and_finds_many(generated: Path, warm: str) -> None:
    hits = _answer(["--data-dir", str(generated), "search", "migration", "--limit", "5000", "--json"], warm)
    assert len(hits) > 100 and {h["type"] for h in hits} >= {"practices", "recommendations"}
    assert hits == sorted(hits, key=lambda h: (-h["score"], h["type"], h["id"]))


words = st.sampled_from(
    ["migration", "labour", "maritime", "audit", "border", "officers", "viet", "nam", "whistle", "cors"]
)
typos = words.map(lambda w: w[:-2] + w[-1] + w[-2])


@settings(SETTINGS, max_examples=20)
@given(st.lists(st.one_of(words, typos), min_size=1, max_size=3), st.sampled_from(["", "practice", "event"]))
def test_any_query_ranks_as_the_plain_scan(generated: Path, warm: str, query: list[str], kind: str) -> None:
    args = ["--data-dir", str(generated), "search", " ".join(query), "--limit", "100000", "--json"]
    if kind:
        args += ["--type", kind]
    assert _answer(args, warm) == _answer(args, "")


NEEDLES = [
    ["migration"],
    ["labour migration"],  # a space: across a dash in the data
    ["labour-migration"],
    ["Viet Nam"],
    ["viêt nam"],
    ["para 6"],  # inside a citation
    ["synthetic record 41"],
    ["(41"],
    ["-"],  # folds to nothing: every record
    ["migration", "maritime"],  # two needles: both
    ["zzz-nothing"],
]


@pytest.mark.parametrize("needles", NEEDLES)
@pytest.mark.parametrize(
    "extra", [[], ["--sector", "private"], ["--theme", "labour-migration", "--stage", "recruitment"]]
)
def test_search_option_through_the_index_keeps_what_the_plain_filter_keeps(
    generated: Path, warm: str, needles: list[str], extra: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["--data-dir", str(generated), "practices", *extra, "--json"]
    for needle in needles:
        args += ["--search", needle]
    plain = _answer(args, "")
    decoded = spy(monkeypatch, "records")
    assert _answer(args, warm) == plain
    assert "practices" not in decoded


def test_a_damaged_text_section_is_noticed(generated: Path, tmp_path: Path) -> None:
    where = str(tmp_path / "cache")
    args = ["--data-dir", str(generated), "search", "migration", "--limit", "100000", "--json"]
    expected = _answer(args, where)  # writes the entry
    (entry,) = Path(where).glob("catalog-*")
    reader = cache.Reader(entry)
    start, length, _sum = reader.sections["practices"]["text"][0]
    del reader
    data = bytearray(entry.read_bytes())
    data[start + length // 2] ^= 0xFF
    entry.write_bytes(bytes(data))
    result = CliRunner().invoke(app, args, env={"BCC_CACHE_DIR": where})
    assert result.exit_code == 0
    assert json.loads(result.stdout) == expected


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=40))
def test_folding_ascii_follows_the_definition(text: str) -> None:
    assert vocab.fold(text) == vocab.fold_slowly(text)


@given(st.text(max_size=40))
def test_folding_any_text_follows_the_definition(text: str) -> None:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    assert vocab.fold(text) == vocab.fold_slowly(plain)


@pytest.mark.parametrize(
    "args",
    [
        ["events", "--search", "viet nam"],
        ["stakeholders", "--search", "nacc"],
        ["stakeholders", "--search", "host", "--kind", "organisation"],
        ["quotes", "--search", "corruption"],
        ["recommendations", "--search", "migration"],
        ["findings", "--search", "border"],
        ["sources", "--search", "2023"],
        ["countries", "--search", "viet"],
        ["events", "--search", "roundtable", "--format", "csv"],
        ["practices", "--search", "labour migration", "--fields", "id,title", "--format", "tsv"],
    ],
)
def test_every_list_searches_through_the_index_as_plainly(
    generated: Path, warm: str, args: list[str]
) -> None:
    full = ["--data-dir", str(generated), *args]
    plain = CliRunner().invoke(app, full, env={"BCC_CACHE_DIR": ""})
    indexed = CliRunner().invoke(app, full, env={"BCC_CACHE_DIR": warm})
    assert plain.exit_code == indexed.exit_code == 0
    assert indexed.stdout == plain.stdout and plain.stdout.strip()


def test_search_without_kept_ids_decodes_its_hits_for_them(
    generated: Path, warm: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An entry without the ids section still ranks as the plain scan (the hits' ids decoded)."""
    args = ["--data-dir", str(generated), "search", "migration", "--limit", "100000", "--json"]
    plain = _answer(args, "")
    monkeypatch.setattr(cache.Reader, "ids", lambda self, name: None)
    decoded = spy(monkeypatch, "records")
    assert _answer(args, warm) == plain
    assert "practices" not in decoded
