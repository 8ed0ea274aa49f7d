"""What changed, app-wide: one hub of signals that windows and panels listen to.

A panel that changes something (or learns that it changed) says so here, and whatever
shows that thing refreshes itself; nobody wires one panel to another. The signals carry
the customer id, so a listener ignores changes to members it does not show.

- `preferencesChanged(customer_id)`: the member's preferences were saved or read again,
  so what the member consents to may be different now (the compose area re-reads it);
- `messagesChanged(customer_id)`: a send, log or resend of one of the member's messages
  ended, so the journal may hold a new message or a new state.

Live updates (ui/live.py) from the studio's event feed, each as a webhook told of it:
- `preferencesChangedOutside(customer_id, event)`: the member's consent changed somewhere
  (the event a `FeedEvent`): what shows it reads it again;
- `customerChanged(customer_id)`: the member was created or their details changed;
- `customerUnavailable(customer_id, reason)`: the member's data can no longer be read,
  `reason` "access_disabled" or "deleted" (core.live.Reaction): what shows the member
  says so and stops offering to change or write to them;
- `deskChanged(change)`: another desk of the studio changed something in the shared journal
  (a `core.desk_events.DeskChange`: a thread, a message or its state, a consent save, an
  audit entry, a review cache row, who is at a member); whatever shows the views in
  `change.views` reads them again. Changes this desk made itself are not told here.
- `liveStateChanged(state)`: the desk's listener is "connecting", "live",
  "reconnecting" or "stopped" (also when no studio is connected);
- `liveResumed()`: it is live again after "reconnecting": events of the pause may never
  have been told (a webhook Magicline did not deliver), so what is shown is read again.

Listeners connect bound methods of QObjects, which Qt disconnects when they are deleted.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class Events(QObject):
    # The customer id; `object`, because Signal(int) is 32 bits and Magicline's ids are 64.
    preferencesChanged = Signal(object)
    messagesChanged = Signal(object)
    preferencesChangedOutside = Signal(object, object)
    customerChanged = Signal(object)
    customerUnavailable = Signal(object, str)
    deskChanged = Signal(object)
    liveStateChanged = Signal(str)
    liveResumed = Signal()


_hub: Events | None = None


def events() -> Events:
    """The application's hub (made on first use, on the UI thread)."""
    global _hub
    if _hub is None:
        _hub = Events()
    return _hub
