"""The demo shows live updates: `--demo` starts a relay on loopback beside the sandbox, the
sandbox's webhooks go through it into the demo's journal, and "Simulate a change in the
member app" changes the open member's consent, which the window then shows by itself."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QAction

from tests.fixtures.app import WAIT_MS, close_app, open_customer, search
from tests.fixtures.qt import run_async


@pytest.fixture
def demo(qtbot, qloop, tmp_path):
    from studio_comm.app import launch

    window = launch(["--demo", "--data-dir", str(tmp_path / "demo")])
    window.resize(1280, 800)
    try:
        qtbot.waitUntil(lambda: window.session is not None, timeout=60_000)
        qtbot.waitUntil(lambda: window.status.live_label.text() == "live", timeout=30_000)
        yield window
    finally:
        close_app(qtbot, window)


def values(window) -> dict:
    matrix = window.preferences_panel.editor.matrix
    return {cell: matrix.active(cell) for cell in matrix.cells()}


def test_simulating_the_member_app_updates_the_open_member_through_the_relay(qtbot, demo):
    services = demo.services
    assert services.relay is not None and services.relay.process is not None
    action = demo.findChild(QAction, "simulateMemberChangeAction")
    assert action is not None and action.text().replace("&", "") == "Simulate a change in the member app"

    action.trigger()  # nobody open yet: it says what to do, changes nothing
    qtbot.waitUntil(demo.error_banner.isVisible, timeout=WAIT_MS)
    assert "Open a member first" in demo.error_banner.message
    demo.error_banner.dismiss()

    customer = search(qtbot, demo, "Schmidt")[0]
    open_customer(qtbot, demo, customer.id)
    panel = demo.preferences_panel
    before = values(demo)
    action.trigger()
    qtbot.waitUntil(lambda: not panel.busy and panel.outside_note.isVisible() and values(demo) != before,
                    timeout=WAIT_MS)
    changed = [cell for cell in before if before[cell] != values(demo)[cell]]
    assert len(changed) == 1, "one channel, switched over by the member"
    assert panel.outside_note.text().startswith("Changed outside studio-comm at ")
    # It came through the relay: the demo journal's feed holds the webhook.
    journal = services._journal
    [event] = journal.entity_events(demo.session.studio_id, customer.id)
    assert (event.source, event.type) == ("webhook", "CUSTOMER_COMMUNICATION_PREFERENCES_UPDATED")


def test_the_demo_stops_its_relay_with_the_window(qtbot, qloop, tmp_path):
    from studio_comm.app import launch, shutdown

    window = launch(["--demo", "--data-dir", str(tmp_path / "demo")])
    qtbot.waitUntil(lambda: window.session is not None, timeout=60_000)
    relay, keys = window.services.relay, window.services._relay_keys
    process = relay.process
    assert process.poll() is None and (keys / "relay-keys").stat().st_mode & 0o077 == 0
    window.close_discarding()
    run_async(qtbot, shutdown(window), timeout=30)
    window.deleteLater()
    assert process.poll() is not None and relay.process is None
    assert not keys.exists(), "the webhook key goes with the run"
