"""Running the sandbox: `studio-comm sandbox ...` in the foreground, in a background thread
(`SandboxThread`, for Qt-free tests) or as a child process (`SandboxProcess`, for GUI
tests and `--demo`).

The first line on stdout, printed once the server accepts connections, is
`studio-comm sandbox: http://HOST:PORT key=KEY` (machine-readable). SIGINT and SIGTERM
stop it cleanly with exit status 0.
"""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import logging
import os
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from typing import Self

import uvicorn

from studio_comm.sandbox.admin import AdminClient
from studio_comm.sandbox.faults import Faults, FaultSpecError
from studio_comm.sandbox.gate import build
from studio_comm.sandbox.ratelimit import RateLimit
from studio_comm.sandbox.state import Sandbox
from studio_comm.sandbox.store import Store
from studio_comm.sandbox.webhooks import WebhookSender
from studio_comm.serving import ReadyServer, bind

READY_LINE = re.compile(r"^studio-comm sandbox: (?P<url>http://\S+) key=(?P<key>\S+)$")
KEY_ENV = "STUDIO_COMM_SANDBOX_API_KEY"
WEBHOOK_KEY_ENV = "STUDIO_COMM_SANDBOX_WEBHOOK_KEY"
DEFAULT_KEY = "sandbox-key"  # public: written in this file, so only for loopback
MAX_CUSTOMERS = 100_000


@dataclass
class SandboxConfig:
    customers: int = 2000
    seed: int = 1
    api_key: str = DEFAULT_KEY
    rate_limit: tuple[int, float] = (1000, 60.0)
    faults: str = ""
    webhook_url: str | None = None
    webhook_key: str | None = None
    admin: bool = True
    host: str = "127.0.0.1"
    port: int = 0

    def __repr__(self) -> str:  # never show the key
        return (f"SandboxConfig(customers={self.customers}, seed={self.seed}, "
                f"rate_limit={self.rate_limit}, faults={self.faults!r}, "
                f"webhook_url={self.webhook_url!r}, admin={self.admin}, "
                f"host={self.host!r}, port={self.port})")


def create_sandbox(config: SandboxConfig) -> Sandbox:
    if not 0 <= config.customers <= MAX_CUSTOMERS:
        raise ValueError(f"customers must be between 0 and {MAX_CUSTOMERS}")
    return Sandbox(
        store=Store(config.customers, config.seed), api_key=config.api_key,
        rate_limit=RateLimit(*config.rate_limit), faults=Faults(config.faults, config.seed),
        webhooks=WebhookSender(config.webhook_url, config.webhook_key), admin=config.admin)


def _uvicorn_config(sandbox: Sandbox) -> uvicorn.Config:
    # log_config None: leave the host process's logging alone (tests, the app); uvicorn's
    # loggers propagate to the root logger.
    return uvicorn.Config(build(sandbox), lifespan="off", log_level="warning", log_config=None,
                          access_log=False, timeout_graceful_shutdown=2)


def _base_url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


class _Running:
    """What both ways of running a sandbox offer: `with X(cfg) as sb: sb.base_url, ...`."""

    def __init__(self, config: SandboxConfig | None = None) -> None:
        self.config = config or SandboxConfig()
        self.base_url = ""
        self.admin: AdminClient | None = None

    @property
    def api_key(self) -> str:
        return self.config.api_key

    def start(self, timeout: float = 30.0) -> Self:
        """Start serving; returns self once it serves."""
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class SandboxThread(_Running):
    """The sandbox on a background thread of this process: `with SandboxThread(cfg) as sb`."""

    def __init__(self, config: SandboxConfig | None = None) -> None:
        super().__init__(config)
        self.sandbox: Sandbox | None = None
        self._server: ReadyServer | None = None
        self._thread: threading.Thread | None = None

    def start(self, timeout: float = 30.0) -> Self:
        self.sandbox = create_sandbox(self.config)
        sock = bind(self.config.host, self.config.port, backlog=128)
        self.base_url = _base_url(self.config.host, sock.getsockname()[1])
        self._server = ReadyServer(_uvicorn_config(self.sandbox))
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]},
                                        name="sandbox-server", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the sandbox did not start")
            time.sleep(0.005)
        self.admin = AdminClient(self.base_url, self.api_key)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self.admin is not None:
            self.admin.close()
        if self.sandbox is not None:
            self.sandbox.webhooks.close()
        self._server = self._thread = self.admin = None


def sandbox_command() -> list[str]:
    """How to start `studio-comm sandbox` from this interpreter (or frozen bundle)."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "sandbox"]
    return [sys.executable, "-m", "studio_comm", "sandbox"]


def config_args(config: SandboxConfig) -> list[str]:
    """Command-line arguments for `config` (the key travels in the environment)."""
    budget, window = config.rate_limit
    args = ["--host", config.host, "--port", str(config.port),
            "--customers", str(config.customers), "--seed", str(config.seed),
            "--rate-limit", f"{budget}/{window:g}"]
    if config.faults:
        args += ["--faults", config.faults]
    if config.webhook_url:
        args += ["--webhook-url", config.webhook_url]
    if config.admin:
        args.append("--admin")
    return args


class SandboxProcess(_Running):
    """The sandbox as a child process: `with SandboxProcess(cfg) as sb`."""

    def __init__(self, config: SandboxConfig | None = None) -> None:
        super().__init__(config)
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60.0) -> Self:
        env = dict(os.environ, **{KEY_ENV: self.config.api_key})
        if self.config.webhook_key:
            env[WEBHOOK_KEY_ENV] = self.config.webhook_key
        # stdin stays an open pipe: the child stops when it closes (when we go away).
        self.process = subprocess.Popen(
            sandbox_command() + config_args(self.config) + ["--exit-with-parent"],
            stdout=subprocess.PIPE, stdin=subprocess.PIPE, env=env, text=True,
            encoding="utf-8")
        line = _first_line(self.process, timeout)
        match = READY_LINE.match(line.strip())
        if match is None:
            self.stop()
            raise RuntimeError("the sandbox process did not start")
        self.base_url = match["url"]
        self.admin = AdminClient(self.base_url, self.api_key)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        if self.admin is not None:
            self.admin.close()
            self.admin = None
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                pipe.close()
        self.process = None


def _first_line(process: subprocess.Popen, timeout: float) -> str:
    # readline() blocks; read on a helper thread so a stuck child cannot hang us.
    result: list[str] = []
    stdout = process.stdout
    assert stdout is not None  # started with stdout=PIPE
    reader = threading.Thread(target=lambda: result.append(stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return result[0] if result else ""


def _rate_limit(text: str) -> tuple[int, float]:
    budget, _, window = text.partition("/")
    try:
        result = int(budget), float(window or 60)
    except ValueError:
        raise argparse.ArgumentTypeError("use N/SECONDS, e.g. 1000/60") from None
    if result[0] < 1 or result[1] <= 0:
        raise argparse.ArgumentTypeError("budget and window must be positive")
    return result


def _stop_on_stdin_eof(server: ReadyServer) -> None:
    """A parent that dies (even killed) closes our stdin pipe: then stop too, so no
    orphaned sandbox outlives a crashed test run or app."""
    def watch() -> None:
        # os.read on the descriptor: a daemon thread blocked in the buffered sys.stdin
        # would hold its lock and abort the interpreter's shutdown.
        with contextlib.suppress(OSError, ValueError):
            while os.read(sys.stdin.fileno(), 65536):
                pass
        server.should_exit = True

    threading.Thread(target=watch, name="sandbox-parent-watch", daemon=True).start()


def is_loopback(host: str) -> bool:
    """Whether `host` is reachable from this machine only (a name other than localhost
    may resolve to anything, so it counts as reachable from others)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_args(argv: list[str]) -> tuple[SandboxConfig, bool]:
    """The configuration, and whether to stop when standard input closes."""
    parser = argparse.ArgumentParser(
        prog="studio-comm sandbox",
        description="A local Magicline-compatible server with demo data.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--customers", type=int, default=2000,
                        help=f"demo customers, 0..{MAX_CUSTOMERS}")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--api-key", default=os.environ.get(KEY_ENV),
                        help=f"key clients must send (default: ${KEY_ENV}, or {DEFAULT_KEY} "
                             "on a loopback host)")
    parser.add_argument("--rate-limit", type=_rate_limit, default=(1000, 60.0),
                        metavar="N/SECONDS", help="per-endpoint budget per window")
    parser.add_argument("--faults", default="", metavar="SPEC",
                        help="e.g. 'status=503:count=1@/v1/communications;latency=150'")
    parser.add_argument("--webhook-url", help="where to POST the vendor's webhook events")
    parser.add_argument("--webhook-key", default=os.environ.get(WEBHOOK_KEY_ENV),
                        help=f"their X-API-KEY (default: ${WEBHOOK_KEY_ENV}, which keeps it "
                             "off the process list)")
    parser.add_argument("--admin", action="store_true",
                        help="enable the admin endpoints under /__sandbox__/")
    parser.add_argument("--exit-with-parent", action="store_true",
                        help="stop when standard input closes (the parent went away)")
    args = parser.parse_args(argv)
    if not 0 <= args.customers <= MAX_CUSTOMERS:
        parser.error(f"--customers must be between 0 and {MAX_CUSTOMERS}")
    try:
        Faults(args.faults)
    except FaultSpecError as exc:
        parser.error(f"--faults: {exc}")
    if args.webhook_url and not args.webhook_key:
        parser.error("--webhook-url needs a webhook key (the vendor always sends one): "
                     f"--webhook-key or ${WEBHOOK_KEY_ENV}")
    if not is_loopback(args.host) and args.api_key in (None, "", DEFAULT_KEY):
        parser.error(f"--host {args.host} can be reached from other machines, and the default key "
                     f"{DEFAULT_KEY} is public: give a key of your own with --api-key or ${KEY_ENV}")
    return SandboxConfig(
        customers=args.customers, seed=args.seed, api_key=args.api_key or DEFAULT_KEY,
        rate_limit=args.rate_limit, faults=args.faults, webhook_url=args.webhook_url,
        webhook_key=args.webhook_key, admin=args.admin, host=args.host,
        port=args.port), args.exit_with_parent


def main(argv: list[str] | None = None) -> int:
    config, exit_with_parent = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    sandbox = create_sandbox(config)
    sock = bind(config.host, config.port, backlog=128)
    url = _base_url(config.host, sock.getsockname()[1])

    def ready() -> None:
        print(f"studio-comm sandbox: {url} key={config.api_key}", flush=True)

    server = ReadyServer(_uvicorn_config(sandbox), on_ready=ready)
    if exit_with_parent:
        _stop_on_stdin_eof(server)
    try:
        server.run(sockets=[sock])
    finally:
        sandbox.webhooks.close()
    return 0
