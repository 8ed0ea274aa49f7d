"""Admin endpoints under `/__sandbox__/` (off unless enabled; need the API key), and a
small synchronous client over them for tests.

- `GET  /__sandbox__/received?since=N`  requests received by the API, from index N
- `DELETE /__sandbox__/received`        forget them
- `POST /__sandbox__/reset`             back to the seeded state: customers, preferences,
                                        threads, received requests, stats per endpoint,
                                        kept webhook events, the started faults and rate
                                        limit (webhook delivery counts go on counting)
- `GET|PUT /__sandbox__/faults`         `{"spec": "..."}` (see `faults`)
- `GET|PUT /__sandbox__/rate-limit`     `{"budget": N, "window": SECONDS}`
- `PUT /__sandbox__/customers/{id}/communication-preferences[?by=member]`  a consent change
                                        made in Magicline itself (may change the channels the
                                        studio fixed), or with `by=member` as the member app
                                        makes it (the same rules as the API's PUT); body and
                                        answer as the API's PUT
- `POST /__sandbox__/customers`         create a customer from Customer fields (firstName
                                        and lastName required); answers its Customer body
- `PATCH /__sandbox__/customers/{id}`   change Customer fields (null removes an optional
                                        one); answers the new body
- `POST /__sandbox__/customers/{id}/disable-access`  from now on the API answers 403 for
                                        this customer and leaves it out of lists and searches
- `DELETE /__sandbox__/customers/{id}`  delete the customer: 404 from now on
- `GET /__sandbox__/customers/{id}/threads`  the threads and messages the sandbox stored
- `GET /__sandbox__/webhooks`           `{"events": [...]}` the last webhook events, oldest first
- `POST /__sandbox__/webhooks/redeliver`  `{"count": N}` sends the last N events again with
                                        their original uuid (a vendor retry); answers them
- `GET /__sandbox__/stats`              counts per endpoint and status, webhook deliveries

Each change above fires its webhook (when a webhook URL is configured), whether or not a
value changed: CUSTOMER_COMMUNICATION_PREFERENCES_UPDATED, CUSTOMER_CREATED,
CUSTOMER_UPDATED, CUSTOMER_ACCESS_DISABLED, CUSTOMER_DELETED. Magicline itself still sees a
customer whose access is disabled: these endpoints answer 404 only for one that does not
exist (any more). A reset brings back the seeded customers as they were and removes
created ones; ids are never handed out twice.
"""

from __future__ import annotations

import httpx
from starlette.requests import Request
from starlette.routing import Route

from studio_comm.sandbox import webhooks
from studio_comm.sandbox.faults import FaultSpecError
from studio_comm.sandbox.http import (
    VendorError,
    enum_param,
    handling_errors,
    int_param,
    json_body,
    json_response,
)
from studio_comm.sandbox.rules import apply_preferences, customer_fields, existing_customer
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
        by = enum_param(request.query_params.get("by"), "by", ("studio", "member"), "studio")
        updated = apply_preferences(sb.store.preferences(cid), await json_body(request),
                                    studio_change=by == "studio")
        sb.store.set_preferences(cid, updated)
        sb.webhooks.send(cid, webhooks.PREFERENCES_UPDATED)
        return json_response(updated)

    async def create_customer(request: Request):
        body = sb.store.create_customer(customer_fields(await json_body(request), creating=True))
        sb.webhooks.send(body["id"], webhooks.CUSTOMER_CREATED)
        return json_response(body)

    async def update_customer(request: Request):
        cid = existing_customer(sb.store, request)
        body = sb.store.update_customer(
            cid, customer_fields(await json_body(request), creating=False))
        sb.webhooks.send(cid, webhooks.CUSTOMER_UPDATED)
        return json_response(body)

    async def disable_access(request: Request):
        cid = existing_customer(sb.store, request)
        sb.store.disable_access(cid)
        sb.webhooks.send(cid, webhooks.CUSTOMER_ACCESS_DISABLED)
        return json_response({})

    async def delete_customer(request: Request):
        cid = existing_customer(sb.store, request)
        sb.store.delete_customer(cid)
        sb.webhooks.send(cid, webhooks.CUSTOMER_DELETED)
        return json_response({})

    async def webhook_events(request: Request):
        return json_response({"events": sb.webhooks.recent()})

    async def redeliver(request: Request):
        data = await json_body(request)
        count = data.get("count") if isinstance(data, dict) else None
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise VendorError(400, "count must be a positive integer", "count")
        return json_response({"events": sb.webhooks.redeliver(count)})

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
        Route(f"{PREFIX}/customers", handling_errors(create_customer), methods=["POST"]),
        Route(f"{PREFIX}/customers/{{customerId}}", handling_errors(update_customer),
              methods=["PATCH"]),
        Route(f"{PREFIX}/customers/{{customerId}}", handling_errors(delete_customer),
              methods=["DELETE"]),
        Route(f"{PREFIX}/customers/{{customerId}}/disable-access",
              handling_errors(disable_access), methods=["POST"]),
        Route(f"{PREFIX}/customers/{{customerId}}/communication-preferences",
              handling_errors(set_preferences), methods=["PUT"]),
        Route(f"{PREFIX}/customers/{{customerId}}/threads", handling_errors(threads),
              methods=["GET"]),
        Route(f"{PREFIX}/webhooks", handling_errors(webhook_events), methods=["GET"]),
        Route(f"{PREFIX}/webhooks/redeliver", handling_errors(redeliver), methods=["POST"]),
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

    def set_preferences(self, customer_id: int, prefs: list[dict], by: str = "studio") -> list[dict]:
        """Change consent as Magicline itself (`by="studio"`, may change fixed channels) or
        as the member app (`by="member"`) does; fires the preferences webhook."""
        return self._call("PUT", f"/customers/{customer_id}/communication-preferences",
                          params={"by": by}, json=prefs)

    def create_customer(self, fields: dict) -> dict:
        """A new customer (firstName and lastName required); fires CUSTOMER_CREATED."""
        return self._call("POST", "/customers", json=fields)

    def update_customer(self, customer_id: int, fields: dict) -> dict:
        """Change the customer's fields; fires CUSTOMER_UPDATED."""
        return self._call("PATCH", f"/customers/{customer_id}", json=fields)

    def disable_access(self, customer_id: int) -> None:
        """The API answers 403 for the customer from now on; fires CUSTOMER_ACCESS_DISABLED."""
        self._call("POST", f"/customers/{customer_id}/disable-access")

    def delete_customer(self, customer_id: int) -> None:
        """The API answers 404 for the customer from now on; fires CUSTOMER_DELETED."""
        self._call("DELETE", f"/customers/{customer_id}")

    def webhook_events(self) -> list[dict]:
        """The last webhook events (bodies as sent), oldest first."""
        return self._call("GET", "/webhooks")["events"]

    def redeliver_webhooks(self, count: int) -> list[dict]:
        """Send the last `count` events again, each with its original uuid."""
        return self._call("POST", "/webhooks/redeliver", json={"count": count})["events"]

    def threads(self, customer_id: int) -> list[dict]:
        return self._call("GET", f"/customers/{customer_id}/threads")

    def stats(self) -> dict:
        """`{"endpoints": {"GET /v1/customers": {"200": 3, "429": 1}}, "webhooks": {...}}`"""
        return self._call("GET", "/stats")
