"""Large files are read in batches; a problem deep inside one is still reported at its exact line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bali_corruption_cli.catalog import fast_reader, reader
from conftest import DATA, Run

RECORD = """
- id: synthetic-practice-{n}
  title: Synthetic practice number {n} for the batch reader
  summary: >-
    A generated practice, long enough that a few thousand of them make a file
    of more than one mebibyte, which bcc then reads a batch at a time.
  sectors: [{sector}]
  themes: [transparency]
  stages: [recruitment]
  origin_event: regional-conference-2023
  sources:
    - {{source: rso-conference-article-2023, at: "para 1"}}
"""


def _catalogue(tmp_path: Path, bad_at: int | None, count: int = 3000) -> tuple[Path, int | None]:
    for f in DATA.glob("*.yaml"):
        (tmp_path / f.name).write_bytes(f.read_bytes())
    practices = tmp_path / "practices.yaml"
    text = practices.read_text(encoding="utf-8")
    chunks = [RECORD.format(n=n, sector="privat" if n == bad_at else "private") for n in range(count)]
    text += "".join(chunks)
    practices.write_text(text, encoding="utf-8")
    assert practices.stat().st_size > 1024 * 1024  # large enough to be read in batches
    line = None
    if bad_at is not None:
        line = next(n for n, t in enumerate(text.splitlines(), 1) if "[privat]" in t)
    return tmp_path, line


def test_large_valid_file_loads(bcc: Callable[..., Run], tmp_path: Path) -> None:
    directory, _ = _catalogue(tmp_path, None)
    ids = bcc("--data-dir", str(directory), "practices", "--theme", "transparency", "--json").ids()
    assert len([i for i in ids if i.startswith("synthetic-practice-")]) == 3000


def test_problem_deep_in_a_large_file_has_its_exact_line(
    bcc: Callable[..., Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With the cap on values per parse below this file's total (as a 100k-record
    # file is above the real cap), only batch-by-batch reading can find the problem.
    monkeypatch.setattr(reader, "MAX_NODES", 50_000)
    directory, line = _catalogue(tmp_path, bad_at=2900)
    run = bcc("validate", str(directory))
    assert run.exit_code == 3
    assert f"practices.yaml:{line}:" in run.stdout
    assert "record 'synthetic-practice-2900'" in run.stdout and "did you mean 'private'" in run.stdout
    assert "values" not in run.stdout  # not mistaken for an oversized document


def test_every_problem_in_a_large_file_in_one_pass(
    bcc: Callable[..., Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A typo, an unknown reference and a duplicate id in different batches: each at its exact
    line, and the file is never parsed whole (the node cap below its size proves it)."""
    monkeypatch.setattr(reader, "MAX_NODES", 50_000)
    directory, typo_line = _catalogue(tmp_path, bad_at=100)
    practices = directory / "practices.yaml"
    text = practices.read_text(encoding="utf-8")
    text = text.replace("- id: synthetic-practice-2950\n", "- id: synthetic-practice-1500\n")
    marker = "- id: synthetic-practice-2500\n"
    at = text.index(marker)
    stages_at = text.index("  stages: [recruitment]", at)
    text = text[:stages_at] + "  stages: [recruitmint]" + text[stages_at + len("  stages: [recruitment]") :]
    practices.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    ref_line = next(n for n, t in enumerate(lines, 1) if t == "  stages: [recruitmint]")
    dup_line = [n for n, t in enumerate(lines, 1) if t == "- id: synthetic-practice-1500"]
    run = bcc("validate", str(directory))
    assert run.exit_code == 3, run.stdout
    out = run.stdout.splitlines()
    assert len(out) == 3, run.stdout
    assert out[0].startswith(f"{practices}:{typo_line}:") and "did you mean 'private'" in out[0]
    assert out[1] == (
        f"{practices}:{ref_line}:12: record 'synthetic-practice-2500': stages[0]: "
        "unknown stages id 'recruitmint' (did you mean 'recruitment'?)"
    )
    assert out[2].startswith(f"{practices}:{dup_line[1]}: record 'synthetic-practice-1500': id: duplicate id")
    assert f"first defined at {practices}:{dup_line[0]}" in out[2]
    assert "values" not in run.stdout


def _with_unknown_stage(directory: Path) -> tuple[Path, str, int]:
    """practices.yaml with one unknown stage deep inside: the file, the text, and its line."""
    practices = directory / "practices.yaml"
    text = practices.read_text(encoding="utf-8")
    at = text.index("- id: synthetic-practice-2500\n")
    stages_at = text.index("  stages: [recruitment]", at)
    text = text[:stages_at] + "  stages: [recruitmint]" + text[stages_at + len("  stages: [recruitment]") :]
    practices.write_text(text, encoding="utf-8")
    line = next(n for n, t in enumerate(text.splitlines(), 1) if t == "  stages: [recruitmint]")
    return practices, text, line


UNKNOWN_STAGE = (
    "record 'synthetic-practice-2500': stages[0]: "
    "unknown stages id 'recruitmint' (did you mean 'recruitment'?)"
)


@pytest.mark.parametrize("changed", [False, True])
def test_a_large_file_is_read_again_for_a_line_unless_it_changed(
    bcc: Callable[..., Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, changed: bool
) -> None:
    """Once a large file's records are read, its bytes are let go (memory at 100,000 practices);
    a problem found later (a reference) reads the file again for its line and column.  If the
    file has changed since it was read, the problem is still reported, without a line that
    would belong to another version of the file."""
    directory, _ = _catalogue(tmp_path, None)
    practices, text, line = _with_unknown_stage(directory)
    real = fast_reader._read_batches_parallel

    def read_then_edit(*args: Any) -> Any:
        results = real(*args)
        if changed:
            practices.write_text("# edited meanwhile\n" + text, encoding="utf-8")
        return results

    monkeypatch.setattr(fast_reader, "_read_batches_parallel", read_then_edit)
    run = bcc("validate", str(directory))
    assert run.exit_code == 3, run.stdout
    out = run.stdout.splitlines()
    assert len(out) == 1, run.stdout
    where = f"{practices}" if changed else f"{practices}:{line}:12"
    assert out[0] == f"{where}: {UNKNOWN_STAGE}"
