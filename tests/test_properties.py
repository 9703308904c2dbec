"""Properties that hold for any input, checked with Hypothesis (bcc run in-process).

* Any argument list (real commands, options and values, and random text) ends
  with a documented exit code and never a traceback.
* Every ``--json`` answer parses.
* A filter only ever removes records; two different filters give the
  intersection of their results, one filter repeated gives the union.
* Any YAML document written as a collection file is loaded or refused (exit 0
  or 3), never a crash.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bali_corruption_cli import catalog as catalog_module
from bali_corruption_cli.cli import app
from bali_corruption_cli.model import layout, vocab
from conftest_hostile import DATA, EXPECTED_EXIT_CODES, Run, run

SETTINGS = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    database=None,
)

# Commands and options that write files or touch the user's shell: never drawn.
WRITERS = {"export", "data", "report", "--write", "--install-completion", "--show-completion", "--force"}


def _shipped_catalogue() -> catalog_module.Catalog:
    old = os.environ.get("BCC_CACHE_DIR")
    os.environ["BCC_CACHE_DIR"] = ""  # no cache written while the module is imported
    try:
        return catalog_module.load(DATA)
    finally:
        if old is None:
            del os.environ["BCC_CACHE_DIR"]
        else:
            os.environ["BCC_CACHE_DIR"] = old


CATALOGUE = _shipped_catalogue()
GROUP: Any = typer.main.get_command(app)
COMMANDS = {name: cmd for name, cmd in GROUP.commands.items() if name not in WRITERS}
LIST_COMMANDS = [name for name in layout.COLLECTIONS if name in COMMANDS]


def _options(command: Any) -> list[str]:
    return [o for p in command.params if p.param_type_name == "option" for o in p.opts if o not in WRITERS]


def _strings(collection: str, *fields: str) -> list[str]:
    out: list[str] = []
    for record in CATALOGUE.records(collection):
        for name in ("id", *fields):
            value = record.get(name)
            if isinstance(value, str):
                out.append(value)
            elif isinstance(value, list):
                out.extend(v for v in value if isinstance(v, str))
    return out


# Values an option may be given: valid ones from the vocabularies and the catalogue.
VALUES: dict[str, list[str]] = {
    "--sector": [*vocab.SECTORS, *vocab.SECTOR_ALIASES],
    "--theme": [*vocab.THEMES, *vocab.THEME_ALIASES],
    "--stage": _strings("stages", "title"),
    "--event": _strings("events", "title"),
    "--country": _strings("countries", "name", "iso2", "iso3", "aliases"),
    "--kind": [
        *vocab.EVENT_KINDS,
        *vocab.STAKEHOLDER_KINDS,
        *vocab.SOURCE_KINDS,
        *vocab.QUOTE_KINDS,
        *vocab.COUNTRY_KINDS,
        *vocab.RECOMMENDATION_KINDS,
    ],
    "--year": ["2019", "2020", "2021", "2022", "2023", "2024"],
    "--host": _strings("stakeholders", "name", "aliases"),
    "--by": _strings("stakeholders", "name"),
    "--speaker": _strings("stakeholders", "name"),
    "--role": list(vocab.ROLES),
    "--search": ["corruption", "bali", "RSO", "private", "Viet", "2023", "unodc", "x"],
    "--format": ["table", "json", "jsonl", "csv", "tsv", "yaml", "markdown", "xml"],
    "--fields": ["id", "id,title", "title,id", "id,name", "nope", "id,,", ","],
    "--color": ["auto", "always", "never"],
    "--type": list(layout.COLLECTIONS),
    "--limit": ["1", "5", "0", "-1", "x"],
    "--style": ["apa", "plain", "x"],
    "--data-dir": [str(DATA), "/nonexistent"],
    "--with": [str(DATA / "nope")],
}
EVERY_OPTION = sorted(
    {o for cmd in COMMANDS.values() for o in _options(cmd)}
    | {"--data-dir", "--color", "--with", "--version", "--help", "-h"}
)
EVERY_VALUE = sorted({v for values in VALUES.values() for v in values} | set(CATALOGUE.index))

random_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=20)
token = st.one_of(
    st.sampled_from(sorted(COMMANDS)),
    st.sampled_from(EVERY_OPTION),
    st.sampled_from(EVERY_VALUE),
    random_text,
)


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    """Mostly well-formed command lines with a few wrong turns, sometimes pure noise."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.lists(token, max_size=8))
    args: list[str] = draw(st.lists(st.sampled_from(["--color", "--data-dir"]), max_size=1))
    args = [a for option in args for a in (option, draw(st.sampled_from(VALUES[option])))]
    name = draw(st.sampled_from(sorted(COMMANDS)))
    args.append(name)
    options = _options(COMMANDS[name])
    for _ in range(draw(st.integers(0, 4))):
        if options and draw(st.booleans()):
            option = draw(st.sampled_from(options))
            args.append(option)
            if option in ("--json", "--chain", "--help", "-h"):
                continue
            key = "--search" if option == "-s" else "--format" if option == "-f" else option
            args.append(draw(st.one_of(st.sampled_from(VALUES.get(key, ["x"])), random_text)))
        else:
            args.append(draw(token))
    return args


def _is_safe(args: list[str]) -> bool:
    return not any(a in WRITERS for a in args)


@settings(SETTINGS, max_examples=120)
@given(command_lines())
def test_any_command_line_ends_with_a_documented_exit_code(args: list[str]) -> None:
    assume(_is_safe(args))
    result = run(*args)  # asserts: no traceback, no internal error, no escaped exception
    assert result.code in EXPECTED_EXIT_CODES, (args, result.code, result.err)
    if result.code in (1, 3) or (result.code == 2 and result.err):
        assert result.first.startswith("bcc: error: "), (args, result.err)


# ---------------------------------------------------------------- JSON


@st.composite
def list_queries(draw: st.DrawFn, command: str | None = None) -> list[str]:
    """A list command with zero or more filters drawn from valid values."""
    name = command or draw(st.sampled_from(LIST_COMMANDS))
    filters = [
        o
        for o in _options(COMMANDS[name])
        if o.startswith("--")
        and o in VALUES
        and o not in ("--format", "--fields", "--data-dir", "--color", "--with")
    ]
    args = [name]
    for option in draw(st.lists(st.sampled_from(filters), max_size=3)) if filters else []:
        args += [option, draw(st.sampled_from(VALUES[option]))]
    return args


def _json(args: list[str]) -> Any:
    result = run(*args, "--json")
    assume(result.code == 0)  # a value that does not apply to this command (exit 2) is not the point here
    return json.loads(result.out)


@settings(SETTINGS, max_examples=60)
@given(list_queries(), st.sampled_from([[], ["--fields", "id"], ["--fields", "id,id"]]))
def test_every_json_answer_parses(args: list[str], fields: list[str]) -> None:
    result = run(*args, *fields, "--json")
    assume(result.code == 0)
    records = json.loads(result.out)
    assert isinstance(records, list)
    assert all(isinstance(r, dict) and "id" in r for r in records)


@settings(SETTINGS, max_examples=20)
@given(
    st.sampled_from([c for c in ("summary", "timeline", "show", "search") if c in COMMANDS]),
    st.sampled_from(sorted(CATALOGUE.index)),
)
def test_other_json_answers_parse(command: str, record_id: str) -> None:
    args = [command, record_id] if command in ("show", "search") else [command]
    result = run(*args, "--json")
    assert result.code in (0, 1), result.err
    if result.code == 0:
        json.loads(result.out)


# ---------------------------------------------------------------- filters


def _ids(args: list[str]) -> set[str]:
    return {r["id"] for r in _json([*args, "--fields", "id"])}


@settings(SETTINGS, max_examples=40)
@given(list_queries())
def test_a_filter_only_removes_records(args: list[str]) -> None:
    assert _ids(args) <= _ids(args[:1])


@st.composite
def two_filters(draw: st.DrawFn) -> tuple[str, tuple[str, str], tuple[str, str]]:
    name = draw(st.sampled_from(LIST_COMMANDS))
    filters = [
        o
        for o in _options(COMMANDS[name])
        if o in VALUES and o not in ("--format", "--fields", "--data-dir", "--color", "--with", "--limit")
    ]
    assume(filters)
    a = draw(st.sampled_from(filters))
    b = draw(st.sampled_from(filters))
    # stakeholders: --role and --event select one role *at* that event, by design not two filters
    assume(not (name == "stakeholders" and {a, b} == {"--role", "--event"}))
    return name, (a, draw(st.sampled_from(VALUES[a]))), (b, draw(st.sampled_from(VALUES[b])))


@settings(SETTINGS, max_examples=50)
@given(two_filters())
def test_combining_filters(case: tuple[str, tuple[str, str], tuple[str, str]]) -> None:
    """Different options: AND (intersection).  One option twice: OR (union), but --search is AND."""
    name, (a, x), (b, y) = case
    first, second = _ids([name, a, x]), _ids([name, b, y])
    both = _ids([name, a, x, b, y])
    if a == b and a != "--search":
        assert both == first | second, (case, both, first, second)
    else:
        assert both == first & second, (case, both, first, second)


# ---------------------------------------------------------------- random YAML


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="bcc-props-") as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(DATA, data)
        yield data


FIELD_NAMES = sorted({f for fields in CATALOGUE.fields.values() for f in fields} | {"source", "at", "role"})
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True),
    random_text,
    st.sampled_from(EVERY_VALUE),
    st.dates(),
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(FIELD_NAMES), random_text), children, max_size=6),
    ),
    max_leaves=30,
)


@st.composite
def mutated_records(draw: st.DrawFn) -> tuple[str, Any]:
    """A real record of a real collection with some fields replaced, removed or added."""
    collection = draw(st.sampled_from(list(layout.COLLECTIONS)))
    records = [dict(r) for r in CATALOGUE.records(collection)]
    for record in records[: draw(st.integers(1, 3))]:
        for _ in range(draw(st.integers(0, 3))):
            key = draw(st.sampled_from(sorted(record) + FIELD_NAMES))
            if draw(st.booleans()):
                record[key] = draw(documents)
            else:
                record.pop(key, None)
    return collection, records


@settings(SETTINGS, max_examples=60)
@given(
    st.one_of(
        st.tuples(st.sampled_from(list(layout.COLLECTIONS)), documents),
        mutated_records(),
    ),
    st.booleans(),
)
def test_any_yaml_document_is_loaded_or_refused(scratch: Path, case: tuple[str, Any], flow: bool) -> None:
    collection, document = case
    path = scratch / layout.COLLECTIONS[collection][0]
    original = (DATA / path.name).read_bytes()
    try:
        path.write_text(
            yaml.safe_dump(document, allow_unicode=True, default_flow_style=flow), encoding="utf-8"
        )
        result: Run = run("--data-dir", str(scratch), collection, "--json", env={"BCC_CACHE_DIR": ""})
        assert result.code in (0, 3), (result.code, result.err)
        if result.code == 0:
            assert isinstance(json.loads(result.out), list)
        else:
            assert result.first.startswith("bcc: error: invalid data: "), result.err
            assert str(scratch) in result.first
    finally:
        path.write_bytes(original)


@settings(SETTINGS, max_examples=40)
@given(st.sampled_from(list(layout.COLLECTIONS)), st.text(max_size=200))
def test_any_text_as_a_collection_file_is_loaded_or_refused(
    scratch: Path, collection: str, text: str
) -> None:
    path = scratch / layout.COLLECTIONS[collection][0]
    original = (DATA / path.name).read_bytes()
    try:
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        result = run("--data-dir", str(scratch), collection, env={"BCC_CACHE_DIR": ""})
        assert result.code in (0, 3), (result.code, result.err)
    finally:
        path.write_bytes(original)
