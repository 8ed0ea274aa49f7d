"""What changed, app-wide: one hub of signals that windows and panels listen to.

A panel that changes something (or learns that it changed) says so here, and whatever
shows that thing refreshes itself; nobody wires one panel to another. The signals carry
the customer id, so a listener ignores changes to members it does not show.

- `preferencesChanged(customer_id)`: the member's preferences were saved or read again,
  so what the member consents to may be different now (the compose area re-reads it);
- `messagesChanged(customer_id)`: a send, log or resend of one of the member's messages
  ended, so the journal may hold a new message or a new state.

Listeners connect bound methods of QObjects, which Qt disconnects when they are deleted.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class Events(QObject):
    # The customer id; `object`, because Signal(int) is 32 bits and Magicline's ids are 64.
    preferencesChanged = Signal(object)
    messagesChanged = Signal(object)


_hub: Events | None = None


def events() -> Events:
    """The application's hub (made on first use, on the UI thread)."""
    global _hub
    if _hub is None:
        _hub = Events()
    return _hub
