"""How each bcc command scales with the size of the catalogue: 1k, 10k and 100k practices.

    python bench/scale.py [--sizes 1000,10000,100000] [--runs 5] [--cold-runs 1] [--keep DIR]
                          [--commands NAME,...] [--markdown] [--workers N]

Standard library only.  For each size it writes a synthetic catalogue with
bench/generate.py (or reuses DIR/catN with --keep), then runs every command of
COMMANDS (``--commands`` picks some by name; ``--commands list`` lists them) as
``bcc --data-dir DIR ...``:

* warm, the median of --runs runs once the cache is written (each size has a cache
  directory of its own), every size and every command taken in turn (one run of each,
  --runs times, so that a noisy neighbour, or a load that changes while the benchmark
  runs, hits all of them alike and does not pass for growth):
  ``practices`` (the table piped to /dev/null, and on a pseudo-terminal of 120 x 40
  with ``--no-pager``: the output is read and discarded until the end), ``practices
  --search``, ``search``, ``show``, ``summary``, ``count --by``, ``timeline``,
  ``stages``, ``cite``, ``practices --sector private --json``, and the three exports
  (json to stdout, a csv folder and a sqlite file in the scratch directory, removed
  after each run);
* cold, the first query after an edit (``practices --sector private --json``; each
  round of --cold-runs takes every size in turn too):
  ``cold`` with a new, empty BCC_CACHE_DIR (parse + validate + write the cache) and
  ``cold-edit`` with the warm cache directory after appending a comment line to a copy
  of the catalogue's practices.yaml (the cache key hashes every data file's path, size
  and bytes: touching the mtime would not invalidate it; the copy, in the scratch
  directory, keeps the catalogue given to --keep unchanged; its cache entry is
  written by one untimed run first).

Before any timing, every chosen command runs once, untimed, on the shipped catalogue:
that fills the private pycache of bench.py's base_env for every code path.

Each run gives its seconds and two peaks of memory: the largest single process
(os.wait4()'s ru_maxrss: bcc, or one of the worker processes it forks to read a large
file), and, on Linux, the whole process tree: the sum of every process's PSS
(/proc/PID/smaps_rollup: pages a worker shares with bcc count once), sampled every
250 ms ("-": the run ended before the first sample; reading smaps_rollup walks the
process's pages: every 20 ms it slowed a 100k cold run by about a second).  A run that
exits non-zero is reported with its exit code and last line of stderr, and fails its goal.

The goals, checked at the largest size: <= 1 s for the queries, <= 5 s for the
exports, <= 10 s cold; largest process <= 300 MB, process tree <= 500 MB ("FAIL (s, peak,
tree, exit)" names what missed its goal; "exit": a run failed).  Growth is
the cost per 1,000 extra records between consecutive sizes (equal numbers: linear
growth).  The verdict "superlinear" is given when a size costs more than the straight
line through the two sizes before it, widened by +-20% on each median for noise, or
when a cost grows by a larger factor than the number of records; "linear or better"
needs three sizes.  Exit status 1 when a command failed or a goal is missed at the
largest size.  --workers sets BCC_WORKERS (default: bcc's own choice).
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import itertools
import os
import pty
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import BCC, base_env, machine
from generate import generate

GOALS = {"query": 1.0, "export": 5.0, "cold": 10.0}  # seconds at the largest size, by kind
PEAK_GOAL, TREE_GOAL = 300.0, 500.0  # MB at the largest size: the largest process, the process tree
NOISE = 0.2  # +-20% on a median, for the growth verdict
TTY_SIZE = (40, 120)  # rows, columns of the pseudo-terminal
RECORD = "regulate-financial-institutions"  # a shipped practice, in every generated catalogue
JSON_QUERY = ["practices", "--sector", "private", "--json"]


@dataclass
class Command:
    """One case: a short name, bcc's arguments after ``--data-dir DIR`` ({out}: a path in the
    scratch directory, removed after each run), its kind (query, export, cold, cold-edit)."""

    name: str
    args: list[str]
    kind: str = "query"
    tty: bool = False  # stdout is a pseudo-terminal (else /dev/null)
    exit: int = 0  # the exit code it must end with (an error path: 1 or 2)

    @property
    def goal(self) -> float:
        return GOALS["cold" if self.kind.startswith("cold") else self.kind]

    def shown(self, code: str = "") -> str:
        """The command line (``code``: the quote around it, "`" in Markdown)."""
        where = " (on a terminal)" if self.tty else ""
        return f"{code}bcc " + " ".join(a.replace("{out}", "OUT") for a in self.args) + code + where


COMMANDS = [
    Command("practices", ["practices"]),
    Command("practices-tty", ["--no-pager", "practices"], tty=True),
    Command("practices-search", ["practices", "--search", "migration"]),
    Command("search", ["search", "migration"]),
    Command("show", ["show", RECORD]),
    Command("summary", ["summary"]),
    Command("count", ["count", "practices", "--by", "sectors"]),
    Command("timeline", ["timeline"]),
    Command("stages", ["stages"]),
    Command("cite", ["cite", RECORD]),
    Command("json", JSON_QUERY),
    # the other collections (large with --spread): a filter, a record named by a filter
    Command("events", ["events", "--country", "Thailand"]),
    Command("events-host", ["events", "--host", "unodc", "--json"]),
    Command("stakeholders-role", ["stakeholders", "--role", "host"]),
    # every record another refers to, named for people (25,000 events named at 100,000 spread)
    Command("roles-named", ["stakeholders", "--fields", "id,roles"]),
    Command("funders-named", ["events", "--fields", "id,title,funders"]),
    # error paths, timed like answers: an unknown id (did-you-mean), an unknown record to filter by
    Command("show-unknown", ["show", "nosuchid"], exit=1),
    Command("cite-unknown", ["cite", "nosuchid"], exit=1),
    Command("speaker-unknown", ["quotes", "--speaker", "nosuchperson"], exit=2),
    Command("host-unknown", ["events", "--host", "nosuchhost"], exit=2),
    Command("event-unknown", ["practices", "--event", "nosuchevent"], exit=2),
    Command("export-json", ["export", "--format", "json", "-"], "export"),
    Command("export-csv", ["export", "--format", "csv", "{out}"], "export"),
    Command("export-sqlite", ["export", "--format", "sqlite", "{out}"], "export"),
    Command("cold", JSON_QUERY, "cold"),
    Command("cold-edit", JSON_QUERY, "cold-edit"),
]


@dataclass
class Runs:
    """Timed runs of one command at one size: seconds, largest process's peak, tree's peak."""

    seconds: list[float] = field(default_factory=list)
    rss: list[float] = field(default_factory=list)
    tree: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # "exit N: last stderr line"

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def peak(self) -> float:
        return max(self.rss)

    @property
    def tree_peak(self) -> float:
        return max(self.tree)  # 0.0: never sampled


@dataclass
class Result:
    size: int
    yaml_mb: float
    cache_mb: float = 0.0
    runs: dict[str, Runs] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def run(self, command: Command, argv: list[str], env: dict[str, str], scratch: Path) -> None:
        """One timed run of ``command`` (argv: its whole command line)."""
        out = scratch / "out"
        argv = [a.replace("{out}", str(out)) for a in argv]
        try:
            seconds, rss, tree, code, err = timed(argv, env, scratch, command.tty)
        finally:
            if out.is_dir():
                shutil.rmtree(out)
            else:
                out.unlink(missing_ok=True)
        runs = self.runs.setdefault(command.name, Runs())
        runs.seconds.append(seconds)
        runs.rss.append(rss)
        runs.tree.append(tree)
        if code != command.exit:
            runs.failures.append(f"exit {code}: {err}")


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


def drain(fd: int) -> None:
    """Read and discard a pseudo-terminal's output until its other end is closed."""
    with contextlib.suppress(OSError):  # EIO: every writer has closed the terminal (Linux)
        while os.read(fd, 1 << 16):
            pass


def timed(
    argv: list[str], env: dict[str, str], scratch: Path, tty: bool = False
) -> tuple[float, float, float, int, str]:
    """(seconds, peak RSS of its largest process in MB, peak of its tree in MB (0: not measured),
    exit code, last stderr line) of one child process; its stdout is /dev/null, or with ``tty``
    a pseudo-terminal of TTY_SIZE whose output is read and discarded."""
    reader: threading.Thread | None = None
    stdout: int = subprocess.DEVNULL
    if tty:
        master, stdout = pty.openpty()
        fcntl.ioctl(stdout, termios.TIOCSWINSZ, struct.pack("HHHH", *TTY_SIZE, 0, 0))
        reader = threading.Thread(target=drain, args=(master,), daemon=True)
        reader.start()
    with tempfile.TemporaryFile(dir=scratch) as err:
        try:
            start = time.perf_counter()
            proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=stdout, stderr=err)
        finally:
            if tty:
                os.close(stdout)  # the child holds the terminal now: EOF comes when it exits
        sampler = TreeSampler(proc.pid)
        if sys.platform.startswith("linux"):
            sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        sampler.done.set()
        if sampler.is_alive():
            sampler.join()
        if reader is not None:
            reader.join()
            os.close(master)
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        lines = err.read().decode(errors="replace").strip().splitlines()
    rss_mb = usage.ru_maxrss / 1024 if sys.platform != "darwin" else usage.ru_maxrss / 1024 / 1024
    return elapsed, rss_mb, sampler.peak, proc.returncode, lines[-1] if lines else ""


def measure(
    sizes: list[int],
    root: Path,
    scratch: Path,
    runs: int,
    cold_runs: int,
    commands: list[Command],
    env: dict[str, str],
    spread: bool = False,
) -> list[Result]:
    """Every command at every size; each round of runs takes every size in turn (and, warm,
    every command), so that a noisy neighbour, or a load that changes during the benchmark,
    hits all sizes alike instead of biasing the growth from one size to the next."""
    results, datas, envs = [], [], []
    for size in sizes:
        data = root / f"{'spread' if spread else 'cat'}{size}"
        if not (data / "practices.yaml").exists():
            generate(size, data, spread=spread)
        results.append(Result(size, (data / "practices.yaml").stat().st_size / 1e6))
        datas.append(data)
        envs.append({**env, "BCC_CACHE_DIR": str(scratch / f"cache{size}")})  # one cache for each size

    def bcc(command: Command, data: Path) -> list[str]:
        return [BCC, "--data-dir", str(data), *command.args]

    def cache(n: int) -> Path:
        return Path(envs[n]["BCC_CACHE_DIR"])

    def untimed(n: int, data: Path) -> None:
        subprocess.run(
            [BCC, "--data-dir", str(data), *JSON_QUERY],
            env=envs[n],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    by_kind = {kind: [c for c in commands if c.kind == kind] for kind in ("cold", "cold-edit")}
    for command in by_kind["cold"]:
        for _ in range(cold_runs):
            for n, result in enumerate(results):
                shutil.rmtree(cache(n), ignore_errors=True)
                result.run(command, bcc(command, datas[n]), envs[n], scratch)
    entries = []
    for n, result in enumerate(results):
        if not list(cache(n).glob("catalog-*")):  # no cold run wrote it
            untimed(n, datas[n])
        entries.append(list(cache(n).glob("catalog-*")))
        result.cache_mb = sum(p.stat().st_size for p in entries[n]) / 1e6
    warm = [c for c in commands if not c.kind.startswith("cold")]
    for _ in range(runs):
        for n, result in enumerate(results):
            for command in warm:
                result.run(command, bcc(command, datas[n]), envs[n], scratch)
    for n, result in enumerate(results):
        if len(list(cache(n).glob("catalog-*"))) != len(entries[n]):
            result.warnings.append(
                "the cache key changed during the warm runs (source edited?): warm times include rebuilds"
            )
    for command in by_kind["cold-edit"]:
        edited = [scratch / f"edited{size}" for size in sizes]
        try:
            for n, copy in enumerate(edited):
                shutil.copytree(datas[n], copy)  # the catalogue itself is never edited
                untimed(n, copy)  # this copy's cache entry: the cache is warm before the edit
            for k in range(cold_runs):
                for n, (result, copy) in enumerate(zip(results, edited, strict=True)):
                    with (copy / "practices.yaml").open("a", encoding="utf-8") as fh:
                        fh.write(f"# bench/scale.py: edit {k + 1}\n")
                    result.run(command, bcc(command, copy), envs[n], scratch)
        finally:
            for copy in edited:
                shutil.rmtree(copy, ignore_errors=True)
    return results


def warm_up(commands: list[Command], env: dict[str, str], scratch: Path) -> None:
    """Fill the private pycache for every code path to be timed: each command once, untimed,
    on the shipped catalogue, after a cold run (with a cache directory of its own)."""
    env = {**env, "BCC_CACHE_DIR": str(scratch / "warm-up-cache")}
    for command in [COMMANDS[-1], *commands]:
        out = scratch / "out"
        argv = [BCC, *(a.replace("{out}", str(out)) for a in command.args)]
        timed(argv, env, scratch, command.tty)  # a terminal (colour) may import more
        if out.is_dir():
            shutil.rmtree(out)
        else:
            out.unlink(missing_ok=True)
    shutil.rmtree(scratch / "warm-up-cache", ignore_errors=True)


def growth(values: list[tuple[int, float]]) -> str:
    """The verdict on a cost measured at increasing sizes (see the module's docstring)."""
    if any(v <= 0 for _, v in values):
        return "-"
    for (a, va), (b, vb) in itertools.pairwise(values):
        if vb * (1 - NOISE) > va * (1 + NOISE) * b / a:
            return "superlinear"
    if len(values) < 3:
        return "-"
    for (a, va), (b, vb), (c, vc) in zip(values, values[1:], values[2:], strict=False):
        slope = (vb * (1 + NOISE) - va * (1 - NOISE)) / (b - a)  # the steepest line the noise allows
        if vc * (1 - NOISE) > vb * (1 + NOISE) + slope * (c - b):
            return "superlinear"
    return "linear or better"


def table(head: tuple[str, ...], rows: list[tuple[str, ...]], markdown: bool, left: int = 1) -> None:
    """Print a table: its first ``left`` columns aligned left, the others right."""
    if markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + " --- |" * left + " --: |" * (len(head) - left))
        for row in rows:
            print("| " + " | ".join(c.replace("|", "\\|") for c in row) + " |")
    else:
        widths = [max(len(r[i]) for r in (head, *rows)) for i in range(len(head))]
        for row in (head, *rows):
            print(
                "  ".join(
                    c.ljust(w) if i < left else c.rjust(w)
                    for i, (c, w) in enumerate(zip(row, widths, strict=True))
                ).rstrip()
            )
    print()


def report(results: list[Result], commands: list[Command], markdown: bool) -> bool:
    def mb(value: float) -> str:
        return f"{value:.0f}" if value else "-"

    def seconds(runs: Runs) -> str:
        return runs.failures[0].split(":")[0] if runs.failures else f"{runs.median:.3f}"

    print(
        "catalogues: "
        + "; ".join(f"{r.size:,}: YAML {r.yaml_mb:.1f} MB, cache {r.cache_mb:.1f} MB" for r in results)
    )
    print()
    head: tuple[str, ...] = (
        "command",
        "practices",
        "runs",
        "median s",
        "peak MB",
        "tree MB",
        "+ms / 1,000",
        "+MB / 1,000",
    )
    rows: list[tuple[str, ...]] = []
    verdicts: dict[str, tuple[str, str]] = {}
    for command in commands:
        measured = [(r.size, r.runs[command.name]) for r in results if command.name in r.runs]
        for n, (size, runs) in enumerate(measured):
            per_s = per_mb = ""
            if n:
                before, prior = measured[n - 1]
                extra = (size - before) / 1000
                if not (runs.failures or prior.failures):  # a failed run's time means nothing
                    per_s = f"{(runs.median - prior.median) / extra * 1000:+.1f}"
                per_mb = f"{(runs.peak - prior.peak) / extra:+.2f}"
            label = command.name if n == 0 else ""
            rows.append(
                (
                    label,
                    f"{size:,}",
                    str(len(runs.seconds)),
                    seconds(runs),
                    mb(runs.peak),
                    mb(runs.tree_peak),
                    per_s,
                    per_mb,
                )
            )
        verdicts[command.name] = (
            growth([(s, r.median) for s, r in measured if not r.failures]),
            growth([(s, r.peak) for s, r in measured]),
        )
    table(head, rows, markdown)
    print("(+ms, +MB / 1,000: the cost of 1,000 more practices since the size above; equal numbers = linear)")
    print()

    last = results[-1]
    ok = True
    head = ("command", "median s", "goal s", "peak MB", "tree MB", "growth (time, peak)", "verdict")
    rows = []
    failures = []
    for command in commands:
        if command.name not in last.runs:
            continue
        runs = last.runs[command.name]
        missed = [
            what
            for what, fails in (
                ("exit", bool(runs.failures)),
                ("s", runs.median > command.goal),
                ("peak", runs.peak > PEAK_GOAL),
                ("tree", runs.tree_peak > TREE_GOAL),
            )
            if fails
        ]
        passed = not missed
        ok &= passed
        time_growth, peak_growth = verdicts[command.name]
        rows.append(
            (
                command.name,
                seconds(runs),
                f"{command.goal:g}",
                mb(runs.peak),
                mb(runs.tree_peak),
                f"{time_growth}, {peak_growth}",
                "pass" if passed else f"FAIL ({', '.join(missed)})",
            )
        )
        failures += [f"{last.size:,}: {command.name}: {f}" for f in runs.failures]
    print(
        f"goals at {last.size:,} practices (largest process <= {PEAK_GOAL:g} MB, tree <= {TREE_GOAL:g} MB):"
    )
    print()
    table(head, rows, markdown)
    table(
        ("name", "command"),
        [(c.name, c.shown("`" if markdown else "")) for c in commands],
        markdown,
        left=2,
    )
    for r in results:
        for command in commands:
            if r is not last and command.name in r.runs:
                failures += [f"{r.size:,}: {command.name}: {f}" for f in r.runs[command.name].failures]
        for warning in r.warnings:
            print(f"warning: {r.size:,}: {warning}", file=sys.stderr)
    for failure in failures:
        print(f"failed: {failure}", file=sys.stderr)
    return ok and not failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated practice counts")
    parser.add_argument("--runs", type=int, default=5, help="warm runs per size (default 5)")
    parser.add_argument("--cold-runs", type=int, default=1, help="cold runs per size and kind (default 1)")
    parser.add_argument("--keep", type=Path, help="write (and reuse) the catalogues in this directory")
    parser.add_argument(
        "--commands", help="comma-separated names of the commands to run (default: all; 'list' lists them)"
    )
    parser.add_argument("--markdown", action="store_true", help="print the tables as Markdown")
    parser.add_argument("--keep-env", action="store_true", help="see bench.py --keep-env")
    parser.add_argument("--workers", help="BCC_WORKERS for bcc (default: unset, bcc decides)")
    parser.add_argument(
        "--spread",
        action="store_true",
        help="spread each size's records over practices, events and stakeholders (generate.py --spread)",
    )
    args = parser.parse_args(argv)
    names = {c.name: c for c in COMMANDS}
    if args.commands == "list":
        for command in COMMANDS:
            print(f"{command.name:17s} {command.kind:9s} {command.shown()}")
        return 0
    chosen = [n.strip() for n in args.commands.split(",") if n.strip()] if args.commands else list(names)
    unknown = [n for n in chosen if n not in names]
    if unknown or not chosen:
        print(
            f"scale: unknown command {', '.join(unknown)}; choose among {', '.join(names)}", file=sys.stderr
        )
        return 2
    commands = [c for c in COMMANDS if c.name in chosen]
    try:
        sizes = sorted({int(s) for s in args.sizes.split(",") if s})
    except ValueError:
        sizes = []
    if not sizes or min(sizes) < 1 or args.runs < 1 or args.cold_runs < 1:
        print("scale: --sizes, --runs and --cold-runs take positive whole numbers", file=sys.stderr)
        return 2
    if not Path(BCC).exists():
        print(f"scale: no bcc next to {sys.executable}; run with the venv's python", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="bcc-scale-") as tmp:
        scratch = Path(tmp)
        root = args.keep or scratch
        env = base_env(scratch, args.keep_env)
        if args.workers:
            env["BCC_WORKERS"] = args.workers
        env.pop("LINES", None)  # the terminal's size is the pseudo-terminal's
        env.setdefault("TERM", "xterm-256color")
        warm_up(commands, env, scratch)
        results = measure(sizes, root, scratch, args.runs, args.cold_runs, commands, env, args.spread)
        workers = args.workers or "bcc's choice"
        print(
            f"{machine()}; warm = median of {args.runs}, cold = median of {args.cold_runs}; "
            f"BCC_WORKERS = {workers}; bcc = {BCC}"
        )
        print()
        ok = report(results, commands, args.markdown)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
