"""Overhead of MagiclineClient over raw httpx: 1,000 preference reads on a loopback server.

Both sides talk to the same small starlette app (uvicorn on a background thread) in the
same run, interleaved, so the server's own cost is shared and cancels out of the ratio.
The client does everything it does for real: limiter, retry wrapper, headers, status
mapping and pydantic parsing; the baseline does a GET with the same headers and json().
"""

from __future__ import annotations

import asyncio
import threading
import time

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

from studio_comm import __version__
from studio_comm.api.client import MagiclineClient
from studio_comm.api.ratelimit import RateLimiter
from tests.benchmarks.figure import Figure

KEY = "bench-key"
CHANNELS = ["LETTER", "EMAIL", "TEXT_MESSAGE", "PHONE", "FAX", "CONVERSATION", "CHAT", "OTHER"]
CATEGORIES = ["CONTRACT", "GENERAL", "APPOINTMENT", "NEWSLETTER", "LOYALTY_PROGRAM"]


def _preferences_json() -> bytes:
    import json

    prefs = [
        {
            "messageCategory": category,
            "channels": [
                {"communicationChannel": ch, "customerOverridable": (i + j) % 3 != 0, "active": (i * j) % 2 == 0}
                for j, ch in enumerate(CHANNELS)
                if (i + j) % 4 != 3  # sparse, like the real matrix
            ],
        }
        for i, category in enumerate(CATEGORIES)
    ]
    return json.dumps(prefs).encode()


BODY = _preferences_json()


async def _preferences(request):
    if request.headers.get("x-api-key") != KEY:
        return Response(b'{"errorMessage":"bad key"}', status_code=401, media_type="application/json")
    return Response(BODY, media_type="application/json")


class _Server:
    """uvicorn on 127.0.0.1 in a thread, ready when entered."""

    def __enter__(self) -> _Server:
        app = Starlette(routes=[Route("/v1/communications/{customerId}/communication-preferences", _preferences)])
        # host/port rather than a pre-bound socket: asyncio sets TCP_NODELAY only on
        # sockets created with IPPROTO_TCP, and without it every answer waits ~40 ms for
        # the client's delayed ACK (uvicorn writes headers and body separately).
        config = uvicorn.Config(
            app, host="127.0.0.1", port=0, log_level="warning", access_log=False, lifespan="off"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("benchmark server did not start")
            time.sleep(0.01)
        port = self._server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    def __exit__(self, *exc) -> None:
        self._server.should_exit = True
        self._thread.join(10)


async def _client_reads(url: str, n: int) -> float:
    limiter = RateLimiter(budget=1_000_000)  # high enough never to wait
    async with MagiclineClient(url, KEY, limiter=limiter) as client:
        await client.get_preferences(1)  # connection and first-call setup outside the timing
        start = time.perf_counter()
        for i in range(n):
            prefs = await client.get_preferences(i)
        elapsed = time.perf_counter() - start
    assert len(prefs) == len(CATEGORIES)
    return elapsed


async def _raw_reads(url: str, n: int) -> float:
    headers = {"X-API-KEY": KEY, "Accept": "application/json", "User-Agent": f"studio-comm/{__version__}",
               "Accept-Language": "en"}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=10.0) as http:
        await http.get("/v1/communications/1/communication-preferences")
        start = time.perf_counter()
        for i in range(n):
            response = await http.get(f"/v1/communications/{i}/communication-preferences")
            prefs = response.json()
        elapsed = time.perf_counter() - start
    assert len(prefs) == len(CATEGORIES)
    return elapsed


def run(quick: bool) -> list[Figure]:
    reads, runs = (300, 3) if quick else (1000, 5)
    client_times, raw_times = [], []
    with _Server() as server:
        for _ in range(runs):  # interleaved, so drift in machine load hits both alike
            raw_times.append(asyncio.run(_raw_reads(server.url, reads)))
            client_times.append(asyncio.run(_client_reads(server.url, reads)))
    client_s = sorted(client_times)[runs // 2]
    raw_s = sorted(raw_times)[runs // 2]
    return [
        Figure(
            name=f"{reads:,} preference reads via MagiclineClient",
            value=client_s,
            baseline=raw_s,
            unit="s",
            baseline_name="raw httpx.AsyncClient GET + json(), same server",
            target="<= 1.3x",
            met=client_s / raw_s <= 1.3,
        )
    ]
