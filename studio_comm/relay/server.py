"""Running the relay: `studio-comm relay --journal URL --keys FILE [--host H] [--port P]
[--tls-cert FILE --tls-key FILE] [--workers N]` in the foreground, or as a child process
(`RelayProcess`, for tests and the demo).

`--journal` is what the desks use: a PostgreSQL URL (postgresql+psycopg://host/db) or a
SQLite path. `--workers N` runs N uvicorn worker processes on one listening socket, each
with its own connections to the journal; a worker whose supervisor dies stops too.

The first line on stdout, printed once every worker accepts connections, is
`studio-comm relay: URL` (http or https, with the port bound; machine-readable). Logs go
to stderr, one line each (journald or the container runtime keeps them). Exit status: 0
after SIGINT or SIGTERM; 2 when the arguments, the key file or the TLS files are refused;
1 when the journal cannot be opened or the address not bound. Each refusal is one line on
stderr saying why.

The database password does not belong on the command line, where anyone on the machine
can read it: leave it out of the URL and let libpq find it (~/.pgpass or PGPASSFILE, a
service file through PGSERVICE or ?service=NAME, or PGPASSWORD in the service's
environment). A URL with a password still works, with the journal's warning; the relay
shows it nowhere.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Self

import uvicorn
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from uvicorn.supervisors.multiprocess import Multiprocess

from studio_comm.journal import Journal, JournalUnavailableError, JournalVersionError
from studio_comm.relay.app import ENV_JOURNAL, ENV_KEYS, ENV_PARENT, configure_logging
from studio_comm.relay.keys import KeyFileError, WebhookKeys
from studio_comm.serving import ReadyServer, bind

log = logging.getLogger("studio_comm.relay")

READY_LINE = re.compile(r"^studio-comm relay: (?P<url>https?://\S+)$")
DEFAULT_PORT = 8080
CONNECT_TIMEOUT_S = 5  # a journal server that does not answer: fail within Magicline's 5 s


class Refused(Exception):
    """The relay cannot start; the message says why. `status` is the exit status."""

    def __init__(self, message: str, status: int = 2) -> None:
        super().__init__(message)
        self.status = status


def relay_command() -> list[str]:
    """How to start `studio-comm relay` from this interpreter (or frozen bundle)."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "relay"]
    return [sys.executable, "-m", "studio_comm", "relay"]


def journal_target(text: str) -> tuple[str, str]:
    """(what Journal.open takes, what may be shown) for `--journal`. A password in the URL
    is warned about by the journal itself when it is opened."""
    if "://" not in text:
        return str(Path(text).expanduser().resolve()), text
    try:
        url = make_url(text)
    except ArgumentError:
        raise Refused("--journal: not a database URL (e.g. postgresql+psycopg://host/db) nor a file path") from None
    shown = url.render_as_string(hide_password=True)
    if url.get_backend_name() == "postgresql" and "connect_timeout" not in url.query:
        url = url.update_query_dict({"connect_timeout": str(CONNECT_TIMEOUT_S)})
    return url.render_as_string(hide_password=False), shown


def _reason(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    return (str(orig).strip().splitlines() or [type(orig).__name__])[0]


def _check_tls(cert: str, key: str) -> None:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)

    def no_password() -> bytes:
        raise Refused("--tls-key: the key is encrypted; give the relay an unencrypted key readable only by it")

    try:
        context.load_cert_chain(cert, key, password=no_password)
    except OSError as exc:
        raise Refused(f"--tls-cert/--tls-key: cannot use them: {exc.strerror or exc}") from None
    except ssl.SSLError as exc:
        raise Refused(f"--tls-cert/--tls-key: not a certificate and its key: {exc.reason or exc}") from None


def _bind(host: str, port: int) -> socket.socket:
    try:
        return bind(host, port)
    except OSError as exc:
        raise Refused(f"cannot listen on {host} port {port}: {exc.strerror}", 1) from None


class _Supervisor(Multiprocess):
    """uvicorn's worker supervisor, ready once every worker serves."""

    def __init__(self, config: uvicorn.Config, sockets: list[socket.socket], on_ready) -> None:
        super().__init__(config, sockets)
        self._on_ready = on_ready

    def init_processes(self) -> None:
        super().init_processes()
        if all(p.wait_until_ready(60, self.should_exit) for p in self.processes):
            self._on_ready()
        else:
            log.error("a worker did not start; stopping")
            self.should_exit.set()


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="studio-comm relay",
        description="Receive Magicline's webhooks at POST /webhooks/STUDIO_ID and store them in the "
                    "studio's event feed in the journal. GET /healthz says whether the journal answers.")
    parser.add_argument("--journal", required=True, metavar="URL",
                        help="the shared journal: postgresql+psycopg://host/db (no password: use "
                             "~/.pgpass, PGSERVICE or PGPASSWORD) or a SQLite file")
    parser.add_argument("--keys", required=True, metavar="FILE",
                        help="lines 'STUDIO_ID WEBHOOK_KEY' (# comments); readable by this user only")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"port to listen on (default {DEFAULT_PORT}; 0 picks a free one)")
    parser.add_argument("--tls-cert", metavar="FILE", help="serve HTTPS with this certificate (PEM chain)")
    parser.add_argument("--tls-key", metavar="FILE", help="the certificate's private key (PEM, unencrypted)")
    parser.add_argument("--workers", type=int, default=1, metavar="N",
                        help="worker processes sharing the port and the journal (default 1)")
    args = parser.parse_args(argv)
    if (args.tls_cert is None) != (args.tls_key is None):
        parser.error("--tls-cert and --tls-key go together")
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    if not 0 <= args.port <= 65535:
        parser.error("--port must be between 0 and 65535")
    return args


def _url(host: str, port: int, tls: bool) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"{'https' if tls else 'http'}://{shown}:{port}"


def _stop_when_gone(parent: int, supervisor: Multiprocess) -> None:
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        supervisor.should_exit.set()

    threading.Thread(target=watch, name="relay-parent-watch", daemon=True).start()


def _serve(args: argparse.Namespace) -> int:
    keys = WebhookKeys.load(args.keys)
    if args.tls_cert:
        _check_tls(args.tls_cert, args.tls_key)
    target, shown = journal_target(args.journal)
    try:
        # Here, once, so the workers do not race to migrate a fresh journal.
        Journal.open(target).close()
    except JournalVersionError as exc:
        raise Refused(str(exc), 1) from None
    except (JournalUnavailableError, SQLAlchemyError, OSError) as exc:
        raise Refused(f"cannot open the journal {shown}: {_reason(exc)}", 1) from None
    sock = _bind(args.host, args.port)
    url = _url(args.host, sock.getsockname()[1], bool(args.tls_cert))
    os.environ[ENV_JOURNAL] = target
    os.environ[ENV_KEYS] = str(Path(args.keys).resolve())
    log.info("relay for studios %s at %s, journal %s, %d worker(s)",
             ", ".join(map(str, keys.studios)), url, shown, args.workers)

    def ready() -> None:
        print(f"studio-comm relay: {url}", flush=True)

    config = uvicorn.Config(
        "studio_comm.relay.app:from_environment", factory=True, lifespan="on", workers=args.workers,
        ssl_certfile=args.tls_cert, ssl_keyfile=args.tls_key, log_config=None, log_level="warning",
        access_log=False, server_header=False, timeout_graceful_shutdown=5)
    if args.workers == 1:
        server = ReadyServer(config, ready)
        server.run(sockets=[sock])
        return 0 if server.started else 1
    parent = os.environ.get(ENV_PARENT)
    os.environ[ENV_PARENT] = str(os.getpid())  # the workers stop when this process is gone
    supervisor = _Supervisor(config, [sock], ready)
    if parent:
        _stop_when_gone(int(parent), supervisor)
    supervisor.run()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    configure_logging()
    try:
        return _serve(args)
    except (Refused, KeyFileError) as exc:
        print(f"studio-comm relay: {exc}", file=sys.stderr, flush=True)
        return getattr(exc, "status", 2)


class RelayProcess:
    """`studio-comm relay` as a child process: `with RelayProcess(journal, keys) as relay:`
    then `relay.url`. Its stderr (the log) goes to `log_path`, appended, so a relay started
    again on the same file adds to it; it stops when this process ends."""

    def __init__(self, journal: str | Path, keys: str | Path, *, host: str = "127.0.0.1", port: int = 0,
                 workers: int = 1, tls_cert: str | Path | None = None, tls_key: str | Path | None = None,
                 log_path: str | Path | None = None, env: dict[str, str] | None = None) -> None:
        self.args = ["--journal", str(journal), "--keys", str(keys), "--host", host, "--port", str(port),
                     "--workers", str(workers)]
        if tls_cert is not None:
            self.args += ["--tls-cert", str(tls_cert), "--tls-key", str(tls_key)]
        self.log_path = Path(log_path) if log_path else Path(tempfile.mkstemp(prefix="relay-", suffix=".log")[1])
        self.env = env
        self.url = ""
        self.output: list[str] = []  # stdout lines, the ready line first
        self.process: subprocess.Popen | None = None

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self, timeout: float = 60.0) -> Self:
        env = dict(os.environ if self.env is None else self.env, **{ENV_PARENT: str(os.getpid())})
        with open(self.log_path, "ab") as log_file:
            self.process = subprocess.Popen(relay_command() + self.args, stdout=subprocess.PIPE,
                                            stderr=log_file, stdin=subprocess.DEVNULL, env=env,
                                            text=True, encoding="utf-8")
        lines = self.output = []
        reader = threading.Thread(target=self._read, args=(lines,), daemon=True)
        reader.start()
        deadline = time.monotonic() + timeout
        while not lines and reader.is_alive() and time.monotonic() < deadline:
            time.sleep(0.01)
        match = READY_LINE.match(lines[0].strip()) if lines else None
        if match is None:
            self.stop()
            raise RuntimeError(f"the relay did not start; its log ends:\n{self.log()[-2000:]}")
        self.url = match["url"]
        return self

    def _read(self, lines: list[str]) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            lines.append(line.rstrip("\n"))

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def kill(self) -> None:
        """SIGKILL: the relay dies at once, as in a crash or power loss of its process."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
        self._reap()

    def stop(self, timeout: float = 15.0) -> int | None:
        """SIGTERM, then SIGKILL after `timeout`; the exit status."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
        return self._reap()

    def _reap(self) -> int | None:
        if self.process is None:
            return None
        status = self.process.wait(30)
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.process = None
        return status
