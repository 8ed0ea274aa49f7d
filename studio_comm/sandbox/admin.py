"""Admin endpoints under `/__sandbox__/` (off unless enabled; need the API key), and a
small synchronous client over them for tests.

- `GET  /__sandbox__/received?since=N`  requests received by the API, from index N
- `DELETE /__sandbox__/received`        forget them
- `POST /__sandbox__/reset`             back to the seeded state: preferences, threads,
                                        received requests, stats, the started faults and
                                        rate limit
- `GET|PUT /__sandbox__/faults`         `{"spec": "..."}` (see `faults`)
- `GET|PUT /__sandbox__/rate-limit`     `{"budget": N, "window": SECONDS}`
- `PUT /__sandbox__/customers/{id}/communication-preferences`  a change made in Magicline
                                        itself (may change fixed channels); fires the webhook
- `GET /__sandbox__/customers/{id}/threads`  the threads and messages the sandbox stored
- `GET /__sandbox__/stats`              counts per endpoint and status, webhook deliveries
"""

from __future__ import annotations

import httpx
from starlette.requests import Request
from starlette.routing import Route

from studio_comm.sandbox.faults import FaultSpecError
from studio_comm.sandbox.http import VendorError, handling_errors, int_param, json_body, json_response
from studio_comm.sandbox.rules import apply_preferences, existing_customer
from studio_comm.sandbox.state import Sandbox

PREFIX = "/__sandbox__"


def admin_routes(sb: Sandbox) -> list[Route]:
    async def received(request: Request):
        since = int_param(request.query_params.get("since"), "since", 0, 0)
        with sb.lock:
            records = sb.received[since:]
            return json_response({"requests": records, "next": since + len(records)})

    async def forget_received(request: Request):
        with sb.lock:
            sb.received.clear()
        return json_response({})

    async def reset(request: Request):
        sb.reset()
        return json_response({})

    async def faults(request: Request):
        if request.method == "PUT":
            try:
                sb.faults.set((await json_body(request)).get("spec", ""))
            except (FaultSpecError, AttributeError) as exc:
                raise VendorError(400, str(exc), "spec") from None
        return json_response({"spec": sb.faults.spec})

    async def rate_limit(request: Request):
        if request.method == "PUT":
            data = await json_body(request)
            try:
                sb.rate_limit.configure(int(data["budget"]), float(data["window"]))
            except (KeyError, TypeError, ValueError) as exc:
                raise VendorError(400, f"budget and window required: {exc}", "budget") from None
        return json_response({"budget": sb.rate_limit.budget, "window": sb.rate_limit.window})

    async def set_preferences(request: Request):
        cid = existing_customer(sb.store, request)
        updated = apply_preferences(sb.store.preferences(cid), await json_body(request),
                                    studio_change=True)
        sb.store.set_preferences(cid, updated)
        sb.webhooks.send(cid)
        return json_response(updated)

    async def threads(request: Request):
        return json_response(sb.store.threads(existing_customer(sb.store, request)))

    async def stats(request: Request):
        with sb.lock:
            counts: dict[str, dict[str, int]] = {}
            for (endpoint, status), n in sorted(sb.stats.items()):
                counts.setdefault(endpoint, {})[status] = n
        return json_response({"endpoints": counts, "webhooks": {
            "sent": sb.webhooks.sent, "failed": sb.webhooks.failed}})

    return [
        Route(f"{PREFIX}/received", handling_errors(received), methods=["GET"]),
        Route(f"{PREFIX}/received", handling_errors(forget_received), methods=["DELETE"]),
        Route(f"{PREFIX}/reset", handling_errors(reset), methods=["POST"]),
        Route(f"{PREFIX}/faults", handling_errors(faults), methods=["GET", "PUT"]),
        Route(f"{PREFIX}/rate-limit", handling_errors(rate_limit), methods=["GET", "PUT"]),
        Route(f"{PREFIX}/customers/{{customerId}}/communication-preferences",
              handling_errors(set_preferences), methods=["PUT"]),
        Route(f"{PREFIX}/customers/{{customerId}}/threads", handling_errors(threads),
              methods=["GET"]),
        Route(f"{PREFIX}/stats", handling_errors(stats), methods=["GET"]),
    ]


class AdminClient:
    """Synchronous client of the admin endpoints (works against thread and process)."""

    def __init__(self, base_url: str, api_key: str, timeout: float = 30.0) -> None:
        self._http = httpx.Client(base_url=base_url + PREFIX, timeout=timeout,
                                  headers={"X-API-KEY": api_key})

    def __repr__(self) -> str:
        return f"AdminClient({self._http.base_url})"

    def close(self) -> None:
        self._http.close()

    def _call(self, method: str, path: str, **kwargs):
        response = self._http.request(method, path, **kwargs)
        response.raise_for_status()
        return response.json()

    def received(self, since: int = 0) -> list[dict]:
        """Requests the API received (method, path, endpoint, query, headers without the
        key, request_id, json, body, time, status, index), oldest first."""
        return self._call("GET", "/received", params={"since": since})["requests"]

    def reset_received(self) -> None:
        self._call("DELETE", "/received")

    def reset(self) -> None:
        self._call("POST", "/reset")

    def faults(self) -> str:
        return self._call("GET", "/faults")["spec"]

    def set_faults(self, spec: str) -> None:
        self._call("PUT", "/faults", json={"spec": spec})

    def rate_limit(self) -> tuple[int, float]:
        data = self._call("GET", "/rate-limit")
        return data["budget"], data["window"]

    def set_rate_limit(self, budget: int, window: float) -> None:
        self._call("PUT", "/rate-limit", json={"budget": budget, "window": window})

    def set_preferences(self, customer_id: int, prefs: list[dict]) -> list[dict]:
        return self._call("PUT", f"/customers/{customer_id}/communication-preferences",
                          json=prefs)

    def threads(self, customer_id: int) -> list[dict]:
        return self._call("GET", f"/customers/{customer_id}/threads")

    def stats(self) -> dict:
        """`{"endpoints": {"GET /v1/customers": {"200": 3, "429": 1}}, "webhooks": {...}}`"""
        return self._call("GET", "/stats")
