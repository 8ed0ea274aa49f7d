"""The relay's place among the layers (DESIGN.md): it stores events in the journal and
nothing else; no Magicline client (it holds no API key), no use cases, no Qt, no sandbox."""

from tests.unit.test_layers import PACKAGE, imported_modules

FORBIDDEN = ("studio_comm.api", "studio_comm.core", "studio_comm.ui", "studio_comm.sandbox",
             "studio_comm.app", "PySide6", "httpx")


def test_the_relay_uses_only_the_journal_of_the_project():
    offences = []
    for source in sorted((PACKAGE / "relay").rglob("*.py")):
        for name in imported_modules(source):
            if any(name == f or name.startswith(f + ".") for f in FORBIDDEN):
                offences.append(f"{source.relative_to(PACKAGE)} imports {name}")
    assert offences == []
    assert (PACKAGE / "relay" / "server.py").exists()
