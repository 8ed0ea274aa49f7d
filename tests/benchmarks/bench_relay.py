"""The webhook relay: events per second it commits, and its answer time under a steady load.

`studio-comm relay --workers 2` as a child process on the journal the tests use
(PostgreSQL at STUDIO_COMM_TEST_PG_URL, in a schema of its own; a SQLite file without it),
durable: every 200 comes after the commit reached the disk (PostgreSQL's fsync and
synchronous_commit are read and shown; SQLite runs synchronous=FULL). The baseline is a
bare Starlette endpoint that reads the body and answers 200, under uvicorn with 2 workers
too, measured in the same run, interleaved, from the same client in this process (which on
a small machine takes a share of the same cores).

- Throughput: N distinct events, 32 in flight, first send to last answer.
The client is a minimal keep-alive HTTP/1.1 writer: httpx's AsyncClient, 32 in flight,
reached 189 requests/s against the bare endpoint here, so it, not the servers, was measured.
- Answer time at 200 events/s, open loop (each request sent at its scheduled time, its
  time counted from then, so a stall is not hidden by the requests that waited behind
  it): p99 against the target of 100 ms (Magicline gives up after 5 s), p50 in the name.
Afterwards the journal must hold every event sent, once.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.benchmarks.figure import Figure
from tests.benchmarks.support import child_env, percentile

STUDIO, KEY = 1210, "bench-webhook-key-0123456789"
IN_FLIGHT, RATE = 32, 200.0
PG_URL_VARIABLE = "STUDIO_COMM_TEST_PG_URL"


async def _bare(request: Request) -> Response:
    await request.body()
    return Response(b'{"stored":1,"duplicates":0}', media_type="application/json")


bare_app = Starlette(routes=[Route("/webhooks/{studio}", _bare, methods=["POST"])])


def _serve_bare() -> None:
    """`python -m tests.benchmarks.bench_relay`: the bare endpoint under uvicorn with 2
    workers on a socket bound as the relay binds its own (IPPROTO_TCP, so asyncio sets
    TCP_NODELAY: otherwise every answer waits ~40 ms for a delayed ACK), port on stdout."""
    import uvicorn
    from uvicorn.supervisors.multiprocess import Multiprocess

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    sock.listen(1024)
    print(sock.getsockname()[1], flush=True)
    config = uvicorn.Config("tests.benchmarks.bench_relay:bare_app", workers=2, log_level="warning",
                            access_log=False, log_config=None)
    Multiprocess(config, [sock]).run()


@contextmanager
def _bare_server():
    process = subprocess.Popen([sys.executable, "-m", "tests.benchmarks.bench_relay"], env=child_env(),
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{int(process.stdout.readline())}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.post(f"{url}/webhooks/{STUDIO}", content=b"{}", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("the bare endpoint did not start")
            time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(30)
        process.stdout.close()


@contextmanager
def _journal():
    """(target, what it is), durable; a PostgreSQL schema of its own is dropped afterwards."""
    url = os.environ.get(PG_URL_VARIABLE)
    if not url:
        with tempfile.TemporaryDirectory() as folder:
            yield str(Path(folder) / "journal.sqlite"), "SQLite, synchronous=FULL"
        return
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    schema = f"bench_relay_{uuid.uuid4().hex}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        fsync = conn.exec_driver_sql("SHOW fsync").scalar()
        commit = conn.exec_driver_sql("SHOW synchronous_commit").scalar()
    try:
        target = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
        yield target.render_as_string(hide_password=False), f"PostgreSQL, fsync {fsync}, synchronous_commit {commit}"
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.dispose()


def _body(entity: int) -> bytes:
    return json.dumps({"entityId": entity, "uuid": str(uuid.uuid4()), "payload": [
        {"timestamp": int(time.time() * 1000), "type": "CUSTOMER_COMMUNICATION_PREFERENCES_UPDATED"}]}).encode()


class _Client:
    """Keep-alive HTTP/1.1 connections, as cheap as a client gets: each request written in
    one piece, each answer read by its Content-Length. A request takes an idle connection
    or opens one, so at most as many are open as requests are in flight."""

    def __init__(self, url: str) -> None:
        self.host, port = url.removeprefix("http://").rsplit(":", 1)
        self.port = int(port)
        self.head = (f"POST /webhooks/{STUDIO} HTTP/1.1\r\nHost: {self.host}\r\nX-API-KEY: {KEY}\r\n"
                     "Content-Type: application/json\r\nContent-Length: ").encode()
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def post(self, body: bytes) -> None:
        # uvicorn closes a connection idle for 5 s: one it closed is not reused, and a
        # reused one that turns out closed before answering is replaced once.
        while self.idle:
            reader, writer = self.idle.pop()
            if not reader.at_eof():
                try:
                    return await self._exchange(reader, writer, body)
                except (asyncio.IncompleteReadError, ConnectionError):
                    writer.close()
                    break
            writer.close()
        await self._exchange(*await asyncio.open_connection(self.host, self.port), body)

    async def _exchange(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, body: bytes) -> None:
        writer.write(self.head + str(len(body)).encode() + b"\r\n\r\n" + body)
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)[1])
        answer = await reader.readexactly(length)
        if head[9:12] != b"200":
            raise RuntimeError(f"answered {head[9:12].decode()}: {answer.decode(errors='replace')}")
        self.idle.append((reader, writer))

    def close(self) -> None:
        for _, writer in self.idle:
            writer.close()


async def _throughput(url: str, events: int) -> float:
    """Events per second, IN_FLIGHT at a time."""
    bodies = [_body(i) for i in range(events)]
    client = _Client(url)
    try:
        await asyncio.gather(*(client.post(_body(0)) for _ in range(IN_FLIGHT)))  # connections outside the timing
        gate = asyncio.Semaphore(IN_FLIGHT)

        async def one(body: bytes) -> None:
            async with gate:
                await client.post(body)

        start = time.perf_counter()
        await asyncio.gather(*(one(body) for body in bodies))
        return events / (time.perf_counter() - start)
    finally:
        client.close()


async def _answer_times(url: str, seconds: float) -> list[float]:
    """Answer times in ms of requests sent at RATE per second, open loop."""
    count = int(seconds * RATE)
    bodies = [_body(i) for i in range(count)]
    times: list[float] = []
    client = _Client(url)
    try:
        await asyncio.gather(*(client.post(_body(0)) for _ in range(4)))
        start = time.perf_counter() + 0.1

        async def one(i: int) -> None:
            due = start + i / RATE
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            await client.post(bodies[i])
            times.append((time.perf_counter() - due) * 1000)

        await asyncio.gather(*(one(i) for i in range(count)))
        return times
    finally:
        client.close()


def run(quick: bool) -> list[Figure]:
    from studio_comm.journal import Journal
    from studio_comm.relay.server import RelayProcess

    events, runs, seconds = (1000, 1, 5.0) if quick else (3000, 3, 15.0)
    with tempfile.TemporaryDirectory() as folder, _journal() as (target, engine), _bare_server() as bare_url:
        keys = Path(folder) / "relay-keys"
        keys.write_text(f"{STUDIO} {KEY}\n")
        keys.chmod(0o600)
        relay = RelayProcess(target, keys, workers=2, env=child_env(),
                             log_path=Path(folder) / "relay.log").start()
        try:
            relay_rates, bare_rates = [], []
            for _ in range(runs):  # interleaved, so drift in the machine's load hits both alike
                bare_rates.append(asyncio.run(_throughput(bare_url, events)))
                relay_rates.append(asyncio.run(_throughput(relay.url, events)))
            bare_times = asyncio.run(_answer_times(bare_url, seconds))
            relay_times = asyncio.run(_answer_times(relay.url, seconds))
        finally:
            relay.stop()
        journal = Journal.open(target)
        try:
            feed = journal.events_after(STUDIO, limit=1_000_000).events
        finally:
            journal.close()
    sent = runs * (events + IN_FLIGHT) + len(relay_times) + 4
    assert len(feed) == len({e.uuid for e in feed}) == sent, (len(feed), sent)

    rate, bare_rate = statistics.median(relay_rates), statistics.median(bare_rates)
    p99, bare_p99 = percentile(relay_times, 0.99), percentile(bare_times, 0.99)
    p50 = percentile(relay_times, 0.50)
    return [
        Figure(name=f"webhook events committed per second, relay with 2 workers ({engine})", value=rate,
               baseline=bare_rate, unit="/s", baseline_name="bare Starlette endpoint answering 200, 2 workers",
               target=f">= {RATE:g}/s", met=rate >= RATE),
        Figure(name=f"relay answer time at {RATE:g} events/s, p99 (p50 {p50:.1f} ms)", value=p99,
               baseline=bare_p99, unit="ms", baseline_name="bare endpoint's p99 at the same rate",
               target="< 100 ms", met=p99 < 100),
    ]


if __name__ == "__main__":
    _serve_bare()
