"""Fuzz bcc's cache reader: any bytes where a cache entry should be give the YAML's answer.

The target (``check_entry``) puts some bytes where the shipped catalogue's cache entry
belongs and loads the catalogue through the cache: every collection, every warning and
the JSON answers through the store (`Catalog.select`, then the JSON it keeps of the
records kept) must be exactly what the YAML gives, whether the entry was used or
rebuilt; no exception of any kind.

Inputs: random bytes, and the real entry mutated: bytes flipped, inserted, deleted or
overwritten, the file cut short or grown, parts swapped; and *crafted* entries, written
with valid checksums around records holding what validation never gives (sets, tuples,
bytes, non-string keys, records without an id or with unknown fields, cycles): the
record shape check must refuse them (their JSON section, made by orjson from those
records, is not checked: answers straight from it are not compared).

    python fuzz/fuzz_cache.py --seconds 25       # Hypothesis; CI: fuzz/run
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CRASHES = HERE / "crashes"
SCRATCH = Path(tempfile.mkdtemp(prefix="bcc-fuzz-cache-"))
os.environ["BCC_CACHE_DIR"] = str(SCRATCH / "cache")

from rounds import note_failure, run_rounds  # noqa: E402 - fuzz/rounds.py, beside this file

from bali_corruption_cli import catalog  # noqa: E402
from bali_corruption_cli.cli.app import table_display  # noqa: E402
from bali_corruption_cli.store import cache, cache_sections  # noqa: E402

DATA = SCRATCH / "data"
shutil.copytree(catalog.shipped_data_dir(), DATA)
CONDITIONS: list[dict[str, set[str]]] = [{}, {"sectors": {"private"}}, {"sectors": {"government", "private"}}]
# Values validation never gives, for crafted entries.
ODD_VALUES: list[Any] = [{"x"}, ("x",), b"x", 1j, frozenset(), {1: "x"}, {None: 1}, ..., [{"a": (1,)}]]


def _expected() -> tuple[dict[str, Any], list[Any], list[list[bytes]]]:
    import orjson

    from bali_corruption_cli.query import query

    built, problems = catalog.check(DATA, cache=False)
    assert built is not None
    answers = [
        [orjson.dumps(r) for r in query.filter_records(built.records("practices"), **c)] for c in CONDITIONS
    ]
    answers += [[orjson.dumps(r) for r in built.records(name)] for name in built.collections]
    return built.collections, [str(p) for p in problems], answers


COLLECTIONS, WARNINGS, ANSWERS = _expected()
catalog.check(DATA)  # writes the entry
_files, _problems = catalog._read_files([DATA], contents=False)
ENTRY = catalog._entry(SCRATCH / "cache", _files)
GOOD = ENTRY.read_bytes()


def _answer(loaded: Any, name: str, conditions: dict[str, set[str]]) -> list[bytes] | None:
    """The JSON of the records meeting ``conditions`` as the store keeps it (the one path:
    its indexes narrow, the records decide); None when it keeps none."""
    from bali_corruption_cli.query import query

    decide = (lambda records: query.filter_records(records, **conditions)) if conditions else None
    return loaded.select(name, conditions, None, decide).json()


def check_entry(blob: bytes, crafted: bool = False) -> None:
    """The fuzz target: raises if the answer through the cache is not the YAML's.

    A crafted entry's JSON section (valid checksums around other JSON) is served as
    written: only what is decoded is checked (README: "Exit codes and what bcc promises")."""
    ENTRY.write_bytes(blob)
    started = time.monotonic()
    loaded, problems = catalog.check(DATA)
    assert loaded is not None, problems
    answers = [_answer(loaded, "practices", c) for c in CONDITIONS]
    answers += [_answer(loaded, name, {}) for name in COLLECTIONS]
    for got, want in zip(answers, ANSWERS, strict=True):
        assert crafted or got is None or got == want, "JSON answer differs"
    assert loaded.collections == COLLECTIONS, "records differ"
    assert [str(p) for p in loaded.warnings] == WARNINGS, "warnings differ"
    assert time.monotonic() - started < 20, "too slow"


def craft(change: Any) -> bytes:
    """The real entry rewritten with valid checksums after ``change(collections)``.
    (Inputs start with a letter: C crafted, M mutated or random.)"""
    path = SCRATCH / "crafted"
    path.write_bytes(GOOD)
    reader = cache.Reader(path)
    collections = {name: [dict(r) for r in reader.records(name)] for name in reader.names}
    fields, warnings = reader.fields, reader.warnings
    del reader
    change(collections)
    real = cache_sections.postings
    cache_sections.postings = lambda records, fields: {}  # type: ignore[assignment]  # records of any shape
    try:
        with path.open("wb") as fh:
            cache.write(fh, collections, fields, warnings, table_display())
    finally:
        cache_sections.postings = real  # type: ignore[assignment]
    return path.read_bytes()


def save_crash(blob: bytes) -> Path:
    CRASHES.mkdir(exist_ok=True)
    path = CRASHES / f"cache-crash-{hashlib.sha1(blob).hexdigest()[:12]}.marshal"
    path.write_bytes(blob)
    return path


def hypothesis_fuzz(seconds: float) -> int:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    names = list(COLLECTIONS)

    @st.composite
    def crafted(draw: st.DrawFn) -> bytes:
        name = draw(st.sampled_from(names))
        odd = draw(st.sampled_from([*ODD_VALUES, "cycle", "no id", "unknown field", "not a dict"]))
        number = draw(st.integers(0, 1000))

        def change(collections: dict[str, list[dict[str, Any]]]) -> None:
            records = collections[name]
            if not records:
                records.append({})
                return
            record = records[number % len(records)]
            field = sorted(record)[number % len(record)]
            if odd == "cycle":
                loop: list[Any] = []
                loop.append(loop)
                record[field] = loop
            elif odd == "no id":
                record.pop("id")
            elif odd == "unknown field":
                record["not-a-field"] = "x"
            elif odd == "not a dict":
                records[number % len(records)] = list(record.items())  # type: ignore[call-overload]
            else:
                record[field] = odd

        return b"C" + craft(change)

    @st.composite
    def mutated(draw: st.DrawFn) -> bytes:
        data = bytearray(GOOD)
        where = draw(st.randoms(use_true_random=False))  # anywhere alike (integers() favours 0)
        for _ in range(draw(st.integers(1, 6))):
            op = draw(st.sampled_from(["flip", "insert", "delete", "set", "cut", "grow", "swap"]))
            at = where.randrange(max(1, len(data)))
            if op == "flip" and data:
                data[at] ^= 1 << draw(st.integers(0, 7))
            elif op == "insert":
                data[at:at] = draw(st.binary(min_size=1, max_size=16))
            elif op == "delete":
                del data[at : at + draw(st.integers(1, 64))]
            elif op == "set":
                piece = draw(st.binary(min_size=1, max_size=16))
                data[at : at + len(piece)] = piece
            elif op == "cut":
                del data[at:]
            elif op == "grow":
                data.extend(draw(st.binary(max_size=64)))
            elif op == "swap":
                other = where.randrange(max(1, len(data)))
                size = draw(st.integers(1, 256))
                a, b = bytes(data[at : at + size]), bytes(data[other : other + size])
                data[at : at + len(a)], data[other : other + len(b)] = b, a
        return b"M" + bytes(data)

    inputs = st.one_of(mutated(), crafted(), st.binary(max_size=4096).map(lambda b: b"M" + b))
    failing: dict[str, bytes] = {}

    @settings(
        max_examples=100,
        deadline=timedelta(seconds=40),
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(inputs)
    def fuzz(blob: bytes) -> None:
        try:
            check_entry(blob[1:], crafted=blob[:1] == b"C")
        except BaseException as exc:
            note_failure(failing, exc, blob)
            raise

    return run_rounds(
        fuzz,
        failing,
        save_crash,
        seconds,
        lambda rounds: f"fuzzed the cache reader: {rounds * 100} entries in {seconds:.0f} s, no failure",
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=25.0, help="how long to fuzz (default 25)")
    args = parser.parse_args()
    try:
        check_entry(GOOD)  # the real entry itself: used, and right
        for crash in sorted(CRASHES.glob("cache-crash-*")) if CRASHES.is_dir() else []:
            check_entry(crash.read_bytes()[1:], crafted=crash.read_bytes()[:1] == b"C")
        return hypothesis_fuzz(args.seconds)
    finally:
        shutil.rmtree(SCRATCH, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
