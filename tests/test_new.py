"""``bcc new``: a skeleton record appended (comments and layout kept), validated, or nothing written."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bali_corruption_cli.cli import app
from conftest import DATA, Run

Bcc = Callable[..., Run]

CITE = ("--source", "rso-conference-article-2023", "--at", "para 4")


@pytest.fixture
def cat(tmp_path: Path) -> Path:
    dest = tmp_path / "cat"
    shutil.copytree(DATA, dest)
    return dest


def _practice(*extra: str) -> tuple[str, ...]:
    return (
        "new",
        "practice",
        "--id",
        "local-hotline",
        "--set",
        "title=A local hotline: open day and night",
        "--set",
        "summary=A line people can call.",
        "--set",
        "sectors=[civil-society, media]",
        *CITE,
        *extra,
    )


def test_new_appends_a_valid_record_and_keeps_the_file_as_it_was(bcc: Bcc, cat: Path) -> None:
    practices = cat / "practices.yaml"
    before = practices.read_bytes()
    run = bcc("--data-dir", str(cat), *_practice())
    assert run.exit_code == 0, run.stderr
    after = practices.read_bytes()
    assert after.startswith(before)  # comments and layout untouched: text appended
    added = after[len(before) :].decode("utf-8")
    assert added.startswith("\n- id: local-hotline\n")
    assert "  title: 'A local hotline: open day and night'\n" in added
    assert "    - {source: rso-conference-article-2023, at: para 4}\n" in added
    assert run.stdout == added.lstrip("\n")
    line = before.count(b"\n") + 2
    assert f"added practice 'local-hotline' to {practices}:{line}" in run.stderr
    assert bcc("--data-dir", str(cat), "validate").exit_code == 0
    shown = bcc("--data-dir", str(cat), "show", "local-hotline", "--json").json()["record"]
    assert shown["sectors"] == ["civil-society", "media"] and shown["origin_event"] is None
    assert practices.read_text(encoding="utf-8").splitlines()[line - 1] == "- id: local-hotline"


def test_new_writes_nothing_when_the_record_would_not_validate(bcc: Bcc, cat: Path) -> None:
    before = {p.name: p.read_bytes() for p in cat.iterdir()}
    run = bcc("--data-dir", str(cat), *_practice("--set", "sectors=[civil-socety]"))
    assert run.exit_code == 3
    assert run.stderr.startswith("bcc: error: nothing written:")
    assert "did you mean 'civil-society'" in run.stderr
    assert str(cat / "practices.yaml") in run.stderr  # the real file, not the scratch copy
    assert {p.name: p.read_bytes() for p in cat.iterdir()} == before
    dup = bcc("--data-dir", str(cat), *_practice("--id", "regular-labour-migration-routes"))
    assert dup.exit_code == 3 and "duplicate id" in dup.stderr
    assert {p.name: p.read_bytes() for p in cat.iterdir()} == before


def test_new_without_required_fields_off_a_terminal_is_a_usage_error(bcc: Bcc, cat: Path) -> None:
    before = (cat / "events.yaml").read_bytes()
    run = bcc("--data-dir", str(cat), "new", "event", "--id", "x")
    assert run.exit_code == 2
    assert "missing required fields for a new event: title, kind, country, sources" in run.stderr
    assert bcc("--data-dir", str(cat), "new", "event", "--set", "colour=blue").exit_code == 2
    assert bcc("--data-dir", str(cat), "new", "evnts").exit_code == 2
    assert (cat / "events.yaml").read_bytes() == before


def test_new_prompts_for_the_required_fields(cat: Path) -> None:
    answers = "roundtable-somewhere\nA meeting\nmeeting\nThailand\nrso-conference-article-2023\npara 2\n"
    result = CliRunner().invoke(app, ["--data-dir", str(cat), "new", "events", "--prompt"], input=answers)
    assert result.exit_code == 0, result.stderr
    text = (cat / "events.yaml").read_text(encoding="utf-8")
    assert text.endswith(
        "- id: roundtable-somewhere\n  title: A meeting\n  kind: meeting\n  country: Thailand\n"
        "  sources:\n    - {source: rso-conference-article-2023, at: para 2}\n"
        "  # optional, left out: city, start_date, end_date, month_day, date_note, participants, "
        "series_position, builds_on, notes, caveats, basis\n"
    )


def test_new_asks_again_for_an_invalid_answer_and_keeps_the_others(cat: Path) -> None:
    """A misspelt answer is asked again, with the valid values; the answers given stay."""
    from bali_corruption_cli.model import vocab

    before = (cat / "practices.yaml").read_text(encoding="utf-8")
    answers = "Not An Id\nlocal-hotline\nA local hotline\nA summary\nmedai\nmedia, private\n"
    answers += "rso-conference-article-2023\npara 4\n"
    result = CliRunner().invoke(app, ["--data-dir", str(cat), "new", "practice", "--prompt"], input=answers)
    assert result.exit_code == 0, result.stderr
    added = (cat / "practices.yaml").read_text(encoding="utf-8")[len(before) :]
    assert "- id: local-hotline\n  title: A local hotline\n  summary: A summary\n" in added
    assert "  sectors: [media, private]\n" in added
    retried = [line for line in result.stderr.splitlines() if "try again" in line]
    assert len(retried) == 2 and retried[0].startswith("bcc: warning: id: ")
    assert "'medai'" in retried[1] and "did you mean 'media'" in retried[1]
    assert all(sector in retried[1] for sector in vocab.SECTORS)
    # the sectors prompt itself lists the valid values
    (prompt,) = set(re.findall(r"sectors \([^)]*\)", result.stdout))  # asked twice, the same way
    assert all(sector in prompt for sector in vocab.SECTORS)


def test_new_asks_again_for_a_vocabulary_it_does_not_know(cat: Path) -> None:
    from bali_corruption_cli.model import vocab

    answers = (
        "roundtable-somewhere\nA meeting\nmeting\nmeeting\nThailand\nrso-conference-article-2023\npara 2\n"
    )
    result = CliRunner().invoke(app, ["--data-dir", str(cat), "new", "events", "--prompt"], input=answers)
    assert result.exit_code == 0, result.stderr
    assert "  kind: meeting\n" in (cat / "events.yaml").read_text(encoding="utf-8")
    (retry,) = [line for line in result.stderr.splitlines() if "try again" in line]
    assert "'meting'" in retry and all(kind in retry for kind in vocab.EVENT_KINDS)


def test_new_to_an_overlay_creates_or_extends_its_file(bcc: Bcc, tmp_path: Path) -> None:
    extra = tmp_path / "extra"
    extra.mkdir()
    run = bcc("new", "practices", "--to", str(extra), *_practice()[2:])
    assert run.exit_code == 0, run.stderr
    assert (extra / "practices.yaml").read_text(encoding="utf-8").startswith("- id: local-hotline\n")
    assert "local-hotline" in bcc("--with", str(extra), "practices", "--json").ids()
    (extra / "practices.yaml").write_text("# my additions\n" + (extra / "practices.yaml").read_text())
    second = bcc(
        "--with", str(extra), "new", "practices", "--to", str(extra), *_practice("--id", "another")[2:]
    )
    assert second.exit_code == 0, second.stderr
    text = (extra / "practices.yaml").read_text(encoding="utf-8")
    assert text.startswith("# my additions\n- id: local-hotline\n") and "\n\n- id: another\n" in text
    assert not [p for p in extra.iterdir() if p.name != "practices.yaml"]  # no temporary left
