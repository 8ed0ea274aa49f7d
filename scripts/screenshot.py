"""Regenerate the README screenshot from the real application on the demo studio.

    python scripts/screenshot.py [--out docs/screenshot.png] [--size 1400x900] [--search Schmidt]

Starts studio-comm with --demo (the bundled sandbox, a throwaway data dir), searches, opens
a member, logs a phone call and answers it by email (through the app's own messaging, so
the thread is real), leaves one unsaved preference change highlighted, and saves a grab of
the window. Works without a screen (QT_QPA_PLATFORM=offscreen); QT_SCALE_FACTOR=1.5 shows
the window at 150 %.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


async def wait_for(condition, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def stage(window, search_text: str) -> None:
    from studio_comm.api.models import Channel, Direction, MessageCategory, ThreadStatus
    from studio_comm.core.messaging import Draft

    await wait_for(lambda: window.session is not None, "the demo studio")
    session = window.session

    # Search the way staff do: type into the field, wait for the results.
    panel = window.search_panel
    panel.search_edit.setText(search_text)
    panel.search_now()
    await wait_for(lambda: panel.model.rowCount() > 0 and window.tasks.pending == 0, "search results")
    rows = [panel.model.customer(r) for r in range(panel.model.rowCount())]
    member = next((c for c in rows if c.email and c.phone_private_mobile and c.status == "MEMBER"), rows[0])

    # A conversation: a logged call, then an email answer if the member accepts email.
    call = await session.messaging.send(
        Draft(
            member.id, None, Direction.INCOMING, Channel.PHONE, MessageCategory.CONTRACT,
            subject="Pausing the membership during parental leave",
            content="Called the front desk: would like to pause from 1 March for six months. "
            "Asked which documents we need.",
            thread_status=ThreadStatus.ONGOING,
        )
    )
    consent = await session.messaging.consent(member.id, MessageCategory.CONTRACT)
    channel = Channel.EMAIL if consent.get(Channel.EMAIL) and consent[Channel.EMAIL].allowed else Channel.LETTER
    if call.message is not None and call.thread is not None:
        await session.messaging.send(
            Draft(
                member.id, call.thread, Direction.OUTGOING, channel, MessageCategory.CONTRACT,
                subject="", content="Thank you for your call. Please send us the certificate of "
                "parental leave; the pause starts on 1 March.",
                thread_status=ThreadStatus.ONGOING,
            )
        )

    row = panel.model.row_of(member.id)
    panel.results_view.selectRow(row)
    window.open_customer(member)
    prefs = window.preferences_panel
    await wait_for(lambda: prefs.model.matrix is not None and not prefs.busy, "the preferences")
    conversation = window.conversation_panel
    await wait_for(lambda: conversation.threads.rowCount() > 0 and window.tasks.pending == 0, "the thread")

    # One unsaved change, to show the highlight.
    matrix = prefs.model.matrix
    cell = next((c for c in matrix.cells() if matrix.editable(c) and c[0] == MessageCategory.NEWSLETTER), None)
    if cell is not None:
        from PySide6.QtCore import Qt

        index = prefs.model.index_of(*cell)
        new_state = Qt.CheckState.Unchecked if matrix.active(cell) else Qt.CheckState.Checked
        prefs.model.setData(index, new_state.value, Qt.ItemDataRole.CheckStateRole)
    window.preferences_panel.matrix_view.clearSelection()
    panel.results_view.setFocus()
    await asyncio.sleep(0.3)  # let the last paints settle before the grab


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.png")
    parser.add_argument("--size", default="1400x900", help="window size in device-independent pixels")
    parser.add_argument("--search", default="Schmidt", help="what to type into the search field")
    parser.add_argument("--keep-open", type=float, default=0.0, help="seconds to keep the window open afterwards")
    args = parser.parse_args(argv)

    from studio_comm.app import event_loop, launch, shutdown

    loop = event_loop()  # this script closes the window itself, then ends the loop
    width, height = (int(v) for v in args.size.lower().split("x"))

    async def run() -> None:
        with tempfile.TemporaryDirectory(prefix="studio-comm-shot-") as data_dir:
            window = launch(["--demo", "--data-dir", data_dir, "--staff", "Anna Krüger"])
            try:
                window.resize(width, height)
                await stage(window, args.search)
                args.out.parent.mkdir(parents=True, exist_ok=True)
                if not window.grab().save(str(args.out)):
                    raise OSError(f"could not write {args.out}")
                print(args.out)
                if args.keep_open:  # for a look at the real window; SIGTERM ends it early
                    stop = asyncio.Event()
                    signal.signal(signal.SIGTERM, lambda *_: loop.call_soon_threadsafe(stop.set))
                    with contextlib.suppress(asyncio.TimeoutError):
                        await asyncio.wait_for(stop.wait(), args.keep_open)
            finally:
                window.close()
                await shutdown(window)

    try:
        loop.run_until_complete(run())
    finally:
        loop.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
