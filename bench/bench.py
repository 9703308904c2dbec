"""Start-up benchmark of bcc against bare Python and its heavy imports.

    python bench/bench.py [--runs N] [--markdown]

Standard library only.  Uses the interpreter that runs it (sys.executable) and
the ``bcc`` script installed next to it, so run it with the project's venv:
``/work/venv/bin/python bench/bench.py``.  Every case is a fresh process timed
with time.perf_counter() around subprocess.run(); the cases are run round-robin
(one run of each, N times) so that noise from a shared machine falls on all of
them alike, and the median of the N runs is reported with its ratio to the
median of ``python -c pass``.

The cache is a temporary BCC_CACHE_DIR, warmed before timing; the "cold" case
gets a new empty cache directory for every run.

Byte-code: an installed wheel has .pyc files, but with PYTHONDONTWRITEBYTECODE=1
(set on the development machines) an editable install compiles bcc's own
modules from source at every start (measured: +30 ms or more).  So by default the
children get a private PYTHONPYCACHEPREFIX in the scratch directory (nothing is
written into the checkout) and PYTHONDONTWRITEBYTECODE is dropped; the untimed
warm-up runs fill it.  ``--keep-env`` runs with the environment as it is.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

PY = sys.executable
BCC = str(Path(PY).parent / ("bcc.exe" if os.name == "nt" else "bcc"))
QUERY = ["practices", "--sector", "private"]
COMPLETE = {"_BCC_COMPLETE": "complete_bash", "COMP_WORDS": "bcc practices --sector ", "COMP_CWORD": "2"}


@dataclass
class Case:
    label: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    goal: float | None = None  # maximum ratio to `python -c pass`
    cold: bool = False  # a new, empty BCC_CACHE_DIR for every run
    times: list[float] = field(default_factory=list)
    codes: set[int] = field(default_factory=set)
    stderr: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def cases() -> list[Case]:
    return [
        Case("python -c pass", [PY, "-c", "pass"]),
        Case("python -c 'import typer'", [PY, "-c", "import typer"]),
        Case("python -c 'import pydantic'", [PY, "-c", "import pydantic"]),
        Case("python -c 'import rich.console, rich.table'", [PY, "-c", "import rich.console, rich.table"]),
        Case("python -c 'import yaml'", [PY, "-c", "import yaml"]),
        Case("bcc practices --sector private --json", [BCC, *QUERY, "--json"], goal=7),
        Case("bcc practices --sector private (table)", [BCC, *QUERY], goal=11),
        Case("  same, COLUMNS=100", [BCC, *QUERY], {"COLUMNS": "100"}, goal=11),
        Case("bcc --help", [BCC, "--help"], goal=7),
        Case("completion (_BCC_COMPLETE=complete_bash)", [BCC], COMPLETE, goal=7),
        # --country: a catalogue spelling never loads the ISO list; another country does (pycountry).
        Case("bcc events --country vn --json", [BCC, "events", "--country", "vn", "--json"], goal=7),
        Case("bcc events --country Cambodia --json", [BCC, "events", "--country", "Cambodia", "--json"]),
        Case("cold: --json, empty cache", [BCC, *QUERY, "--json"], cold=True),
    ]


def design_cases() -> list[Case]:
    """--design: what the lazy imports and the JSON cache are worth (same code, run as python -c)."""
    run = "from bali_corruption_cli.cli import main; main()"
    eager = "import pydantic, yaml, rich.console, rich.table; " + run
    return [
        Case("design: --json via python -c (lazy imports)", [PY, "-c", run, *QUERY, "--json"]),
        Case("design: --json, pydantic+yaml+rich imported eagerly", [PY, "-c", eager, *QUERY, "--json"]),
        Case("design: --json, no cache (BCC_CACHE_DIR='')", [BCC, *QUERY, "--json"], {"BCC_CACHE_DIR": ""}),
    ]


def run_once(case: Case, env: dict[str, str], scratch: Path) -> None:
    env = {**env, **case.env}
    cold_dir = None
    if case.cold:
        cold_dir = Path(tempfile.mkdtemp(prefix="cold-", dir=scratch))
        env["BCC_CACHE_DIR"] = str(cold_dir)
    start = time.perf_counter()
    proc = subprocess.run(
        case.argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    case.times.append(time.perf_counter() - start)
    case.codes.add(proc.returncode)
    if proc.returncode and not case.stderr:
        case.stderr = proc.stderr.decode(errors="replace").strip().splitlines()[-1:][0] if proc.stderr else ""
    if cold_dir is not None:
        shutil.rmtree(cold_dir, ignore_errors=True)


def base_env(scratch: Path, keep_env: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BCC_", "_BCC_", "COMP_"))}
    env.pop("COLUMNS", None)
    env.pop("NO_COLOR", None)
    env["BCC_CACHE_DIR"] = str(scratch / "cache")
    if not keep_env:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(scratch / "pycache")
    return env


def machine() -> str:
    return (
        f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}, "
        f"{time.strftime('%Y-%m-%d')}"
    )


def report(all_cases: list[Case], markdown: bool) -> bool:
    base = all_cases[0].median
    ok = True
    rows = []
    for case in all_cases:
        ratio = case.median / base
        verdict = ""
        if case.goal is not None:
            passed = ratio <= case.goal
            ok &= passed
            verdict = f"<= {case.goal:g}x: {'pass' if passed else 'FAIL'}"
        if case.codes != {0}:
            verdict += f" (exit {sorted(case.codes)}: {case.stderr[:60]})"
        rows.append(
            (
                case.label,
                f"{case.median * 1000:.0f}",
                f"{min(case.times) * 1000:.0f}",
                f"{ratio:.1f}x",
                verdict.strip(),
            )
        )
    head = ("case", "median ms", "min ms", "ratio", "goal")
    if markdown:
        print("| " + " | ".join(head) + " |")
        print("|---|--:|--:|--:|---|")
        for row in rows:
            print("| " + " | ".join(c.replace("|", "\\|") for c in row) + " |")
    else:
        widths = [max(len(r[i]) for r in (head, *rows)) for i in range(len(head))]
        for row in (head, *rows):
            print(
                "  ".join(
                    c.ljust(w) if i in (0, 4) else c.rjust(w)
                    for i, (c, w) in enumerate(zip(row, widths, strict=True))
                )
            )
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="timed runs of each case (default 20)")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--design", action="store_true", help="add the cases that measure design choices")
    parser.add_argument(
        "--keep-env",
        action="store_true",
        help="keep PYTHONDONTWRITEBYTECODE/PYTHONPYCACHEPREFIX as they are (see above)",
    )
    args = parser.parse_args(argv)
    if not Path(BCC).exists():
        print(f"bench: no bcc next to {PY}; run with the venv's python", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="bcc-bench-") as tmp:
        scratch = Path(tmp)
        cache = scratch / "cache"
        env = base_env(scratch, args.keep_env)
        # Warm the cache (and the OS's file cache): an untimed run of every case.
        warm = subprocess.run([BCC, *QUERY, "--json"], env=env, capture_output=True)
        if warm.returncode != 0:
            print(f"bench: bcc failed: {warm.stderr.decode(errors='replace')}", file=sys.stderr)
            return 2
        all_cases = cases() + (design_cases() if args.design else [])
        for case in all_cases:
            run_once(case, env, scratch)
            case.times.clear()
        for _ in range(args.runs):
            for case in all_cases:
                run_once(case, env, scratch)
        pyc = "environment as is" if args.keep_env else "private pycache"
        print(f"{machine()}; {args.runs} runs each; {pyc}; bcc = {BCC}")
        ok = report(all_cases, args.markdown)
        entries = list(cache.glob("catalog-*"))
        if len(entries) != 1:
            print(
                f"warning: {len(entries)} cache entries after the run: the cache key changed "
                "(were the data or schema modules edited?); warm numbers may include rebuilds",
                file=sys.stderr,
            )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
