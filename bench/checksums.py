"""Cost of checking a cache entry: candidate checksums over its sections, and the record
shape check, on one entry (written by a run of bcc: see bench/README.md).

    python bench/checksums.py CACHE_FILE [--runs 5]
"""

from __future__ import annotations

import argparse
import hashlib
import marshal
import time
import zlib
from collections.abc import Callable
from pathlib import Path

from bali_corruption_cli.store import cache


def _best(fn: Callable[[], object], runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("entry", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    data = args.entry.read_bytes()
    reader = cache.Reader(args.entry)
    practices = reader.sections["practices"]
    json_where = practices["json"]
    parts = {
        "whole file": data,
        "practices: marshal chunks": b"".join(data[s : s + n] for s, n, *_ in practices["chunks"]),
        "practices: JSON": data[json_where[0] : json_where[0] + json_where[1]],
    }
    candidates: dict[str, Callable[[bytes], object]] = {
        "zlib.crc32": zlib.crc32,
        "zlib.adler32": zlib.adler32,
        "blake2b(16)": lambda b: hashlib.blake2b(b, digest_size=16).digest(),
        "sha256": lambda b: hashlib.sha256(b).digest(),
    }
    print(f"entry: {len(data) / 1e6:.1f} MB, {practices['count']:,} practices; best of {args.runs}")
    print("| bytes | MB | " + " | ".join(f"{name} ms" for name in candidates) + " |")
    print("|---|--:|" + "--:|" * len(candidates))
    for label, blob in parts.items():
        cells = [f"{_best(lambda f=f, b=blob: f(b), args.runs) * 1000:.1f}" for f in candidates.values()]
        print(f"| {label} | {len(blob) / 1e6:.1f} | " + " | ".join(cells) + " |")
    chunks = [data[s : s + n] for s, n, *_ in practices["chunks"]]
    decode = _best(lambda: [marshal.loads(c) for c in chunks], args.runs)
    records = [r for c in chunks for r in marshal.loads(c)]
    fields = reader.fields["practices"]
    shape = _best(lambda: cache.check_records(records, fields, len(data)), args.runs)
    print(f"\nmarshal decode of the practices: {decode * 1000:.1f} ms; shape check: {shape * 1000:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
