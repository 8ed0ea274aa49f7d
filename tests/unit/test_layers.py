"""The import rules of DESIGN.md, checked on the source: one-way layers, Qt only in the UI,
and a sandbox that cannot share a misunderstanding of the vendor's schema with the client."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "studio_comm"

FORBIDDEN = {
    "api": ("studio_comm.core", "studio_comm.journal", "studio_comm.ui", "studio_comm.sandbox",
            "studio_comm.app", "PySide6"),
    "journal": ("studio_comm.api", "studio_comm.core", "studio_comm.ui", "studio_comm.sandbox",
                "studio_comm.app", "PySide6"),
    "core": ("studio_comm.ui", "studio_comm.sandbox", "studio_comm.app", "PySide6"),
    "sandbox": ("studio_comm.api", "studio_comm.core", "studio_comm.journal", "studio_comm.ui",
                "studio_comm.app", "PySide6"),
    # The relay stores events in the journal and nothing else: it holds no API key.
    "relay": ("studio_comm.api", "studio_comm.core", "studio_comm.ui", "studio_comm.sandbox",
              "studio_comm.app", "PySide6", "httpx"),
    "ui": ("httpx", "sqlalchemy", "studio_comm.sandbox", "studio_comm.journal.store",
           "studio_comm.journal.schema"),
}


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_follow_the_design(layer):
    offences = []
    for source in sorted((PACKAGE / layer).rglob("*.py")):
        for name in imported_modules(source):
            if any(name == f or name.startswith(f + ".") for f in FORBIDDEN[layer]):
                offences.append(f"{source.relative_to(PACKAGE)} imports {name}")
    assert offences == []


def test_no_core_module_depends_on_the_session():
    """StudioSession only composes the use cases; they get their collaborators explicitly,
    so none of them may reach back into it, not even for a type annotation."""
    offences = [
        f"{source.relative_to(PACKAGE)} imports {name}"
        for source in sorted((PACKAGE / "core").rglob("*.py"))
        if source.name != "session.py"
        for name in imported_modules(source)
        if name == "studio_comm.core.session"
    ]
    assert offences == []


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_no_layer_imports_a_private_name_of_another(layer):
    # A leading underscore is a module's own business: another layer that needs it gets a
    # public name (as core.connection.normalize_base_url did for the connection dialog).
    offences = []
    for source in sorted((PACKAGE / layer).rglob("*.py")):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.ImportFrom) and node.level == 0 and node.module
                    and node.module.startswith("studio_comm.")
                    and not node.module.startswith(f"studio_comm.{layer}")):
                offences += [f"{source.relative_to(PACKAGE)} imports {node.module}.{alias.name}"
                             for alias in node.names if alias.name.startswith("_")]
    assert offences == []
