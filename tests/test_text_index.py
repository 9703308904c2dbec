"""One path for text: every collection is searched through its text index, the store's or,
without a store, one made from the records by the same code (`Catalog.text`).

* `bcc search` ranks exactly the hits, scores, fields and snippets the ranking defines
  (each record's strings scored one by one, `_defined` below), with a warm store and
  without one, for words, phrases, typos, accents and ids;
* `--search` keeps exactly the same records with a warm store as without one, alone and
  with other filters, for needles with spaces, dashes, accents and punctuation;
* a record holding SEP ("\\x00") inside a string is found by the same words, with a
  store and without one, and a needle holding it keeps the records that hold it;
* neither decodes a whole collection from the cache; a damaged text section is noticed
  and the answer is still right;
* `vocab.fold`'s ASCII shortcut folds every text as the definition does.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from bali_corruption_cli import catalog
from bali_corruption_cli.cli import app
from bali_corruption_cli.model import layout, vocab
from bali_corruption_cli.query import query, search
from bali_corruption_cli.store import cache, textindex
from conftest import DATA
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


def _defined(cat: catalog.Catalog, text: str, types: Sequence[str] = ()) -> list[dict[str, Any]]:
    """The hits as the ranking defines them: each string of each record scored one by one
    (`search._scores` of its folded text), by the weight of its field; no index."""
    tokens = tuple(search._WORD.findall(vocab.fold(text)))
    if not tokens:
        return []
    phrase = " ".join(tokens)
    found = []
    for name in cat.names:
        if types and name not in types:
            continue
        for record in cat.records(name):
            texts = (
                (key, weight, raw, search._scores(tokens, phrase, vocab.fold(raw)))
                for key, value in record.items()
                if (weight := search._weight(name, key)) is not None
                for raw in query.strings(value)
            )
            scored = search._score(texts, layout.TITLE_FIELD[name])
            if scored is not None:
                score, key, raw, field = scored
                hit = search._hit(name, record, score, key, raw, tokens, field)
                found.append((score, name, record["id"], hit.as_dict()))
    found.sort(key=lambda f: (-f[0], f[1], f[2]))
    return [hit for *_key, hit in found]


def _loaded(data: Path, cache_dir: str, monkeypatch: pytest.MonkeyPatch) -> catalog.Catalog:
    monkeypatch.setenv("BCC_CACHE_DIR", cache_dir)
    return catalog.load(data)


@pytest.mark.parametrize("text", QUERIES)
def test_search_ranks_as_defined_with_a_store_and_without(
    generated: Path, warm: str, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["--data-dir", str(generated), "search", text, "--limit", "100000", "--json"]
    without = _answer(args, "")
    decoded = spy(monkeypatch, "records")
    assert _answer(args, warm) == without
    assert "practices" not in decoded  # the hits alone were decoded
    plain = catalog.check(generated, cache=False)[0]
    assert [h.as_dict() for h in search.search(plain, text)] == _defined(plain, text)
    assert [h.as_dict() for h in search.search(_loaded(generated, warm, monkeypatch), text)] == _defined(
        plain, text
    )


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
def test_any_query_ranks_the_same_with_a_store_and_without(
    generated: Path, warm: str, query: list[str], kind: str
) -> None:
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
def test_search_option_keeps_the_same_records_with_a_store_and_without(
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
def test_every_list_searches_the_same_with_a_store_and_without(
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
    """An entry without the ids section still ranks as without a store (the hits' ids decoded)."""
    args = ["--data-dir", str(generated), "search", "migration", "--limit", "100000", "--json"]
    plain = _answer(args, "")
    monkeypatch.setattr(cache.Reader, "ids", lambda self, name: None)
    decoded = spy(monkeypatch, "records")
    assert _answer(args, warm) == plain
    assert "practices" not in decoded


# ---------------------------------------------------------------- SEP inside a record's strings


@pytest.fixture(scope="module")
def holding_sep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped data with SEP inside a practice's title and a stakeholder's alias."""
    data = tmp_path_factory.mktemp("sep") / "data"
    shutil.copytree(DATA, data)
    for name, old, new in [
        (
            "practices",
            "  title: More regular routes for labour migration\n",
            '  title: "More regular\\0routes for labour\\0 migration \\0zebra\\0crossing"\n',
        ),
        (
            "stakeholders",
            "  aliases: [NACC, ONACC, National Anti-Corruption Commission]\n",
            '  aliases: [NACC, ONACC, "National\\0Anti-Corruption Commission"]\n',
        ),
    ]:
        path = data / f"{name}.yaml"
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1
        path.write_text(text.replace(old, new), encoding="utf-8")
    return data


@pytest.fixture(scope="module")
def warm_sep(holding_sep: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    return warm_cache(tmp_path_factory, holding_sep)


def test_a_collection_holding_sep_has_a_text_index(
    holding_sep: Path, warm_sep: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store keeps one, the same as the one made without a store; SEP is a space in it."""
    plain = catalog.check(holding_sep, cache=False)[0]
    (record,) = [r for r in plain.records("practices") if r["id"] == "regular-labour-migration-routes"]
    assert "\0" in record["title"]
    (entry,) = Path(warm_sep).glob("catalog-*")
    reader = cache.Reader(entry)
    for name in ("practices", "stakeholders"):
        kept = reader.text(name)
        assert kept is not None and kept == plain.text(name)
        assert all(h.count(textindex.SEP) == len(n) - 1 for h, n in zip(kept[0], kept[1], strict=True) if n)
    assert "more regular routes for labour migration zebra crossing" in plain.text("practices")[0][0]
    assert _loaded(holding_sep, warm_sep, monkeypatch).text("practices") == plain.text("practices")


SEP_QUERIES = {  # a query, and a record holding SEP that it finds
    "zebra": "regular-labour-migration-routes",
    "zebra crossing": "regular-labour-migration-routes",
    "regular routes": "regular-labour-migration-routes",
    "labour migration": "regular-labour-migration-routes",
    "national anti corruption": "onacc-thailand",
    "anti-corruption commission": "onacc-thailand",
}


@pytest.mark.parametrize("text", SEP_QUERIES)
def test_search_finds_a_record_holding_sep_by_the_same_words(
    holding_sep: Path, warm_sep: str, text: str
) -> None:
    args = ["--data-dir", str(holding_sep), "search", text, "--limit", "100000", "--json"]
    without = _answer(args, "")
    assert _answer(args, warm_sep) == without
    assert without == _defined(catalog.check(holding_sep, cache=False)[0], text)
    assert SEP_QUERIES[text] in {hit["id"] for hit in without}


@pytest.mark.parametrize(
    "needle", ["zebra", "regular\0routes", "labour\0 migration", "\0", "regular routes", "national\0anti"]
)
@pytest.mark.parametrize("collection", ["practices", "stakeholders"])
def test_a_needle_holding_sep_keeps_the_records_holding_it(
    holding_sep: Path, warm_sep: str, needle: str, collection: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command line refuses an argument holding NUL; the catalogue does not: a needle
    holding it does not narrow, and the records' own test keeps those that hold it."""
    plain = catalog.check(holding_sep, cache=False)[0]
    kept = _loaded(holding_sep, warm_sep, monkeypatch)
    assert kept._reader is not None

    def decide(records: list[catalog.Record]) -> list[catalog.Record]:
        return [r for r in records if query.text_matches(r, [needle])]

    expected = [r["id"] for r in plain.records(collection) if query.text_matches(r, [needle])]
    for cat in (kept, plain):
        assert [r["id"] for r in cat.select(collection, {}, [needle], decide).records()] == expected
        assert set(expected) <= {r["id"] for r in cat.records_holding(collection, needle)}
    holding = {"practices": "regular-labour-migration-routes", "stakeholders": "onacc-thailand"}[collection]
    if "\0" in needle and (needle == "\0" or (collection == "practices") != needle.startswith("national")):
        assert expected == [holding]
    if "\0" not in needle:
        args = ["--data-dir", str(holding_sep), collection, "--search", needle, "--json"]
        assert [r["id"] for r in _answer(args, warm_sep)] == [r["id"] for r in _answer(args, "")] == expected
