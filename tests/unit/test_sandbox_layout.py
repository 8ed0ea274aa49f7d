"""The sandbox's modules import each other one way: no cycle, not even through an import
inside a function or one made only for type checking."""

from __future__ import annotations

import ast
from pathlib import Path

SANDBOX = Path(__file__).resolve().parents[2] / "studio_comm" / "sandbox"
PACKAGE = "studio_comm.sandbox"


def sandbox_imports(path: Path) -> set[str]:
    """The sandbox modules `path` imports anywhere in its text."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module == PACKAGE:  # from studio_comm.sandbox import demo_data
                names.update(f"{PACKAGE}.{alias.name}" for alias in node.names)
            else:
                names.add(node.module)
    return {name.removeprefix(PACKAGE + ".") for name in names if name.startswith(PACKAGE + ".")}


def test_sandbox_modules_form_no_import_cycle():
    graph = {path.stem: sandbox_imports(path) for path in SANDBOX.glob("*.py")}
    cycles = []

    def visit(module: str, trail: list[str]) -> None:
        if module in trail:
            cycles.append(" -> ".join(trail[trail.index(module):] + [module]))
            return
        for imported in sorted(graph.get(module, ())):
            visit(imported, trail + [module])

    for module in sorted(graph):
        visit(module, [])
    assert cycles == []
    assert "server" not in set().union(*graph.values())  # the entry point is imported by none
