"""The shape of the code, checked: the product never imports the test kit, the bottom layer imports nothing
above it, and no modules import each other in a circle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PRODUCT = ["archive", "crawler", "pipeline", "farm", "nianbao"]


def modules() -> dict[str, Path]:
    out = {}
    for package in PRODUCT:
        for path in (REPO / package).rglob("*.py"):
            parts = path.relative_to(REPO).with_suffix("").parts
            out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def imports(name: str, path: Path) -> set[str]:
    """Modules `name` imports (absolute names), at any depth of the file."""
    found = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            found.add(base)
            found |= {f"{base}.{a.name}" for a in node.names}
    return found


MODULES = modules()
GRAPH = {name: {i for i in imports(name, path) if i in MODULES and i != name} for name, path in MODULES.items()}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_product_module_imports_the_test_kit(name):
    bad = [i for i in imports(name, MODULES[name]) if i.split(".")[0] in ("tests", "support", "tests_support", "conftest")]
    assert bad == []


@pytest.mark.parametrize("name", sorted(n for n in MODULES if n.startswith("pipeline")))
def test_pipeline_imports_nothing_above_it(name):
    assert [i for i in GRAPH[name] if i.split(".")[0] != "pipeline"] == []


def test_no_import_cycle():
    """Modules importing each other at module level (a package and its own __init__ excepted)."""
    top_level = {}
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found = set()
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in tree.body:  # imports inside functions are deferred on purpose
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                mod = ast.Module(body=[node], type_ignores=[])
                for sub in ast.walk(mod):
                    if isinstance(sub, ast.Import):
                        found |= {a.name for a in sub.names}
                    elif isinstance(sub, ast.ImportFrom):
                        base = sub.module or ""
                        if sub.level:
                            parts = package.split(".")
                            base = ".".join(parts[: len(parts) - sub.level + 1] + ([base] if base else []))
                        found |= {base} | {f"{base}.{a.name}" for a in sub.names}
        top_level[name] = {i for i in found if i in MODULES and i != name and not name.startswith(i + ".")}
    state: dict[str, int] = {}
    cycle: list[str] = []

    def visit(node, stack):
        state[node] = 1
        for nxt in sorted(top_level[node]):
            if state.get(nxt) == 1:
                cycle.extend(stack[stack.index(nxt):] + [nxt])
                return True
            if state.get(nxt) is None and visit(nxt, stack + [nxt]):
                return True
        state[node] = 2
        return False

    for start in sorted(top_level):
        if state.get(start) is None and visit(start, [start]):
            break
    assert cycle == []
