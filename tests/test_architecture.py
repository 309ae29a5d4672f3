"""The house rules that a reading of the code can check: settings reach the Dagster definitions
as resources (never read from the environment there), and the project's modules import each other
without a cycle."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from botwatch.paths import PROJECT_ROOT

DEFS = PROJECT_ROOT / "orchestration" / "defs"
# Where the resources are built: the one module of the definitions that reads botwatch.paths.
RESOURCES = DEFS / "resources.py"
# Folders that hold no code of the project: its data (git-ignored) and caches.
UNLISTED_FOLDERS = {"data", "__pycache__", "logs"}
FIRST_PARTY = (
    *("analytics", "app", "bench", "botwatch", "ingest", "ml", "orchestration", "quality"),
    "simulate",
)


def python_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def environment_reads(tree: ast.AST) -> list[str]:
    """Every read of the process environment in a module: os.environ / os.getenv / os.environb,
    and names imported from os that are those (``from os import environ``)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ("environ", "environb", "getenv"):
            found.append(f"line {node.lineno}: .{node.attr}")
        elif isinstance(node, ast.ImportFrom) and node.module == "os":
            for alias in node.names:
                if alias.name in ("environ", "environb", "getenv"):
                    found.append(f"line {node.lineno}: from os import {alias.name}")
    return found


def imports_of(tree: ast.AST, module: str) -> list[tuple[int, str]]:
    """``(line, imported module or module.name)`` for every import in a module's tree."""
    package = module.rsplit(".", 1)[0] if "." in module else ""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")
                parent = parent[: len(parent) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def test_no_module_of_the_definitions_reads_the_environment() -> None:
    offenders = {
        str(path.relative_to(PROJECT_ROOT)): reads
        for path in python_files(DEFS)
        if (reads := environment_reads(ast.parse(path.read_text())))
    }
    assert offenders == {}, (
        "settings come from the BotwatchSettings resource (orchestration/defs/resources.py), "
        f"not the environment: {offenders}"
    )


def test_only_the_resources_module_of_the_definitions_reads_botwatch_paths() -> None:
    offenders = {}
    for path in python_files(DEFS):
        if path == RESOURCES:
            continue
        module = ".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
        named = [
            f"line {line}: {name}"
            for line, name in imports_of(ast.parse(path.read_text()), module)
            if name in ("botwatch.paths", "botwatch") or name.startswith("botwatch.paths.")
        ]
        if named:
            offenders[str(path.relative_to(PROJECT_ROOT))] = named
    assert offenders == {}, (
        "assets, checks and sensors take their paths from the BotwatchSettings resource, built in "
        f"orchestration/defs/resources.py: {offenders}"
    )


def test_the_scan_finds_an_environment_read_and_a_paths_import() -> None:
    tree = ast.parse(
        "import os\nfrom os import getenv\nfrom botwatch import paths\n"
        "def asset():\n    return os.environ.get('X'), paths.landing_dir()\n"
    )
    assert len(environment_reads(tree)) == 2
    assert (3, "botwatch.paths") in imports_of(tree, "orchestration.defs.x.assets")
    relative = ast.parse("from ..resources import BotwatchSettings\n")
    assert imports_of(relative, "orchestration.defs.ml.assets") == [
        (1, "orchestration.defs.resources.BotwatchSettings")
    ]


def module_name(path: Path) -> str:
    parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """First-party module → the first-party modules it imports (a ``from package import name``
    counts as the submodule when ``name`` is one, else as the package)."""
    files = {module_name(p): p for pkg in FIRST_PARTY for p in python_files(PROJECT_ROOT / pkg)}
    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        is_package = path.name == "__init__.py"
        own = f"{module}.__init__" if is_package else module
        targets = set()
        for _, name in imports_of(ast.parse(path.read_text()), own):
            while name and name not in files:
                name = name.rpartition(".")[0]
            if name and name != module:
                targets.add(name)
        graph[module] = targets
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of ``graph`` (its modules in order, the first repeated at the end)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_project_modules_import_each_other_without_a_cycle() -> None:
    graph = import_graph()
    assert {"orchestration.definitions", "orchestration.defs.ml.assets", "ml.train"} <= set(graph)
    assert "orchestration.defs.resources" in graph["orchestration.defs.ml.assets"]
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"b"}}) is None


def test_the_readme_room_table_matches_the_folders() -> None:
    """Every top-level folder of the project has its row in the README's room table (and no row
    names a folder that is gone), and the orchestration row names every module and integration."""
    readme = (PROJECT_ROOT / "README.md").read_text()
    rows = dict(re.findall(r"^\| `([a-z_]+)/` \| (.*) \|$", readme, flags=re.MULTILINE))
    folders = {
        p.name
        for p in PROJECT_ROOT.iterdir()
        if p.is_dir()
        and not p.name.startswith(".")
        and p.name not in UNLISTED_FOLDERS
        and not p.name.endswith(".egg-info")
    }
    assert set(rows) == folders
    orchestration = PROJECT_ROOT / "orchestration"
    modules = {p.name for p in orchestration.glob("*.py") if p.name != "__init__.py"}
    integrations = {f"{p.name}/" for p in (orchestration / "defs").iterdir() if p.is_dir()}
    unnamed = {m for m in modules | integrations if f"`{m}`" not in rows["orchestration"]}
    assert not unnamed, f"the README's orchestration row does not name {sorted(unnamed)}"


def test_the_installed_packages_are_byte_compiled() -> None:
    """`make setup` installs with --compile-bytecode: where PYTHONDONTWRITEBYTECODE is set,
    nothing else ever writes a .pyc, and every process (a run, each dbt build) compiles
    thousands of modules again (loading the definitions took 15.8 s instead of 5.0)."""
    import importlib.util

    import dagster
    import dagster_dbt
    import dbt.cli.main

    for module in (dagster, dagster_dbt, dbt.cli.main):
        cached = Path(importlib.util.cache_from_source(module.__file__))
        assert cached.is_file(), f"{module.__name__} has no bytecode: run `make setup`"
