"""Background work and questions from Qt slots, on the qasync loop: one way to do each.

A slot cannot await, and a bare `asyncio.ensure_future` task can be garbage-collected
while it runs and swallows its exception. So:

- `TaskRunner.run(work, on_result=..., on_error=..., key=...)` starts a coroutine and keeps
  it until it ends (`wait_idle` at shutdown waits for all of them). Each window owns one
  runner and gives it to its panels and dialogs through their constructors; a manager
  window's runner runs `within` the main window's, so shutting down waits for its work too.
- An answer that came too late is dropped by `key`: a run started under a key supersedes
  the earlier runs under the same key, and `drop(key)` supersedes them without a new one
  (the member they were for was closed). A superseded run is not cancelled (it may be a
  write that has to finish); only its result or error is not delivered.
- `refresh(key, make, ...)` is for re-reads asked for often (a live view told of every
  change another desk makes): it runs `make()` under `key` now, or, while a run under
  that key is under way, once more after it, however often it was asked meanwhile. So a
  burst of changes costs two reads, not one per change, and the newest read always comes.
- Errors reach the user one way: the runner's `failed` signal, which the window shows in
  its error banner. An error no `on_error` handles goes there by itself; a handler that
  words the error in place and still wants it in the banner calls `report(exc)`.
- `await ask(dialog)` shows a dialog window-modal, without a nested event loop, and
  answers with the user's choice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar, overload

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QAbstractButton, QDialog, QFileDialog, QMessageBox

log = logging.getLogger(__name__)

T = TypeVar("T")


class TaskRunner(QObject):
    failed = Signal(object)  # an exception, or a sentence, for the window's error banner

    def __init__(self, parent: QObject | None = None, *, within: TaskRunner | None = None):
        super().__init__(parent)
        self._tasks: set[asyncio.Future[Any]] = set()
        self._latest: dict[Hashable, asyncio.Future[Any]] = {}  # key -> the run whose answer counts
        self._again: dict[Hashable, Callable[[], object]] = {}  # key -> the refresh to start after it
        self._within = within

    @property
    def pending(self) -> int:
        return len(self._tasks)

    def run(
        self,
        work: Awaitable[T],
        *,
        on_result: Callable[[T], object] | None = None,
        on_error: Callable[[BaseException], object] | None = None,
        key: Hashable | None = None,
    ) -> asyncio.Future[T]:
        """Start `work`; then `on_result(value)`, or `on_error(exc)` (default: `report`).

        `key`: this run supersedes the earlier ones under the same key; their answers
        are dropped, and so is this one's once a later run (or `drop(key)`) comes.
        """
        task = asyncio.ensure_future(work)
        self._track(task)
        if key is not None:
            self._latest[key] = task
        task.add_done_callback(lambda t: self._done(t, key, on_result, on_error))
        return task

    def refresh(
        self,
        key: Hashable,
        make: Callable[[], Awaitable[T]],
        *,
        on_result: Callable[[T], object] | None = None,
        on_error: Callable[[BaseException], object] | None = None,
    ) -> None:
        """Run `make()` under `key` now, or once after the run under `key` under way ends."""
        def start() -> None:
            self.run(make(), on_result=on_result, on_error=on_error, key=key)

        if key in self._latest:
            self._again[key] = start
        else:
            start()

    def drop(self, *keys: Hashable) -> None:
        """Drop the answers of the runs under `keys` still under way (and refreshes asked for)."""
        for key in keys:
            self._latest.pop(key, None)
            self._again.pop(key, None)

    def report(self, exc: BaseException | str) -> None:
        """Show `exc` to the user (the window's error banner)."""
        self.failed.emit(exc)

    def _track(self, task: asyncio.Future[Any]) -> None:
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        if self._within is not None:
            self._within._track(task)

    def _done(self, task: asyncio.Future[Any], key: Hashable | None,
              on_result: Callable[[Any], object] | None,
              on_error: Callable[[BaseException], object] | None) -> None:
        if key is not None:
            if self._latest.get(key) is not task:
                if not task.cancelled() and (exc := task.exception()) is not None:
                    log.info("error of a superseded task dropped: %s", type(exc).__name__)
                return
            del self._latest[key]
            if (again := self._again.pop(key, None)) is not None:
                again()  # asked for while this one ran: its answer may be stale already
        if task.cancelled():
            return
        exc = task.exception()
        try:
            if exc is None:
                if on_result is not None:
                    on_result(task.result())
                return
            if on_error is not None:
                on_error(exc)
                return
        except Exception as handler_exc:  # a failing slot must not vanish into the loop's log
            exc = handler_exc
        log.warning("background task failed: %s", type(exc).__name__, exc_info=exc)
        self.report(exc)

    def cancel_all(self) -> None:
        for task in list(self._tasks):
            task.cancel()

    async def wait_idle(self) -> None:
        """Wait until every started task has ended (used when shutting down)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


# A QMessageBox and a QFileDialog are QDialogs too: their answers are what the more
# specific overloads say (the checker's "overlap" warning is about exactly that).
@overload
def ask(dialog: QMessageBox) -> asyncio.Future[QAbstractButton | None]: ...  # type: ignore[overload-overlap]
@overload
def ask(dialog: QFileDialog) -> asyncio.Future[str | None]: ...  # type: ignore[overload-overlap]
@overload
def ask(dialog: QDialog) -> asyncio.Future[int]: ...


def ask(dialog: QDialog) -> asyncio.Future[Any]:
    """Open `dialog` window-modal and return a future of the user's answer.

    Never `exec()`: its nested event loop would run other slots and tasks inside the
    caller. The dialog is open when this returns (a test can find it at once). The answer:
    for a QMessageBox the button clicked (None when closed without one), for a QFileDialog
    the chosen file (None when cancelled), for any other dialog its result code
    (`QDialog.DialogCode.Accepted`, `Rejected`, or the code it gave `done()`).
    The dialog is deleted once it has answered; cancelling the future (or the task that
    awaits it) closes the dialog, and a dialog destroyed unanswered answers as declined.
    """
    answer: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    declined = None if isinstance(dialog, (QMessageBox, QFileDialog)) else int(QDialog.DialogCode.Rejected)

    def finished(code: int) -> None:
        if not answer.done():
            answer.set_result(_answer_of(dialog, code))
        dialog.deleteLater()

    def destroyed() -> None:
        if not answer.done():
            answer.set_result(declined)

    def settled(future: asyncio.Future[Any]) -> None:
        if future.cancelled() and shiboken6.isValid(dialog):
            dialog.reject()  # nobody waits for the answer any more

    dialog.finished.connect(finished)
    dialog.destroyed.connect(destroyed)
    answer.add_done_callback(settled)
    dialog.open()
    return answer


def _answer_of(dialog: QDialog, code: int) -> Any:
    if isinstance(dialog, QMessageBox):
        return dialog.clickedButton()
    if isinstance(dialog, QFileDialog):
        files = dialog.selectedFiles()
        return files[0] if code == QDialog.DialogCode.Accepted and files else None
    return int(code)
