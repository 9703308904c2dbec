"""Write a synthetic catalogue: the shipped data/ plus N generated practices.

    python bench/generate.py 100000 /tmp/cat100k [--seed 1] [--data data/]

Standard library only (plus bcc's own stdlib-only vocab module, for the valid
sectors and themes).  The records are valid against the models: unique
kebab-case ids, sectors and themes from vocab.py, and stages, origin_event and
sources that reference ids that exist in the copied files.  Check with

    bcc --data-dir /tmp/cat100k practices --json |
        python -c 'import json,sys; print(len(json.load(sys.stdin)))'
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
MAX_FILE_BYTES = 64 * 1024 * 1024  # catalog.MAX_FILE_BYTES: a larger file is refused

try:
    from bali_corruption_cli.model import vocab
except ImportError:  # run from a checkout without the package installed
    sys.path.insert(0, str(ROOT / "src"))
    from bali_corruption_cli.model import vocab

WORDS = (
    "border",
    "community",
    "corridor",
    "customs",
    "disclosure",
    "employer",
    "financing",
    "guidance",
    "hotline",
    "inspection",
    "integrity",
    "joint",
    "labour",
    "licensing",
    "maritime",
    "monitoring",
    "oversight",
    "passport",
    "payroll",
    "police",
    "procurement",
    "recruitment",
    "referral",
    "registry",
    "remittance",
    "review",
    "screening",
    "shelter",
    "training",
    "transparency",
    "visa",
    "vetting",
    "whistleblower",
    "witness",
    "audit",
    "bank",
    "case",
    "court",
    "data",
    "port",
)
VERBS = (
    "strengthen",
    "publish",
    "require",
    "fund",
    "train",
    "share",
    "audit",
    "protect",
    "map",
    "vet",
    "track",
    "report",
)


def _ids(path: Path) -> list[str]:
    """Record ids of a shipped YAML file (each record starts '- id: ...')."""
    return re.findall(r"^- id:\s*([a-z0-9-]+)\s*$", path.read_text(encoding="utf-8"), flags=re.M)


def practice(n: int, rng: random.Random, stages: list[str], events: list[str], sources: list[str]) -> str:
    """One practice record as YAML text (about 450 bytes, like the shipped ones)."""
    words = rng.sample(WORDS, 3)
    verb = rng.choice(VERBS)
    title = f"{verb.capitalize()} {words[0]} {words[1]} for {words[2]} ({n})"
    summary = (
        f"{verb.capitalize()} the {words[0]} and {words[1]} arrangements so that officials, employers and "
        f"civil society can detect and stop corruption around {words[2]}; synthetic record {n}."
    )
    sectors = rng.sample(vocab.SECTORS, rng.randint(1, 2))
    themes = rng.sample(vocab.THEMES, rng.randint(0, 3))
    chosen_stages = rng.sample(stages, rng.randint(0, 2))
    origin = rng.choice(events) if rng.random() < 0.7 else None
    cites = rng.sample(sources, rng.randint(1, 2))
    lines = [
        f"- id: {verb}-{words[0]}-{words[1]}-{n:07d}",
        f"  title: {title}",
        "  summary: >-",
        f"    {summary}",
        f"  sectors: [{', '.join(sectors)}]",
        f"  themes: [{', '.join(themes)}]",
        f"  stages: [{', '.join(chosen_stages)}]",
        f"  origin_event: {origin if origin else 'null'}",
        "  sources:",
        *(f'    - {{source: {s}, at: "para {rng.randint(1, 40)}"}}' for s in cites),
    ]
    return "\n".join(lines) + "\n"


def generate(count: int, out: Path, seed: int = 1, data: Path = DATA) -> Path:
    """Copy ``data``'s YAML files to ``out`` and append ``count`` practices; return the practices file."""
    out.mkdir(parents=True, exist_ok=True)
    for path in sorted(data.glob("*.yaml")):
        shutil.copyfile(path, out / path.name)
    stages, events, sources = (_ids(data / f"{name}.yaml") for name in ("stages", "events", "sources"))
    if not (stages and events and sources):
        raise SystemExit(f"generate: found no stage, event or source ids in {data}")
    rng = random.Random(seed)
    target = out / "practices.yaml"
    with target.open("a", encoding="utf-8") as fh:
        fh.write(f"\n# {count} synthetic practices from bench/generate.py (seed {seed})\n")
        for n in range(1, count + 1):
            fh.write(practice(n, rng, stages, events, sources))
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int, help="number of practices to add")
    parser.add_argument("out", type=Path, help="directory to write (created; files overwritten)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", type=Path, default=DATA, help="catalogue to copy (default: data/)")
    args = parser.parse_args(argv)
    target = generate(args.count, args.out, args.seed, args.data)
    size = target.stat().st_size
    print(f"wrote {args.out} with {args.count} extra practices; practices.yaml is {size / 1e6:.1f} MB")
    if size > MAX_FILE_BYTES:
        print(f"warning: larger than bcc's {MAX_FILE_BYTES >> 20} MiB limit per file", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
