"""The vendor's webhook body, WebhookEventRequest (shared/magicline/webhooks.json), read
and checked by hand so that a refusal says exactly what is wrong.

    {"entityId": int64, "uuid": "<uuid>", "payload": [{"timestamp": int64 (ms),
     "type": "<string>", "content": {...}?}]}

Fields the schema does not name are ignored (the vendor may add some). Where this is not
the schema word for word:
- `content: null` counts as absent: Java serialisers write an absent field as null, and
  refusing such an event would lose it.
- `type` is at most 200 printable characters: it is stored and logged, and the vendor's
  types are short names (CUSTOMER_CREATED); an unknown one is stored like any other.
- the body must be UTF-8 JSON (RFC 8259); NaN and Infinity are not JSON.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from studio_comm.journal.feed import NewEvent

_INT64 = (-(2**63), 2**63 - 1)
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
MAX_TYPE_LENGTH = 200


class NotJson(ValueError):
    """The body is not JSON text (answered 415)."""


class ContractError(ValueError):
    """JSON that is not a WebhookEventRequest (answered 400); the message says where."""


@dataclass(frozen=True, slots=True)
class Webhook:
    entity_id: int
    uuid: str  # lower case, so a redelivery in other letters is the same event
    payload: list[tuple[int, str, dict | None]]  # (timestamp_ms, type, content)

    def events(self, studio_id: int) -> list[NewEvent]:
        return [NewEvent(studio_id, type_, "webhook", self.entity_id, self.uuid, part, timestamp, content)
                for part, (timestamp, type_, content) in enumerate(self.payload)]


def _not_a_constant(name: str):
    raise NotJson(f"{name} is not JSON")


def decode(body: bytes) -> Any:
    """The JSON value of a request body; NotJson or ContractError (too deeply nested)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotJson(f"the body is not UTF-8 text (byte {exc.start})") from None
    try:
        return json.loads(text.removeprefix("\ufeff"), parse_constant=_not_a_constant)
    except json.JSONDecodeError as exc:
        raise NotJson(f"the body is not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise ContractError("the body is nested too deeply") from None


def _int64(value: Any, where: str) -> int:
    # bool is an int in Python, not in JSON; 1.0 is a number, not an integer.
    if not isinstance(value, int) or isinstance(value, bool):
        raise ContractError(f"{where} must be an integer (int64), not {_kind(value)}")
    if not _INT64[0] <= value <= _INT64[1]:
        raise ContractError(f"{where} is out of the int64 range")
    return value


def _kind(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
            float: "a fraction", int: "an integer", type(None): "null"}.get(type(value), type(value).__name__)


def _required(obj: dict, name: str, where: str) -> Any:
    if name not in obj:
        raise ContractError(f"{where}{name} is required")
    return obj[name]


def parse(data: Any) -> Webhook:
    """A WebhookEventRequest from its decoded JSON; ContractError says what does not fit."""
    if not isinstance(data, dict):
        raise ContractError(f"the body must be a JSON object (WebhookEventRequest), not {_kind(data)}")
    entity_id = _int64(_required(data, "entityId", ""), "entityId")
    uuid = _required(data, "uuid", "")
    if not isinstance(uuid, str):
        raise ContractError(f"uuid must be a string, not {_kind(uuid)}")
    if not _UUID.fullmatch(uuid):
        raise ContractError("uuid must be a UUID (8-4-4-4-12 hexadecimal digits)")
    payload = _required(data, "payload", "")
    if not isinstance(payload, list):
        raise ContractError(f"payload must be an array, not {_kind(payload)}")
    events = []
    for index, item in enumerate(payload):
        where = f"payload[{index}]"
        if not isinstance(item, dict):
            raise ContractError(f"{where} must be an object (WebhookEvent), not {_kind(item)}")
        timestamp = _int64(_required(item, "timestamp", f"{where}."), f"{where}.timestamp")
        type_ = _required(item, "type", f"{where}.")
        if not isinstance(type_, str):
            raise ContractError(f"{where}.type must be a string, not {_kind(type_)}")
        if len(type_) > MAX_TYPE_LENGTH or not type_.isprintable():
            raise ContractError(f"{where}.type must be at most {MAX_TYPE_LENGTH} printable characters")
        content = item.get("content")
        if content is not None and not isinstance(content, dict):
            raise ContractError(f"{where}.content must be an object, not {_kind(content)}")
        events.append((timestamp, type_, content))
    return Webhook(entity_id, uuid.lower(), events)
