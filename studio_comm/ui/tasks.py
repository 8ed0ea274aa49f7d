"""Run coroutines from Qt slots on the qasync loop.

A slot cannot await, and a bare `asyncio.ensure_future` task can be garbage-collected
while it runs and swallows its exception. `TaskRunner.run` keeps a reference until the
task ends (`wait_idle` at shutdown waits for all of them), and hands an exception to
`failed` (the main window shows it in the error banner) unless the caller handles it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)


class TaskRunner(QObject):
    failed = Signal(object)  # the exception

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._tasks: set[asyncio.Task] = set()

    @property
    def pending(self) -> int:
        return len(self._tasks)

    def run(
        self,
        coro: Coroutine[Any, Any, Any],
        *,
        on_result: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> asyncio.Task:
        """Start `coro`; call `on_result(value)` or `on_error(exc)` (default: `failed`)."""
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(lambda t: self._done(t, on_result, on_error))
        return task

    def _done(self, task, on_result, on_error) -> None:
        self._tasks.discard(task)
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
        self.failed.emit(exc)

    def cancel_all(self) -> None:
        for task in list(self._tasks):
            task.cancel()

    async def wait_idle(self) -> None:
        """Wait until every started task has ended (used when shutting down)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
