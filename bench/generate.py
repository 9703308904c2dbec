"""Write a synthetic catalogue: the shipped data/ plus N generated records.

    python bench/generate.py 100000 /tmp/cat100k [--seed 1] [--data data/] [--spread]

By default the N records are practices; with ``--spread`` they are spread over three
collections (half practices, a quarter events, a quarter stakeholders, each stakeholder
holding a role at an event), so that lookups by id and name, ``--host``, ``--event``
and the did-you-mean of an unknown value meet a large collection other than practices.

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
from typing import Any

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
COUNTRIES = ("Thailand", "Viet Nam", "Malaysia", "Indonesia", "Philippines", "Sri Lanka", "Australia")
ROLES = ("host", "participant", "funder")  # of vocab.ROLES
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


def event(n: int, rng: random.Random, sources: list[str]) -> str:
    """One meeting as YAML text (dated, in one of a few countries)."""
    words = rng.sample(WORDS, 2)
    day = rng.randint(1, 28)
    return (
        "\n".join(
            [
                f"- id: meeting-{words[0]}-{words[1]}-{n:07d}",
                f"  title: Meeting on {words[0]} and {words[1]} ({n})",
                "  kind: meeting",
                f"  country: {rng.choice(COUNTRIES)}",
                f"  start_date: {rng.randint(2015, 2024)}-{rng.randint(1, 12):02d}-{day:02d}",
                "  sources:",
                f'    - {{source: {rng.choice(sources)}, at: "para {rng.randint(1, 40)}"}}',
            ]
        )
        + "\n"
    )


def stakeholder(n: int, rng: random.Random, events: list[str], sources: list[str]) -> str:
    """One organisation as YAML text, with a role at one event."""
    words = rng.sample(WORDS, 2)
    return (
        "\n".join(
            [
                f"- id: office-{words[0]}-{words[1]}-{n:07d}",
                f"  name: Office for {words[0]} and {words[1]} {n}",
                "  kind: organisation",
                f"  sector: {rng.choice(vocab.SECTORS)}",
                f"  country: {rng.choice(COUNTRIES)}",
                "  roles:",
                f"    - {{role: {rng.choice(ROLES)}, event: {rng.choice(events)}, "
                f'source: {rng.choice(sources)}, at: "para {rng.randint(1, 40)}"}}',
                "  sources:",
                f'    - {{source: {rng.choice(sources)}, at: "para {rng.randint(1, 40)}"}}',
            ]
        )
        + "\n"
    )


def _append(path: Path, count: int, seed: int, what: str, lines: Any) -> None:
    with path.open("a", encoding="utf-8") as fh:
        fh.write(f"\n# {count} synthetic {what} from bench/generate.py (seed {seed})\n")
        for text in lines:
            fh.write(text)


def generate(count: int, out: Path, seed: int = 1, data: Path = DATA, spread: bool = False) -> Path:
    """Copy ``data``'s YAML files to ``out`` and append ``count`` records (practices, or
    with ``spread`` practices, events and stakeholders); return the practices file."""
    out.mkdir(parents=True, exist_ok=True)
    for path in sorted(data.glob("*.yaml")):
        shutil.copyfile(path, out / path.name)
    stages, events, sources = (_ids(data / f"{name}.yaml") for name in ("stages", "events", "sources"))
    if not (stages and events and sources):
        raise SystemExit(f"generate: found no stage, event or source ids in {data}")
    rng = random.Random(seed)
    target = out / "practices.yaml"
    made = count // 4 if spread else 0  # events, and as many stakeholders
    if made:
        _append(
            out / "events.yaml", made, seed, "events", (event(n, rng, sources) for n in range(1, made + 1))
        )
        events = events + _ids(out / "events.yaml")[-made:]
        _append(
            out / "stakeholders.yaml",
            made,
            seed,
            "stakeholders",
            (stakeholder(n, rng, events, sources) for n in range(1, made + 1)),
        )
    _append(
        target,
        count - 2 * made,
        seed,
        "practices",
        (practice(n, rng, stages, events, sources) for n in range(1, count - 2 * made + 1)),
    )
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int, help="number of practices to add")
    parser.add_argument("out", type=Path, help="directory to write (created; files overwritten)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", type=Path, default=DATA, help="catalogue to copy (default: data/)")
    parser.add_argument(
        "--spread", action="store_true", help="half practices, a quarter events, a quarter stakeholders"
    )
    args = parser.parse_args(argv)
    generate(args.count, args.out, args.seed, args.data, args.spread)
    what = "records over practices, events and stakeholders" if args.spread else "practices"
    print(f"wrote {args.out} with {args.count} extra {what}")
    too_large = [p for p in sorted(args.out.glob("*.yaml")) if p.stat().st_size > MAX_FILE_BYTES]
    for path in too_large:
        print(
            f"warning: {path.name} is larger than bcc's {MAX_FILE_BYTES >> 20} MiB limit per file",
            file=sys.stderr,
        )
    return 1 if too_large else 0


if __name__ == "__main__":
    sys.exit(main())
