"""The vendor's operations that studio-comm uses, as Starlette routes (see `rules` for the
choices the vendor leaves open)."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from studio_comm.sandbox import demo_data
from studio_comm.sandbox.http import (
    VendorError,
    date_field,
    enum_param,
    handling_errors,
    int_param,
    json_body,
    json_response,
    offset_param,
    path_id,
    string_field,
)
from studio_comm.sandbox.rules import (
    CARD_FORMATS,
    CUSTOMER_STATUSES,
    apply_preferences,
    readable_customer,
    thread_request,
    zoned_now,
)
from studio_comm.sandbox.state import Sandbox


class Operations:
    """The operations' handlers, over one sandbox's state."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sb = sandbox
        self.store = sandbox.store

    def routes(self) -> list[Route]:
        op = handling_errors
        return [
            Route("/v1/customers", op(self.list_customers), methods=["GET"]),
            Route("/v1/customers/by", op(self.customer_by), methods=["GET"]),
            Route("/v1/customers/search", op(self.search), methods=["POST"]),
            Route("/v1/customers/{customerId}", op(self.customer), methods=["GET"]),
            Route("/v1/studios/information", op(self.studio), methods=["GET"]),
            Route("/v1/employees", op(self.employees), methods=["GET"]),
            Route("/v1/communications/{customerId}/communication-preferences",
                  op(self.get_preferences), methods=["GET"]),
            Route("/v1/communications/{customerId}/communication-preferences",
                  op(self.put_preferences), methods=["PUT"]),
            Route("/v1/communications/{customerId}/threads", op(self.create_thread),
                  methods=["POST"]),
            Route("/v1/communications/{customerId}/threads/{threadId}", op(self.add_to_thread),
                  methods=["PUT"]),
        ]

    @staticmethod
    def _card_format(request: Request) -> str:
        return enum_param(request.query_params.get("cardNumberFormat"), "cardNumberFormat",
                          CARD_FORMATS, "DECIMAL")

    async def list_customers(self, request: Request) -> Response:
        q = request.query_params
        size = int_param(q.get("sliceSize"), "sliceSize", 100, 50, 500)
        status = enum_param(q.get("customerStatus"), "customerStatus", CUSTOMER_STATUSES,
                            "MEMBER")
        self._card_format(request)
        offset = offset_param(request)
        bodies, has_next = self.store.customer_slice(status, offset, size)
        last = json.loads(bodies[-1])["id"] if bodies else offset
        return json_response(f'{{"result":[{",".join(bodies)}],'
                             f'"hasNext":{json.dumps(has_next)},"offset":"{last}"}}')

    async def customer_by(self, request: Request) -> Response:
        q = request.query_params
        fmt = self._card_format(request)
        criteria = {column: q[name] for name, column in (
            ("customerNumber", "customer_number"), ("barcode", "barcode"),
            ("debtorId", "debtor_id")) if q.get(name)}
        if q.get("cardNumber"):
            criteria["card_number"] = self._card_decimal(q["cardNumber"], fmt)
        if not criteria:
            raise VendorError(400, "One of customerNumber, cardNumber, barcode, debtorId is "
                                "required", "customerNumber")
        bodies = self.store.customers_by(criteria)
        if not bodies:
            raise VendorError(404, "No customer matches")
        return json_response(bodies[0])

    @staticmethod
    def _card_decimal(value: str, fmt: str) -> str:
        """Card numbers are stored in decimal; HEX_MSB/HEX_LSB are its 4 bytes in hex."""
        try:
            if fmt == "DECIMAL":
                return str(int(value, 10))
            number = int(value, 16)
            if fmt == "HEX_LSB":
                number = int.from_bytes(number.to_bytes(4, "big"), "little")
            return str(number)
        except (ValueError, OverflowError):
            raise VendorError(400, f"cardNumber is not a valid {fmt} card number",
                           "cardNumber") from None

    async def search(self, request: Request) -> Response:
        body = await json_body(request)
        if not isinstance(body, dict):
            raise VendorError(400, "The body must be a JSON object", "body")
        first = string_field(body, "firstName")
        last = string_field(body, "lastName")
        email = string_field(body, "email")
        dob = body.get("dateOfBirth")
        dob = None if dob is None else date_field(dob, "dateOfBirth")
        enum_param(body.get("cardNumberFormat"), "cardNumberFormat", CARD_FORMATS)
        if first is None and last is None and email is None and dob is None:
            raise VendorError(400, "At least one search criterion is required", "firstName")
        bodies = self.store.search(first, last, email, dob)
        return json_response(f"[{','.join(bodies)}]")

    async def customer(self, request: Request) -> Response:
        customer_id = path_id(request, "customerId")
        self._card_format(request)
        readable_customer(self.store, customer_id)
        return json_response(self.store.customer(customer_id))

    async def studio(self, request: Request) -> Response:
        return json_response(demo_data.studio_information())

    async def employees(self, request: Request) -> Response:
        q = request.query_params
        size = int_param(q.get("sliceSize"), "sliceSize", 50, 10, 100)
        start = offset_param(request)
        everyone = demo_data.employees()
        page = everyone[start:start + size]
        return json_response({"result": page, "hasNext": start + size < len(everyone),
                              "offset": str(start + len(page))})

    async def get_preferences(self, request: Request) -> Response:
        customer_id = readable_customer(self.store, path_id(request, "customerId"))
        return json_response(self.store.preferences(customer_id))

    async def put_preferences(self, request: Request) -> Response:
        customer_id = readable_customer(self.store, path_id(request, "customerId"))
        body = await json_body(request)
        current = self.store.preferences(customer_id)
        updated = apply_preferences(current, body, studio_change=False)
        self.store.set_preferences(customer_id, updated)
        self.sb.webhooks.send(customer_id)
        return json_response(updated)

    async def create_thread(self, request: Request) -> Response:
        return await self._communicate(request, thread=False)

    async def add_to_thread(self, request: Request) -> Response:
        return await self._communicate(request, thread=True)

    async def _communicate(self, request: Request, thread: bool) -> Response:
        customer_id = readable_customer(self.store, path_id(request, "customerId"))
        thread_id = path_id(request, "threadId") if thread else None
        message = thread_request(await json_body(request))
        stored = dict(message)
        stored.setdefault("communicationDateTime", zoned_now())
        ids = self.store.add_communication(customer_id, thread_id, stored)
        if ids is None:
            raise VendorError(404, f"Thread {thread_id} not found for customer {customer_id}")
        message.pop("communicationDateTime", None)
        return json_response({**message, "customerId": customer_id, "threadId": ids[0],
                              "communicationId": ids[1]})
