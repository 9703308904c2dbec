"""How bcc scales with the size of the catalogue: 1k, 10k and 100k practices.

    python bench/scale.py [--sizes 1000,10000,100000] [--runs 5] [--cold-runs 1] [--keep DIR]

Standard library only.  For each size it writes a synthetic catalogue with
bench/generate.py, then times ``bcc --data-dir DIR practices --sector private
--json`` (stdout to /dev/null):

* cold: the first query with a new, empty BCC_CACHE_DIR (parse + validate + write the cache);
* warm: the median of --runs repeated queries once the cache is written;

and two peaks of memory: the largest single process (os.wait4()'s ru_maxrss: bcc, or
one of the worker processes it forks to read a large file), and, on Linux, the whole
process tree: the sum of every process's PSS (/proc/PID/smaps_rollup: pages a worker
shares with bcc count once), sampled every 250 ms (reading smaps_rollup walks the
process's pages: every 20 ms it slowed a 100k cold run by about a second).  The goals
at 100k: warm <= 1 s, cold <= 10 s, peak <= 300 MB (the larger of the two peaks).
--workers sets BCC_WORKERS (default: bcc's own choice).  Growth is reported as the
cost per 1,000 extra records between consecutive sizes: equal numbers mean linear
growth.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import BCC, base_env, machine
from generate import generate

GOALS = {"warm": 1.0, "cold": 10.0, "peak": 300.0}  # seconds, seconds, MB at the largest size


@dataclass
class Runs:
    """Timed runs of one kind (cold or warm): seconds, largest process's peak, tree's peak."""

    seconds: list[float] = field(default_factory=list)
    rss: list[float] = field(default_factory=list)
    tree: list[float] = field(default_factory=list)


@dataclass
class Result:
    size: int
    yaml_mb: float
    cache_mb: float = 0.0
    cold: Runs = field(default_factory=Runs)
    warm: Runs = field(default_factory=Runs)
    failures: list[str] = field(default_factory=list)

    def run(self, kind: str, argv: list[str], env: dict[str, str], scratch: Path) -> None:
        """One timed run of bcc, recorded as a ``kind`` ("cold" or "warm") one."""
        seconds, rss, tree, code, err = timed(argv, env, scratch)
        runs: Runs = getattr(self, kind)
        runs.seconds.append(seconds)
        runs.rss.append(rss)
        runs.tree.append(tree)
        if code:
            self.failures.append(f"{kind}: exit {code}: {err}")

    @property
    def peak(self) -> float:
        """The larger of the largest process's peak and the sampled process tree's."""
        return max(self.cold.tree + self.warm.tree + self.cold.rss + self.warm.rss)


def tree_pss_mb(pid: int) -> float:
    """Sum of PSS over pid and its descendants (Linux); 0 where /proc cannot tell."""
    pids, total_kb = [pid], 0
    for current in pids:  # grows as children are found
        with contextlib.suppress(OSError, ValueError):
            pids += [int(c) for c in Path(f"/proc/{current}/task/{current}/children").read_text().split()]
    for current in pids:
        with contextlib.suppress(OSError, ValueError, IndexError):
            for line in Path(f"/proc/{current}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total_kb += int(line.split()[1])
    return total_kb / 1024


class TreeSampler(threading.Thread):
    """Peak of tree_pss_mb(pid) every 250 ms until stopped."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, 0.0, threading.Event()

    def run(self) -> None:
        # The first sample after 250 ms: a run shorter than that has no tree figure ("-").
        while not self.done.wait(0.25):
            self.peak = max(self.peak, tree_pss_mb(self.pid))


def timed(argv: list[str], env: dict[str, str], scratch: Path) -> tuple[float, float, float, int, str]:
    """(seconds, peak RSS of its largest process in MB, peak of its tree in MB (0: not measured),
    exit code, last stderr line) of one child process."""
    with tempfile.TemporaryFile(dir=scratch) as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err
        )
        sampler = TreeSampler(proc.pid)
        if sys.platform.startswith("linux"):
            sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        sampler.done.set()
        if sampler.is_alive():
            sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        lines = err.read().decode(errors="replace").strip().splitlines()
    rss_mb = usage.ru_maxrss / 1024 if sys.platform != "darwin" else usage.ru_maxrss / 1024 / 1024
    return elapsed, rss_mb, sampler.peak, proc.returncode, lines[-1] if lines else ""


def measure(
    size: int, root: Path, scratch: Path, runs: int, cold_runs: int, keep_env: bool, workers: str | None
) -> Result:
    data = root / f"cat{size}"
    if not (data / "practices.yaml").exists():
        generate(size, data)
    result = Result(size, (data / "practices.yaml").stat().st_size / 1e6)
    argv = [BCC, "--data-dir", str(data), "practices", "--sector", "private", "--json"]
    env = base_env(scratch, keep_env)
    if workers:
        env["BCC_WORKERS"] = workers
    subprocess.run([BCC, "--help"], env=env, stdout=subprocess.DEVNULL)  # fill the private pycache
    cache = Path(env["BCC_CACHE_DIR"])
    for _ in range(cold_runs):
        shutil.rmtree(cache, ignore_errors=True)
        result.run("cold", argv, env, scratch)
    entries = list(cache.glob("catalog-*"))
    result.cache_mb = sum(p.stat().st_size for p in entries) / 1e6
    for _ in range(runs):
        result.run("warm", argv, env, scratch)
    if len(list(cache.glob("catalog-*"))) != len(entries):
        result.failures.append(
            "the cache key changed during the warm runs (source edited?): warm times include rebuilds"
        )
    return result


def report(results: list[Result], markdown: bool) -> bool:
    head = (
        "practices",
        "YAML MB",
        "cache MB",
        "cold s",
        "cold peak MB",
        "cold tree MB",
        "warm s (median)",
        "warm peak MB",
        "warm tree MB",
    )
    rows = [
        (
            f"{r.size:,}",
            f"{r.yaml_mb:.1f}",
            f"{r.cache_mb:.1f}",
            f"{statistics.median(r.cold.seconds):.2f}",
            f"{max(r.cold.rss):.0f}",
            f"{max(r.cold.tree):.0f}" if max(r.cold.tree) else "-",
            f"{statistics.median(r.warm.seconds):.3f}",
            f"{max(r.warm.rss):.0f}",
            f"{max(r.warm.tree):.0f}" if max(r.warm.tree) else "-",
        )
        for r in results
    ]
    if markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "--:|" * len(head))
        for row in rows:
            print("| " + " | ".join(row) + " |")
    else:
        widths = [max(len(r[i]) for r in (head, *rows)) for i in range(len(head))]
        for row in (head, *rows):
            print("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)))
    print()
    for a, b in itertools.pairwise(results):
        extra = (b.size - a.size) / 1000
        per_cold = (statistics.median(b.cold.seconds) - statistics.median(a.cold.seconds)) / extra
        per_warm = (statistics.median(b.warm.seconds) - statistics.median(a.warm.seconds)) / extra
        per_rss = (b.peak - a.peak) / extra
        print(
            f"{a.size:>7,} -> {b.size:>7,}: per 1,000 more practices: cold +{per_cold * 1000:.0f} ms, "
            f"warm +{per_warm * 1000:.1f} ms, peak +{per_rss:.1f} MB"
        )
    print("(equal numbers per 1,000 between the rows = linear growth)")
    for r in results:
        for failure in r.failures:
            print(f"warning: {r.size}: {failure}", file=sys.stderr)
    last = results[-1]
    checks = [
        ("warm (repeated) query", statistics.median(last.warm.seconds), GOALS["warm"], "s"),
        ("cold first query", statistics.median(last.cold.seconds), GOALS["cold"], "s"),
        ("peak memory", last.peak, GOALS["peak"], "MB"),
    ]
    ok = not any(r.failures for r in results)
    print(f"\ngoals at {last.size:,} practices:")
    for name, value, goal, unit in checks:
        passed = value <= goal
        ok &= passed
        print(f"  {name:22s} {value:8.2f} {unit:2s} <= {goal:g} {unit}: {'pass' if passed else 'FAIL'}")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated practice counts")
    parser.add_argument("--runs", type=int, default=5, help="warm runs per size (default 5)")
    parser.add_argument("--cold-runs", type=int, default=1, help="cold runs per size (default 1)")
    parser.add_argument("--keep", type=Path, help="write (and reuse) the catalogues in this directory")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--keep-env", action="store_true", help="see bench.py --keep-env")
    parser.add_argument("--workers", help="BCC_WORKERS for bcc (default: unset, bcc decides)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    if not Path(BCC).exists():
        print(f"scale: no bcc next to {sys.executable}; run with the venv's python", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="bcc-scale-") as tmp:
        scratch = Path(tmp)
        root = args.keep or scratch
        results = [
            measure(n, root, scratch, args.runs, args.cold_runs, args.keep_env, args.workers) for n in sizes
        ]
        workers = args.workers or "bcc's choice"
        print(f"{machine()}; warm = median of {args.runs}; BCC_WORKERS = {workers}; bcc = {BCC}")
        ok = report(results, args.markdown)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
