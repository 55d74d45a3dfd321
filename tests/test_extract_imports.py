"""No extract module is in an import cycle (center.py and links.py were),
lazy (function-level) imports included (issue 16), and no extract module
imports scrapy."""

from __future__ import annotations

import ast
from pathlib import Path

import condition_archive.extract as extract

PACKAGE = Path(extract.__file__).parent


def _imports(path: Path) -> set[str]:
    """extract modules that `path` imports, at any depth of the file."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1:
                names = [node.module] if node.module else [a.name for a in node.names]
            elif (node.module or "").startswith("condition_archive.extract."):
                names = [node.module.rsplit(".", 1)[1]]
            else:
                names = []
            found.update(n.split(".")[0] for n in names)
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[2] for a in node.names
                         if a.name.startswith("condition_archive.extract."))
    return found


def _graph() -> dict[str, set[str]]:
    modules = {p.stem: p for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    return {name: _imports(path) & set(modules) for name, path in modules.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path + [node, nxt]
            if nxt not in state and (found := visit(nxt, path + [node])):
                return found
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start, [])):
            return found
    return None


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for nxt in graph[todo.pop()] - seen:
            seen.add(nxt)
            todo.append(nxt)
    return seen


def test_center_and_links_are_not_in_an_import_cycle():
    graph = _graph()
    assert "center" in graph["stages"] and "links" in graph["center"]
    for module in ("center", "links", "boilerplate", "body", "markers", "parse"):
        assert module not in _reachable(graph, module), module


def test_no_extract_module_is_in_an_import_cycle():
    cycle = _cycle(_graph())
    assert cycle is None, " -> ".join(cycle)


def test_a_lazy_import_cycle_is_found():
    assert _cycle({"center": {"links"}, "links": {"center"}}) is not None


def test_extraction_imports_no_scrapy():
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not any(n.split(".")[0] == "scrapy" for n in names), path.name
