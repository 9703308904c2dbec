"""Per-record costs of the ways bcc can read practices, in one process.

    python bench/loaders.py [--count 10000] [--repeat 3]

Generates ``--count`` practices (bench/generate.py), then times, per record
(best of ``--repeat``), each step of a cold load and the warm path's decoding:

* YAML parse with libyaml's CSafeLoader and with pure-Python SafeLoader
  (compose the node tree, then construct Python objects), with the node
  tree's memory per record (Linux: /proc/self/statm; the largest growth, as
  later runs reuse memory freed by earlier ones);
* Pydantic validation + dump (``model_validate(...).model_dump(mode="json")``);
* json.loads of the validated records (what a cache hit does), with and
  without the cyclic garbage collector.

Needs PyYAML and Pydantic (the venv's), unlike bench.py and scale.py.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import yaml
from generate import generate

from bali_corruption_cli.model.models import MODELS


def rss_mb() -> float | None:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * 4096 / 1e6
    except OSError:
        return None


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    result, fastest = None, float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        fastest = min(fastest, time.perf_counter() - start)
    return fastest, result


def parse(text: str, loader_class: Any, repeat: int) -> tuple[float, float, float | None, list[Any]]:
    """(compose s, construct s, node tree MB, data) for one loader."""
    compose_s = construct_s = float("inf")
    tree_mb = None
    data: list[Any] = []
    for _ in range(repeat):
        gc.collect()
        before = rss_mb()
        loader = loader_class(text)
        start = time.perf_counter()
        node = loader.get_single_node()
        mid = time.perf_counter()
        after = rss_mb()
        data = loader.construct_document(node)
        end = time.perf_counter()
        loader.dispose()
        del node, loader
        compose_s, construct_s = min(compose_s, mid - start), min(construct_s, end - mid)
        if before is not None and after is not None:
            tree_mb = after - before if tree_mb is None else max(tree_mb, after - before)
    return compose_s, construct_s, tree_mb, data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10000, help="practices to generate (default 10000)")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many (default 3)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bcc-loaders-") as tmp:
        text = generate(args.count, Path(tmp)).read_text(encoding="utf-8")
    gc.disable()  # as catalog._build does; the GC rows below turn it back on
    rows: list[tuple[str, float, str]] = []
    data: list[Any] = []
    for name in ("CSafeLoader", "SafeLoader"):
        compose_s, construct_s, tree_mb, data = parse(text, getattr(yaml, name), args.repeat)
        n = len(data)
        tree = f"node tree {tree_mb * 1000 / n:.1f} KB/record" if tree_mb is not None else ""
        rows.append((f"YAML {name}: compose", compose_s / n, tree))
        rows.append((f"YAML {name}: construct", construct_s / n, ""))
        rows.append((f"YAML {name}: total", (compose_s + construct_s) / n, ""))
    model = MODELS["practices"]

    def validate() -> list[Any]:
        return [model.model_validate(r).model_dump(mode="json") for r in data]

    seconds, records = best(validate, args.repeat)
    rows.append(("Pydantic validate + dump", seconds / n, ""))
    blob = json.dumps(records, ensure_ascii=False, separators=(",", ":"))
    seconds, _ = best(lambda: json.loads(blob), args.repeat)
    rows.append(("cache hit: json.loads, GC off", seconds / n, f"{len(blob) / n:.0f} bytes/record"))
    gc.enable()
    seconds, _ = best(lambda: json.loads(blob), args.repeat)
    rows.append(("cache hit: json.loads, GC on", seconds / n, "(grows with the heap)"))
    seconds, _ = best(lambda: json.dumps(records, ensure_ascii=False, indent=2), args.repeat)
    rows.append(("output: json.dumps(indent=2), Python encoder", seconds / n, ""))
    seconds, _ = best(lambda: ",\n".join(json.dumps(r, ensure_ascii=False) for r in records), args.repeat)
    rows.append(("output: json.dumps per record, C encoder", seconds / n, ""))
    python = sys.version.split()[0]
    print(f"{n:,} practices, best of {args.repeat}, Python {python}, PyYAML {yaml.__version__}")
    width = max(len(r[0]) for r in rows)
    for label, per, note in rows:
        print(f"{label:{width}s}  {per * 1e6:8.1f} us/record  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
