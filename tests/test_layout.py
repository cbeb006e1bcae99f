"""The package reads top-down: no import circle, arrows only point down, small modules and functions.

model -> parsers -> rules -> assess -> audit -> cli, webapp (design.md "The flow"); the library never imports
flask or the web app (style.md 1); no module over 400 lines, no function over 60 (style.md 9).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = {"reciprocity": ROOT / "src" / "reciprocity", "webapp": ROOT / "webapp"}
# layer of each top-level part of the library; a module may import only its own layer or lower ones
LAYERS = {"errors": 0, "countries": 0, "identifiers": 0, "cpv": 0, "i18n": 1, "model": 1, "parsers": 2, "draft": 2,
          "rules": 3, "assess": 4, "assessment_text": 5, "report_view": 5, "clauses": 5, "audit": 5, "cli": 6,
          "__init__": 6}


def _modules() -> dict[str, Path]:
    modules = {}
    for package, folder in PACKAGES.items():
        for path in folder.rglob("*.py"):
            parts = path.relative_to(folder).with_suffix("").parts
            name = ".".join((package, *parts)).removesuffix(".__init__")
            modules[name] = path
    return modules


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """The project modules `name` imports (relative imports resolved), at any depth in the file."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            # `from . import x` imports the submodule x; `from .m import name` imports the module m
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        elif isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            continue
        found.update(t for t in targets if t in MODULES and t != name)
    return found


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _layer(module: str) -> int | None:
    parts = module.split(".")
    return LAYERS.get(parts[1]) if parts[0] == "reciprocity" and len(parts) > 1 else None


def test_no_import_circle() -> None:
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for target in sorted(GRAPH[node]):
            if state.get(target) == 1:
                cycle = trail[trail.index(target):] if target in trail else trail
                pytest.fail(f"import circle: {' -> '.join([*cycle, target])}")
            if target not in state:
                visit(target, [*trail, target])
        state[node] = 2

    for module in sorted(GRAPH):
        if module not in state:
            visit(module, [module])


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith("reciprocity.")))
def test_imports_only_point_down(module: str) -> None:
    mine = _layer(module)
    for target in GRAPH[module]:
        # `reciprocity serve` starts the web app: both are interfaces at the edge
        if not module.startswith("reciprocity.cli"):
            assert not target.startswith("webapp"), f"{module} imports the web app ({target})"
        theirs = _layer(target)
        if mine is not None and theirs is not None and target.split(".")[1] != module.split(".")[1]:
            assert theirs <= mine, f"{module} (layer {mine}) imports {target} (layer {theirs}): an arrow up"
    source = MODULES[module].read_text(encoding="utf-8")
    assert "import flask" not in source and "from flask" not in source, f"{module} imports flask"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_small_modules_and_functions(module: str) -> None:
    source = MODULES[module].read_text(encoding="utf-8")
    assert len(source.splitlines()) <= 400, f"{module} has {len(source.splitlines())} lines"
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = node.end_lineno - node.lineno + 1
            assert length <= 60, f"{module}.{node.name} has {length} lines"


def test_library_reads_no_environment_variable() -> None:
    """Settings come in as arguments; only the CLI (click's envvar) and the web factory read the environment."""
    for module, path in MODULES.items():
        if module.startswith("reciprocity.") and not module.startswith("reciprocity.cli"):
            source = path.read_text(encoding="utf-8")
            assert "os.environ" not in source and "getenv" not in source, module
