"""Sandbox start-up: from spawning `studio-comm sandbox` to the first answered request."""

from __future__ import annotations

import httpx

from studio_comm.sandbox.server import SandboxConfig, SandboxProcess
from tests.benchmarks.figure import Figure, median_of, timed


def _start_and_ask(customers: int) -> None:
    with SandboxProcess(SandboxConfig(customers=customers, admin=False)) as sb:
        response = httpx.get(f"{sb.base_url}/v1/customers/1000001",
                             headers={"X-API-KEY": sb.api_key}, timeout=60)
        assert response.status_code == (200 if customers else 404)


def run(quick: bool) -> list[Figure]:
    runs = 1 if quick else 3
    empty = median_of(runs, lambda: timed(lambda: _start_and_ask(0)))
    figures = []
    for customers, limit in ((2_000, 1.0), (100_000, 10.0)):
        value = median_of(runs, lambda customers=customers: timed(lambda: _start_and_ask(customers)))
        figures.append(Figure(
            name=f"sandbox start-up to serving, {customers:,} customers", value=value,
            baseline=empty, unit="s", baseline_name="the same sandbox without customers",
            target=f"< {limit:g} s", met=value < limit))
    return figures
