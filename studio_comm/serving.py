"""Running a Starlette app under uvicorn the way the sandbox and the relay both need it.

`bind()` opens the listening socket first (so a port 0 is known before serving, and a
port in use is an OSError the caller words), and `ReadyServer` is uvicorn's server with a
readiness callback and a plain exit on SIGINT/SIGTERM: uvicorn itself re-raises the
signal after shutting down, which would end the process by that signal. Neither knows
anything of the vendor's API or the journal.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import threading
from collections.abc import Callable, Iterator

import uvicorn


def bind(host: str, port: int, backlog: int = 1024) -> socket.socket:
    """A listening TCP socket on host:port (port 0: any free one)."""
    # proto IPPROTO_TCP: asyncio sets TCP_NODELAY on accepted sockets only then, and without
    # it every answer waits ~40 ms (Nagle against delayed ACKs).
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM,
                         socket.IPPROTO_TCP)
    if os.name != "nt":  # on Windows SO_REUSEADDR would let another server share the port
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(backlog)
    except OSError:
        sock.close()
        raise
    return sock


class ReadyServer(uvicorn.Server):
    """uvicorn's server with a readiness callback and a plain exit on SIGINT/SIGTERM."""

    def __init__(self, config: uvicorn.Config, on_ready: Callable[[], None] | None = None) -> None:
        super().__init__(config)
        self._on_ready = on_ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self._on_ready is not None and not self.should_exit:
            self._on_ready()

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield  # a server in a thread (tests, the demo): the process's signals are not its own
            return
        handlers = {sig: signal.signal(sig, self._stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in handlers.items():
                signal.signal(sig, handler)

    def _stop(self, sig: int, frame: object) -> None:
        self.force_exit = self.should_exit  # a second signal: stop without waiting
        self.should_exit = True
