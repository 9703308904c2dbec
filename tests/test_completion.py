"""Shell completion through the environment a shell's script sets (_BCC_COMPLETE and friends).

Each case runs bcc as its own process, as the shell would, and reads the candidates
it prints. Bash candidates are also read back by bash itself, to check that a value
with a space stays one word on the command line.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest_hostile import DATA, add_records, copy_data, run_process, subprocess_env

BASH = shutil.which("bash")


def complete_bash(line: str, cache: Path, instruction: str = "complete_bash") -> list[str]:
    """Candidates for the last word of ``line`` (which may be empty: a trailing space)."""
    words = line.split(" ")
    env = subprocess_env(
        _BCC_COMPLETE=instruction,
        COMP_WORDS=line,
        COMP_CWORD=str(len(words) - 1),
        BCC_CACHE_DIR=str(cache),
    )
    proc = run_process(env=env)
    assert proc.returncode == 0, proc.stderr
    return [w for w in proc.stdout.decode().split("\n") if w]


def complete_other(shell: str, line: str, cache: Path, **extra: str) -> tuple[int, str]:
    env = subprocess_env(
        _BCC_COMPLETE=f"complete_{shell}", _TYPER_COMPLETE_ARGS=line, BCC_CACHE_DIR=str(cache), **extra
    )
    proc = run_process(env=env)
    return proc.returncode, proc.stdout.decode()


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def test_bash_keeps_a_value_with_a_space_as_one_word(cache: Path) -> None:
    candidates = complete_bash("bcc events --country Vie", cache)
    assert candidates == ["Viet\\ Nam"]
    if BASH is None:
        pytest.skip("no bash to read the candidate back")
    # What bash's completion function does with bcc's output, then the line it makes.
    script = (
        "IFS=$'\\n'; COMPREPLY=( $(cat) ); "
        'eval "set -- bcc events --country ${COMPREPLY[0]}"; printf "%s\\n" "$#" "$4"'
    )
    proc = subprocess.run(
        [BASH, "--norc", "-c", script], input="\n".join(candidates), capture_output=True, text=True
    )
    assert proc.stdout.splitlines() == ["4", "Viet Nam"]
    run = run_process(
        "events", "--country", "Viet Nam", "--json", env=subprocess_env(BCC_CACHE_DIR=str(cache))
    )
    assert run.returncode == 0 and b"roundtable-viet-nam" in run.stdout


def test_click_order_of_the_instruction_works_too(cache: Path) -> None:
    line = "bcc events --country Vie"
    assert complete_bash(line, cache, "bash_complete") == complete_bash(line, cache) == ["Viet\\ Nam"]


def test_bash_completes_an_opened_quote(cache: Path) -> None:
    assert complete_bash("bcc events --country 'Viet", cache) == ["Viet\\ Nam"]


def test_country_completion_offers_iso_countries(cache: Path) -> None:
    assert "Cambodia" in complete_bash("bcc events --country Camb", cache)
    assert complete_bash("bcc stakeholders --country Thai", cache) == ["Thailand"]


def test_zsh_fish_and_powershell_candidates(cache: Path) -> None:
    code, out = complete_other("zsh", "bcc events --country Vie", cache)
    assert code == 0 and '"Viet Nam"' in out and out.startswith("_arguments")
    code, out = complete_other(
        "fish", "bcc events --country Vie", cache, _TYPER_COMPLETE_FISH_ACTION="get-args"
    )
    assert code == 0 and out.splitlines() == ["Viet Nam"]
    code, out = complete_other(
        "powershell", "bcc events --country Vie", cache, _TYPER_COMPLETE_WORD_TO_COMPLETE="Vie"
    )
    assert code == 0 and out.splitlines()[0].split(":::")[0] == "'Viet Nam'"


def test_fields_complete_after_a_comma(cache: Path) -> None:
    assert complete_bash("bcc practices --fields id,ti", cache) == ["id,title"]
    after_comma = complete_bash("bcc events --fields id,", cache)
    assert "id,title" in after_comma and "id,country" in after_comma and "id,id" not in after_comma
    assert complete_bash("bcc practices --fields sec", cache) == ["sectors"]
    assert "when" in complete_bash("bcc timeline --fields ", cache)
    assert complete_bash("bcc search --fields sn", cache) == ["snippet"]


def test_count_by_completes_countable_fields(cache: Path) -> None:
    practices = complete_bash("bcc count practices --by ", cache)
    assert {"sectors", "themes", "stages", "origin_event"} <= set(practices)
    assert "sources" not in practices  # structured: count refuses it
    assert complete_bash("bcc count events --by cou", cache) == ["country"]
    stakeholders = complete_bash("bcc count stakeholders --by ", cache)
    assert "sector" in stakeholders and "roles" not in stakeholders


@pytest.mark.parametrize(
    ("shell", "marker"),
    [
        ("bash", "complete -o default -F _bcc_completion bcc"),
        ("zsh", "compdef _bcc_completion bcc"),
        ("fish", "complete --command bcc"),
        ("powershell", "Register-ArgumentCompleter -Native -CommandName bcc"),
    ],
)
@pytest.mark.parametrize("running", ["/bin/bash", "/usr/bin/zsh", "/usr/bin/fish"])
def test_completion_command_prints_the_named_shells_script(shell: str, marker: str, running: str) -> None:
    proc = run_process("completion", shell, env=subprocess_env(SHELL=running))
    assert proc.returncode == 0 and proc.stderr == b""
    out = proc.stdout.decode()
    assert marker in out and "_BCC_COMPLETE" in out and f"complete_{shell}" in out and out.endswith("\n")


def test_completion_command_rejects_an_unknown_shell() -> None:
    proc = run_process("completion", "tcsh")
    assert proc.returncode == 2 and proc.stdout == b""
    assert b"bash, zsh, fish, powershell" in proc.stderr


# ---------------------------------------------------------------- any catalogue, any word, one line


def _complete(line: str, cache: Path, shell: str = "bash", **extra: str) -> list[str]:
    """Candidates ``shell`` gets for the last word of ``line`` (bash: one a line, as quoted)."""
    words = line.split(" ")
    if shell == "bash":
        env = subprocess_env(
            _BCC_COMPLETE="complete_bash",
            COMP_WORDS=line,
            COMP_CWORD=str(len(words) - 1),
            BCC_CACHE_DIR=str(cache),
            **extra,
        )
    else:
        env = subprocess_env(
            _BCC_COMPLETE=f"complete_{shell}",
            _TYPER_COMPLETE_ARGS=line,
            _TYPER_COMPLETE_FISH_ACTION="get-args",
            _TYPER_COMPLETE_WORD_TO_COMPLETE=words[-1],
            BCC_CACHE_DIR=str(cache),
            **extra,
        )
    proc = run_process(env=env)
    assert proc.returncode == 0, proc.stderr
    return [w for w in proc.stdout.decode().split("\n") if w]


PERSON = {
    "id": "zora-quill",
    "name": "Zora Quill",
    "kind": "person",
    "sources": [{"source": "rso-philippines-roundtable", "at": "earlier roundtables"}],
}


@pytest.fixture
def own_data(tmp_path: Path) -> Path:
    """A catalogue with one more person than the shipped one."""
    data = copy_data(tmp_path, "own")
    add_records(data, "stakeholders", [PERSON])
    return data


@pytest.fixture
def overlay(tmp_path: Path) -> Path:
    """An overlay folder adding that person."""
    folder = tmp_path / "overlay"
    folder.mkdir()
    (folder / "stakeholders.yaml").write_text(yaml.safe_dump([PERSON]), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    "where",
    ["--data-dir before", "--data-dir after", "--data-dir= after", "BCC_DATA_DIR"],
)
def test_completion_reads_the_catalogue_named(cache: Path, own_data: Path, where: str) -> None:
    extra = {"BCC_DATA_DIR": str(own_data)} if where == "BCC_DATA_DIR" else {}
    line = {
        "--data-dir before": f"bcc --data-dir {own_data} quotes --speaker Qui",
        "--data-dir after": f"bcc quotes --data-dir {own_data} --speaker Qui",
        "--data-dir= after": f"bcc quotes --speaker Zo --data-dir={own_data} --speaker Qui",
        "BCC_DATA_DIR": "bcc quotes --speaker Qui",
    }[where]
    assert _complete(line, cache, **extra) == ["zora-quill"]


@pytest.mark.parametrize("where", ["--with before", "--with after", "BCC_WITH"])
def test_completion_reads_the_overlays_named(cache: Path, overlay: Path, where: str) -> None:
    extra = {"BCC_WITH": str(overlay)} if where == "BCC_WITH" else {}
    line = {
        "--with before": f"bcc --with {overlay} quotes --speaker Qui",
        "--with after": f"bcc quotes --with {overlay} --speaker Qui",
        "BCC_WITH": "bcc quotes --speaker Qui",
    }[where]
    assert _complete(line, cache, **extra) == ["zora-quill"]


def test_the_shipped_catalogue_has_no_such_person(cache: Path) -> None:
    """So the cases above are not vacuous."""
    assert _complete("bcc quotes --speaker Qui", cache) == []


def test_every_shell_completes_from_the_catalogue_named(cache: Path, own_data: Path) -> None:
    for shell in ("zsh", "fish", "powershell"):
        out = "\n".join(_complete(f"bcc quotes --data-dir {own_data} --speaker Qui", cache, shell))
        assert "zora-quill" in out, shell


def test_global_option_values_still_complete_after_the_command(cache: Path, tmp_path: Path) -> None:
    assert _complete("bcc events --color al", cache) == ["always"]
    assert _complete("bcc events --layout rec", cache) == ["records"]


def test_people_complete_from_any_word_of_their_name(cache: Path) -> None:
    """Each person's id is offered for the start of any word of their name or alias."""
    people = [
        r for r in yaml.safe_load((DATA / "stakeholders.yaml").read_text("utf-8")) if r["kind"] == "person"
    ]
    assert people
    for person in people[:6]:
        for word in person["name"].split()[-1:] + person["name"].split()[:1]:
            offered = _complete(f"bcc quotes --speaker {word[:3]}", cache)
            assert person["id"] in offered, (person["name"], word, offered)
    assert "marika-mcadam" in _complete("bcc quotes --speaker McA", cache)
    assert "marika-mcadam" in _complete("bcc quotes --speaker mca", cache)  # any case


def test_no_candidate_carries_a_newline_to_the_shell(cache: Path, tmp_path: Path) -> None:
    data = copy_data(tmp_path, "hostile")
    region = {
        "id": "hostile-region",
        "name": "Evil\n$(touch pwned)",
        "kind": "region",
        "sources": [{"source": "rso-philippines-roundtable", "at": "earlier roundtables"}],
    }
    add_records(data, "countries", [region])
    add_records(data, "stakeholders", [PERSON])
    for shell in ("bash", "zsh", "fish", "powershell"):
        out = _complete(f"bcc --data-dir {data} events --country Ev", cache, shell)
        assert not any("touch" in c or "Evil" in c for c in out), (shell, out)
        everything = _complete(f"bcc --data-dir {data} events --country ", cache, shell)
        assert not any("touch" in c for c in everything), (shell, everything)
    # the catalogue was read (not a silent failure that offers nothing)
    assert _complete(f"bcc --data-dir {data} quotes --speaker Qui", cache) == ["zora-quill"]
