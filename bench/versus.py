"""Start-up of two bcc installs side by side: the same commands, alternating, N runs each.

Paired runs (one of each in turn) keep a noisy machine from favouring either side:
  python bench/versus.py OLD/.venv/bin/bcc NEW/.venv/bin/bcc --runs 25
Each install answers from its own data; both share a warmed private cache folder.
Standard library only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time

CASES = {
    "--help": ["--help"],
    "practices --json": ["practices", "--sector", "private", "--json"],
    "practices (table)": ["practices", "--sector", "private"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bcc-versus-") as cache:
        env = dict(os.environ, BCC_CACHE_DIR=cache)
        sides = {"old": args.old, "new": args.new}
        times: dict[tuple[str, str], list[float]] = {(s, c): [] for s in sides for c in CASES}
        for _ in range(2):  # warm the cache and the byte-code
            for bcc in sides.values():
                for argv in CASES.values():
                    subprocess.run([bcc, *argv], env=env, stdout=subprocess.DEVNULL, check=True)
        for _ in range(args.runs):
            for case, argv in CASES.items():
                for side, bcc in sides.items():
                    start = time.perf_counter()
                    subprocess.run([bcc, *argv], env=env, stdout=subprocess.DEVNULL, check=True)
                    times[(side, case)].append(time.perf_counter() - start)
    print(f"| case | old min | old median | new min | new median |  ({args.runs} paired runs)")
    print("|---|--:|--:|--:|--:|")
    for case in CASES:
        old, new = times[("old", case)], times[("new", case)]
        print(
            f"| {case} | {min(old) * 1000:.0f} ms | {statistics.median(old) * 1000:.0f} ms "
            f"| {min(new) * 1000:.0f} ms | {statistics.median(new) * 1000:.0f} ms |"
        )


if __name__ == "__main__":
    main()
