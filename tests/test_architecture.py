"""The layering of ARCHITECTURE.md, from the code's own imports (no module is run).

- the loader (catalog) and the queries (query, filters) never import the command line or the
  output layer; Rich is imported only by the rendering modules;
- there is no import cycle between modules (imports at module level);
- every module opens with a sentence saying its job, and stays near 400 lines;
- README's filter table is the one made from filters.py, and every list command takes
  exactly the filters the table declares.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from bali_corruption_cli.query import filters

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "bali_corruption_cli"
MODULES = {
    ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__"): path
    for path in PACKAGE.rglob("*.py")
}
MAX_LINES = 450  # "about 400"


def _imports(path: Path, module: str, top_level: bool) -> set[str]:
    """The package modules (and third-party roots) ``module`` imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level else list(ast.walk(tree))
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.If) and top_level:  # `if TYPE_CHECKING:` imports run nothing
            continue
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


def test_the_module_map_is_what_we_think() -> None:
    assert "bali_corruption_cli.catalog" in MODULES and "bali_corruption_cli.cli" in MODULES
    assert len(MODULES) > 25


LOWER = [
    m
    for m in MODULES
    if m.startswith("bali_corruption_cli.catalog")
    or m
    in (
        "bali_corruption_cli.query.query",
        "bali_corruption_cli.query.filters",
        "bali_corruption_cli.store.cache",
        "bali_corruption_cli.store.cache_shape",
        "bali_corruption_cli.store.cache_sections",
        "bali_corruption_cli.output.table_cells",
        "bali_corruption_cli.store.textindex",
        "bali_corruption_cli.model.models",
        "bali_corruption_cli.model.layout",
        "bali_corruption_cli.model.vocab",
    )
]


@pytest.mark.parametrize("module", LOWER)
def test_the_loader_and_queries_never_import_the_command_line_or_output(module: str) -> None:
    imported = _imports(MODULES[module], module, top_level=False)  # lazy imports count too
    forbidden = {
        name
        for name in imported
        if name.startswith(("bali_corruption_cli.cli", "bali_corruption_cli.output.render", "rich", "typer"))
        or name in ("bali_corruption_cli.output.screen", "bali_corruption_cli.output.tables")
    }
    assert not forbidden, f"{module} imports {sorted(forbidden)}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_rich_only_in_the_rendering_modules(module: str) -> None:
    if module in ("bali_corruption_cli.output.render", "bali_corruption_cli.output.render_explore"):
        return
    assert not any(n == "rich" or n.startswith("rich.") for n in _imports(MODULES[module], module, False))


def test_no_import_cycle() -> None:
    graph = {m: _in_package(_imports(p, m, top_level=True)) - {m} for m, p in MODULES.items()}
    # A package imports its own __init__ first: an edge to a parent package is no cycle.
    graph = {m: {t for t in targets if not m.startswith(t + ".")} for m, targets in graph.items()}
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

    for node in graph:
        if node not in index:
            visit(node)
    assert not cycles, cycles


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
    options = {o for p in command.params for o in p.opts if o.startswith("--")} - shared
    assert options == {f"--{f.option}" for f in filters.FILTERS[collection]}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_architecture_md_maps_every_module(module: str) -> None:
    """A newcomer finds every module in ARCHITECTURE.md's code map."""
    path = MODULES[module].relative_to(PACKAGE)
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
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
        todo += _in_package(_imports(MODULES[module], module, top_level=False))
    # not content: the package's version is in the key itself; errors, the environment's
    # settings (workers) and names (looked up only when a filter names a record) fill nothing
    unkeyed = {
        "bali_corruption_cli",
        "bali_corruption_cli.core.errors",
        "bali_corruption_cli.core.env",
        "bali_corruption_cli.query.names",
    }
    assert seen - keyed - unkeyed == set()
    assert "bali_corruption_cli.store.textindex" in seen and "bali_corruption_cli.output.table_cells" in seen
