"""The package layout spells out the pipeline, and the import rules that keep it so hold (an AST walk).

content → site | search → publish → serve; only the CLI imports the server. No module over ~450 lines,
no import cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.helpers import ROOT

PACKAGE = ROOT / "painguide"
MAX_LINES = 450
# What each part of painguide may import of painguide (besides itself).
ALLOWED = {
    "painguide": set(),
    "painguide.content": set(),
    "painguide.urls": {"painguide.content"},
    "painguide.settings": set(),
    "painguide.csp": set(),
    "painguide.site": {"painguide.content", "painguide.urls", "painguide.csp"},
    "painguide.search": {"painguide.content", "painguide.urls"},
    "painguide.export": {"painguide.content", "painguide.urls"},
    "painguide.publish": {
        "painguide.content",
        "painguide.site",
        "painguide.search",
        "painguide.export",
        "painguide.urls",
    },
    "painguide.serve": {
        "painguide.content",
        "painguide.search",
        "painguide.publish",
        "painguide.export",
        "painguide.urls",
        "painguide.settings",
        "painguide.csp",
    },
    "painguide.cli": {
        "painguide.content",
        "painguide.publish",
        "painguide.export",
        "painguide.serve",
        "painguide.settings",
    },
}


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _part(module: str) -> str:
    return ".".join(module.split(".")[:2])


def _all_modules() -> set[str]:
    return {_module(p) for p in PACKAGE.rglob("*.py")}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:  # `from painguide.site import widgets` imports the module, not the package
                child = f"{node.module}.{alias.name}"
                found.add(child if child in _all_modules() else node.module)
    return {name for name in found if name == "painguide" or name.startswith("painguide.")}


MODULES = {_module(p): p for p in sorted(PACKAGE.rglob("*.py"))}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_import_rules(module):
    part = _part(module)
    assert part in ALLOWED, f"{module}: a part of painguide the layout does not know; add it to ALLOWED"
    imported = {_part(name) for name in _imports(MODULES[module]) if _part(name) in ALLOWED or name in MODULES}
    imported.discard(part)
    imported.discard("painguide")
    assert imported <= ALLOWED[part], f"{module} imports {sorted(imported - ALLOWED[part])}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_is_too_long(module):
    lines = MODULES[module].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{module} has {lines} lines (at most {MAX_LINES}): split it by job"


def test_no_import_cycles():
    graph = {m: {i for i in _imports(p) if i in MODULES and i != m} for m, p in MODULES.items()}
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                raise AssertionError("import cycle: " + " -> ".join([*path[path.index(nxt) :], nxt]))
            if nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])


def test_the_http_layer_is_not_a_top_level_package():
    assert not (ROOT / "api").exists()
    assert "painguide.serve" in MODULES
