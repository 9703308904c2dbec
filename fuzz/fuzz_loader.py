"""Fuzz bcc's catalogue loader: any bytes as a collection file give problems, never an exception.

The target (``check_one``) hands one collection file's bytes to the loader
(decode, YAML parse, shape checks, Pydantic validation, cross-record checks)
and checks what comes back: a catalogue, or problems with at least one error;
every problem printable on one line; no exception of any kind; no input taking
more than a few seconds.

Inputs start from the seed corpus in fuzz/corpus/ (``<collection>--<name>.yaml``)
and are mutated: bytes flipped, inserted or deleted, YAML syntax spliced in
(anchors, aliases, tags, tabs, brackets, directives, odd escapes), slices
duplicated (deep nesting, huge lines) and seeds crossed.

    python fuzz/fuzz_loader.py --seconds 25        # Hypothesis (no extra dependency); CI: fuzz/run
    python fuzz/fuzz_loader.py --replay            # only the corpus
    python fuzz/fuzz_loader.py --atheris -- -max_total_time=600   # coverage-guided, if atheris is installed

A failing input is written to fuzz/crashes/ (add it to fuzz/corpus/ once fixed).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("BCC_CACHE_DIR", "")  # the loader never needs a cache here

from rounds import note_failure, run_rounds  # fuzz/rounds.py, beside this file

from bali_corruption_cli import catalog
from bali_corruption_cli.model import layout

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
CRASHES = HERE / "crashes"
COLLECTIONS = list(layout.COLLECTIONS)
SLOW_SECONDS = 10.0

# Fragments of YAML syntax (and of trouble) that mutations splice in.
TOKENS = [
    b"&a ",
    b"*a",
    b"<<: *a",
    b"!!python/object/apply:os.system [id]",
    b"!!python/name:os.system",
    b"!x ",
    b"!!int ",
    b"!!float ",
    b"!!bool ",
    b"!!timestamp ",
    b"!!binary ",
    b"!!set ",
    b"!!omap ",
    b"!!str ",
    b"[",
    b"]",
    b"{",
    b"}",
    b", ",
    b": ",
    b"- ",
    b"? ",
    b"|",
    b">-",
    b"'",
    b'"',
    b"#",
    b"\\",
    b"\t",
    b"\n",
    b"\r\n",
    b"\x00",
    b"\xef\xbb\xbf",
    b"\xff",
    b"\xc3",
    b"---\n",
    b"...\n",
    b"%YAML 1.1\n",
    b"%TAG ! !\n",
    b"2023-02-30",
    b"0x" + b"f" * 40,
    b"9" * 5000,
    b".nan",
    b"~",
    b"null",
    b"yes",
    b"=",
    b"\\e]0;x\\a",
    b"id",
    b"id: ",
    b"sources: []",
    b"text: ",
    b"kind: ",
    b"\xe2\x80\xae",
    b"\x1b[2J",
]


class Slow(Exception):
    """An input that took too long: a denial of service."""


def check_one(collection: str, data: bytes) -> None:
    """The fuzz target: raises if the loader misbehaves on this input."""
    path = Path("fuzz") / layout.COLLECTIONS[collection][0]
    started = time.monotonic()
    built, problems = catalog._build([catalog._File(collection, path, data)])
    elapsed = time.monotonic() - started
    if elapsed > SLOW_SECONDS:
        raise Slow(f"{len(data)} bytes took {elapsed:.1f} s")
    errors = [p for p in problems if p.severity == "error"]
    assert (built is None) == bool(errors), (built is None, errors)
    for problem in problems:
        assert isinstance(problem, catalog.Problem), problem
        assert problem.file == str(path), problem
        assert problem.line is None or problem.line >= 1, problem
        str(problem)


def load_corpus(directory: Path = CORPUS) -> list[tuple[str, bytes]]:
    seeds = []
    for entry in sorted(directory.iterdir()):
        if entry.is_file():
            collection = entry.name.split("--", 1)[0]
            seeds.append((collection if collection in COLLECTIONS else "quotes", entry.read_bytes()))
    return seeds


def save_crash(collection: str, data: bytes) -> Path:
    CRASHES.mkdir(exist_ok=True)
    path = CRASHES / f"{collection}--crash-{hashlib.sha1(data).hexdigest()[:12]}.yaml"
    path.write_bytes(data)
    return path


def replay(seeds: list[tuple[str, bytes]]) -> int:
    failures = 0
    for collection, data in seeds:
        for target in dict.fromkeys([collection, "events", "stakeholders"]):
            try:
                check_one(target, data)
            except Exception as exc:  # report every failing seed, then fail
                failures += 1
                print(f"FAIL {target}: {type(exc).__name__}: {exc}  ({save_crash(target, data)})")
    return failures


# ---------------------------------------------------------------- Hypothesis


def hypothesis_fuzz(seeds: list[tuple[str, bytes]], seconds: float) -> int:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    @st.composite
    def inputs(draw: st.DrawFn) -> tuple[str, bytes]:
        collection, seed = draw(st.sampled_from(seeds))
        data = bytearray(seed)
        for _ in range(draw(st.integers(1, 8))):
            op = draw(st.sampled_from(["flip", "insert", "token", "delete", "duplicate", "cross"]))
            at = draw(st.integers(0, len(data)))
            if op == "flip" and data:
                data[min(at, len(data) - 1)] ^= 1 << draw(st.integers(0, 7))
            elif op == "insert":
                data[at:at] = draw(st.binary(min_size=1, max_size=8))
            elif op == "token":
                data[at:at] = draw(st.sampled_from(TOKENS))
            elif op == "delete":
                del data[at : at + draw(st.integers(1, 64))]
            elif op == "duplicate":
                piece = bytes(data[at : at + draw(st.integers(1, 64))])
                data[at:at] = piece * draw(st.integers(1, 200))
            elif op == "cross":
                other = draw(st.sampled_from(seeds))[1]
                cut = draw(st.integers(0, len(other)))
                data[at:] = other[cut:]
        if draw(st.integers(0, 3)) == 0:
            collection = draw(st.sampled_from(COLLECTIONS))
        return collection, bytes(data)

    failing: dict[str, tuple[str, bytes]] = {}  # distinct failure -> its smallest input so far

    @settings(
        max_examples=300,
        deadline=timedelta(seconds=SLOW_SECONDS * 2),
        database=None,
        suppress_health_check=list(HealthCheck),
        print_blob=True,
    )
    @given(inputs())
    def fuzz(case: tuple[str, bytes]) -> None:
        try:
            check_one(*case)
        except BaseException as exc:
            note_failure(failing, exc, case)  # shrinking: the smallest input of each failure
            raise

    return run_rounds(
        fuzz,
        failing,
        lambda case: save_crash(*case),
        seconds,
        lambda rounds: f"fuzzed the loader: {rounds * 300} inputs in {seconds:.0f} s, no failure",
    )


# ---------------------------------------------------------------- Atheris


def atheris_fuzz(seeds: list[tuple[str, bytes]], libfuzzer_args: list[str]) -> int:
    import atheris  # type: ignore[import-not-found]
    import pydantic  # noqa: F401
    import yaml  # noqa: F401

    from bali_corruption_cli.model import models  # noqa: F401

    atheris.instrument_all()  # every Python function loaded so far: bcc's, PyYAML's, Pydantic's

    def test_one(data: bytes) -> None:
        if data:
            check_one(COLLECTIONS[data[0] % len(COLLECTIONS)], data[1:])

    corpus = Path(tempfile.mkdtemp(prefix="bcc-fuzz-corpus-"))  # libFuzzer adds what it finds here
    print(f"atheris corpus: {corpus} (crashes are written to the current directory)")
    for n, (collection, data) in enumerate(seeds):  # first byte: which collection
        (corpus / f"seed-{n}").write_bytes(bytes([COLLECTIONS.index(collection)]) + data)
    atheris.Setup([sys.argv[0], *libfuzzer_args, str(corpus)], test_one)
    atheris.Fuzz()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=25.0, help="how long to fuzz (default 25)")
    parser.add_argument("--replay", action="store_true", help="only check the corpus")
    parser.add_argument("--atheris", action="store_true", help="coverage-guided, with atheris (libFuzzer)")
    parser.add_argument(
        "libfuzzer", nargs="*", help="options for libFuzzer (after --), e.g. -max_total_time=60"
    )
    args = parser.parse_args()
    seeds = load_corpus()
    failures = replay(seeds)
    print(f"replayed {len(seeds)} corpus inputs: {failures} failure(s)")
    if failures or args.replay:
        return 1 if failures else 0
    if args.atheris:
        return atheris_fuzz(seeds, args.libfuzzer or [f"-max_total_time={int(args.seconds)}"])
    return hypothesis_fuzz(seeds, args.seconds)


if __name__ == "__main__":
    sys.exit(main())
