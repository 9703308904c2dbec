"""The layering of ARCHITECTURE.md, from the code's own imports (no module is run).

- every module is in a layer of ARCHITECTURE.md's table, and imports only what its row allows
  (the table is read from the document: it is the rule, not a list fitted to the code);
  Typer only in the command line, Rich only in the rendering modules;
- there is no import cycle between modules (every import counted: inside functions and
  under ``TYPE_CHECKING`` too);
- every module opens with a sentence saying its job, and stays near 400 lines;
- README's filter table is the one made from filters.py, and every list command takes
  exactly the filters the table declares.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest

from bali_corruption_cli.query import filters

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "bali_corruption_cli"
MODULES = {
    ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__"): path
    for path in PACKAGE.rglob("*.py")
}
MAX_LINES = 450  # "about 400"


def _imports(path: Path, module: str) -> set[str]:
    """The package modules (and third-party roots) ``module`` imports: every import, at module
    level, inside functions and under ``TYPE_CHECKING`` alike (each is a dependency)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = module.split(".")
                if path.name != "__init__.py":
                    parent = parent[:-1]
                parent = parent[: len(parent) - (node.level - 1)]
                base = ".".join([*parent, base] if base else parent)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in MODULES)
    return {name for name in found if name}


def _in_package(names: set[str]) -> set[str]:
    return {n for n in names if n in MODULES}


def _layers() -> dict[str, set[str]]:
    """ARCHITECTURE.md's table of layers: each layer (a package) and the layers it may import."""
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    section = text.split("## Layers", 1)[1].split("\n## ", 1)[0]
    layers: dict[str, set[str]] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not re.fullmatch(r"`\w+/`", cells[0]):
            continue
        layers[cells[0].strip("`/")] = set(re.findall(r"`(\w+)/`", cells[-1]))
    return layers


LAYERS = _layers()
ROOT_MODULES = {"bali_corruption_cli", "bali_corruption_cli.__main__", "bali_corruption_cli.entry"}


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


def test_the_table_of_layers_is_read() -> None:
    assert len(LAYERS) >= 6 and "cli" in LAYERS
    assert all(allowed <= set(LAYERS) for allowed in LAYERS.values()), "a layer may import an unknown one"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_every_module_is_in_a_layer_or_is_the_entry(module: str) -> None:
    assert module in ROOT_MODULES or _layer(module) is not None, (
        f"{module} is in no layer of ARCHITECTURE.md's table (only __init__, __main__ and entry "
        "stay in the package root)"
    )


@pytest.mark.parametrize("module", sorted(MODULES))
def test_every_import_is_one_the_table_allows(module: str) -> None:
    """A module imports its own layer, a layer its row allows, or the package root
    (``__version__``); the entry modules import the command line only."""
    own = _layer(module)
    allowed = {"cli"} if own is None else {own, *LAYERS[own]}
    wrong = sorted(
        target
        for target in _in_package(_imports(MODULES[module], module))
        if target != "bali_corruption_cli" and target not in ROOT_MODULES and _layer(target) not in allowed
    )
    assert not wrong, f"{module} ({own or 'entry'}) imports {wrong}; ARCHITECTURE.md allows {sorted(allowed)}"


def test_the_table_keeps_the_store_below_the_output() -> None:
    """The rule itself: the store importing the output layer is refused by the table."""
    assert "output" not in LAYERS["store"] and "cli" not in LAYERS["catalog"]
    assert "store" in LAYERS["catalog"]


@pytest.mark.parametrize("module", sorted(MODULES))
def test_typer_only_in_the_command_line(module: str) -> None:
    if _layer(module) == "cli":
        return
    imported = _imports(MODULES[module], module)
    assert not any(n == "typer" or n.startswith("typer.") for n in imported)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_rich_only_in_the_rendering_modules(module: str) -> None:
    if module in ("bali_corruption_cli.output.render", "bali_corruption_cli.output.render_explore"):
        return
    assert not any(n == "rich" or n.startswith("rich.") for n in _imports(MODULES[module], module))


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in list(graph):
        if node not in index:
            visit(node)
    return cycles


def test_no_import_cycle() -> None:
    """No cycle among modules, counting every import (inside functions and under TYPE_CHECKING)."""
    graph = {m: _in_package(_imports(p, m)) - {m} for m, p in MODULES.items()}
    # A package imports its own __init__ first: an edge to a parent package is no cycle.
    graph = {m: {t for t in targets if not m.startswith(t + ".")} for m, targets in graph.items()}
    assert not _cycles(graph), _cycles(graph)


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


@pytest.mark.parametrize("module", sorted(MODULES))
def test_every_module_says_its_job_and_stays_small(module: str) -> None:
    path = MODULES[module]
    text = path.read_text(encoding="utf-8")
    doc = ast.get_docstring(ast.parse(text))
    assert doc and re.match(r"^[A-Z`\w].*[.:]", doc.splitlines()[0]), f"{module}: no opening sentence"
    assert len(text.splitlines()) <= MAX_LINES, f"{module}: {len(text.splitlines())} lines"


def test_readme_filter_table_is_made_from_the_declaration() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert filters.markdown() in readme, "run scripts/readme-filters"


@pytest.mark.parametrize("collection", [c for c in filters.FILTERS if c != "stages"])
def test_list_commands_take_exactly_the_declared_filters(collection: str) -> None:
    from typer.main import get_command

    from bali_corruption_cli.cli import app

    command = get_command(app).commands[collection]  # type: ignore[attr-defined]
    shared = {"--search", "--format", "--json", "--fields", "--wide", "--help"}
    shared |= {"--sort", "--reverse", "--limit"}  # the order and length of a list
    options = {o for p in command.params for o in p.opts if o.startswith("--")} - shared
    assert options == {f"--{f.option}" for f in filters.FILTERS[collection]}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_architecture_md_maps_every_module(module: str) -> None:
    """A newcomer finds every module in ARCHITECTURE.md's code map."""
    path = MODULES[module].relative_to(PACKAGE)
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    if path.name == "__init__.py" and f"`{path.parent.as_posix()}/`" in text:
        return  # a layer's package: its row in the table of layers
    assert f"`{path.as_posix()}`" in text or (path.name != "__init__.py" and f"`{path.name}`" in text)


def test_the_cache_key_covers_the_code_that_fills_the_cache() -> None:
    """A change to any module whose code decides what a cache entry holds must miss the
    cache (its key hashes those modules): every module the cache writer imports, at any
    depth, is among them."""
    from bali_corruption_cli.catalog import store

    keyed = {
        ("bali_corruption_cli." + m.removesuffix(".py").replace("/", ".")).removesuffix(".__init__")
        for m in store._SCHEMA_MODULES
    }
    todo, seen = ["bali_corruption_cli.store.cache", "bali_corruption_cli.catalog.build"], set()
    while todo:
        module = todo.pop()
        if module in seen or module not in MODULES:
            continue
        seen.add(module)
        todo += _in_package(_imports(MODULES[module], module))
    # not content: the package's version is in the key itself; errors, the environment's
    # settings (workers) and names (looked up only when a filter names a record) fill nothing
    unkeyed = {
        "bali_corruption_cli",
        "bali_corruption_cli.core.errors",
        "bali_corruption_cli.core.env",
        "bali_corruption_cli.query.names",
    }
    assert seen - keyed - unkeyed == set()
    assert "bali_corruption_cli.store.textindex" in seen
    # what the cache keeps for display is handed in (`cache_sections.Display`), not imported:
    assert not any(m.startswith(("bali_corruption_cli.output", "bali_corruption_cli.query")) for m in seen)


# The calls that make, signal or wait for a process, or a pipe to one.
PROCESS_CALLS = {"fork", "forkpty", "waitpid", "wait", "wait3", "wait4", "kill", "killpg", "pipe", "_exit"}


def _process_calls(path: Path) -> set[str]:
    """``os.X`` calls in a module for X in PROCESS_CALLS, and any use of multiprocessing or
    concurrent.futures (ways to run bcc's own work elsewhere; `subprocess` runs another
    program, e.g. the pager, and is not one)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
        and node.attr in PROCESS_CALLS
    }
    roots = {name.split(".")[0] for name in _imports(path, "x")}
    return found | (roots & {"multiprocessing", "concurrent"})


def test_one_process_helper() -> None:
    """Every second process doing bcc's own work is made, waited for and stopped by
    `core/processes.py` (the console script's own ``os._exit`` at the end, in entry.py, is
    no second process)."""
    allowed = {"bali_corruption_cli.core.processes": PROCESS_CALLS, "bali_corruption_cli.entry": {"_exit"}}
    wrong = {
        module: sorted(calls - allowed.get(module, set()))
        for module, path in MODULES.items()
        if (calls := _process_calls(path)) - allowed.get(module, set())
    }
    assert not wrong, f"process calls outside core/processes.py: {wrong}"


def _module_of(command: Any) -> str:
    return str(command.callback.__module__).rsplit(".", 1)[-1]


def test_the_console_script_knows_which_module_registers_each_command() -> None:
    """`cli.COMMAND_MODULES` (the console script imports only the module of the command it
    runs) is what the command modules really register: every command and group, each by
    the module that defines it, and nothing else."""
    from typer.main import get_command_name

    from bali_corruption_cli import cli

    registered = {
        (c.name or get_command_name(c.callback.__name__)): _module_of(c)  # type: ignore[union-attr]
        for c in cli.app.registered_commands
    }
    for group in cli.app.registered_groups:
        assert group.typer_instance is not None and group.name
        (module,) = {_module_of(c) for c in group.typer_instance.registered_commands}
        registered[group.name] = module
    assert registered == cli.COMMAND_MODULES
    assert set(registered.values()) == set(cli.MODULES)
