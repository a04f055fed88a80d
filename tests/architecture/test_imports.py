"""The packages' import graph has no circle, and the layers import only downwards.

Walks the module-level imports of every module (those under ``if TYPE_CHECKING:`` and inside
functions are not run at import, so they cannot make a circle), with the rule that importing
``a.b.c`` imports the package ``a.b`` too (except a module's own packages, which Python
initialises before the module itself).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("interactor_mock", "pytest_interactor")
#: Which subsystem may import which: a layer never imports one above it.
LAYERS = {
    "interactor_mock.core": {"interactor_mock.http", "interactor_mock.embed"},
    "interactor_mock.contracts": {
        "interactor_mock.core",
        "interactor_mock.http",
        "interactor_mock.embed",
        "interactor_mock.tooling",
        "interactor_mock.connectors",
    },
    "interactor_mock.store": {
        "interactor_mock.core",
        "interactor_mock.http",
        "interactor_mock.embed",
        "interactor_mock.contracts",
    },
    "interactor_mock.http": {"interactor_mock.embed", "interactor_mock.tooling"},
}
DEPRECATED_SHIMS = {"_moved"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            found[module_name(path)] = path
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def runtime_imports(path: Path, name: str, known: set[str]) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]

    def add(target: str) -> None:
        parts = target.split(".")
        for end in range(1, len(parts) + 1):
            candidate = ".".join(parts[:end])
            # A module's own packages are initialised before it: never part of a circle.
            if candidate in known and not (name + ".").startswith(candidate + "."):
                found.add(candidate)

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, ast.If) and _is_type_checking(node):
                continue
            if isinstance(node, ast.Import):
                for alias in node.names:
                    add(alias.name)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                    base = f"{base}.{node.module}" if node.module else base
                add(base)
                for alias in node.names:
                    add(f"{base}.{alias.name}")
            elif isinstance(node, (ast.If, ast.Try)):
                visit(node.body)
                visit(node.orelse)
                if isinstance(node, ast.Try):
                    for handler in node.handlers:
                        visit(handler.body)
                    visit(node.finalbody)

    visit(tree.body)
    return found


def graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {name: runtime_imports(path, name, known) for name, path in found.items()}


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def walk(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state:
                cycle = walk(nxt)
                if cycle:
                    return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state:
            cycle = walk(node)
            if cycle:
                return cycle
    return None


def test_the_walker_finds_a_planted_circle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_the_walker_sees_imports_of_the_real_tree():
    edges = graph()
    assert "interactor_mock.core.engine" in edges["interactor_mock.http.app"]
    assert "interactor_mock.core" in edges["interactor_mock.http.app"]  # the package too


def test_no_module_imports_itself_back_through_a_circle():
    cycle = find_cycle(graph())
    assert cycle is None, "import circle: " + " -> ".join(cycle or ())


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_a_layer_imports_nothing_above_it(layer):
    wrong = sorted(
        f"{name} imports {target}"
        for name, targets in graph().items()
        if name == layer or name.startswith(layer + ".")
        for target in targets
        for above in LAYERS[layer]
        if target == above or target.startswith(above + ".")
    )
    assert wrong == []


def test_our_own_code_never_imports_a_deprecated_path():
    shims = {
        name
        for name, path in modules().items()
        if "_moved import moved" in path.read_text(encoding="utf-8")
    }
    users = sorted(
        f"{name} imports {target}"
        for name, targets in graph().items()
        if name not in shims
        for target in targets & shims
    )
    assert users == []
