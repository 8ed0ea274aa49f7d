"""The vendor's rules as the sandbox applies them: validating a message, applying a
preferences PUT, which customers exist, the server's clock.

Choices the vendor does not specify (the sandbox's documented behaviour):
- Preferences PUT changes only what it names: a category left out keeps all its
  channels, a channel left out keeps its value, a channel without `active` keeps it, and
  `customerOverridable` in the request is ignored (the studio decides it).
- A PUT that changes `active` of a channel the studio fixed (`customerOverridable:
  false`, e.g. CONTRACT x LETTER and CONTRACT x EMAIL) is refused with 400; sending the
  fixed value unchanged is accepted. A PUT naming a category the customer does not have
  or a channel the category does not offer is refused with 400. The whole PUT is
  refused, nothing is applied. `reference` is then `CATEGORY.CHANNEL` (or `CATEGORY`).
- Schema violations answer 400 with `reference` = the offending field: a query or path
  parameter's name, a body field's name for objects (`subject`), or a JSON path for
  arrays (`[1].channels[0].communicationChannel`); `body` for a malformed or missing body.
- Every accepted preferences PUT fires the CUSTOMER_COMMUNICATION_PREFERENCES_UPDATED
  webhook, whether or not a value changed.
- `customerStatus` accepts FORMER_MEMBER (the vendor's newer versions have it; the 1.5.0
  description's parameter enum lacks it, its Customer.status enum has it).
- A customer search with no criterion is refused with 400; names match as prefixes from
  the start, case-insensitively (Unicode case folding); email and dateOfBirth exactly.
- Offsets are opaque strings (here: the last id of the slice); a malformed one is 400.
- A customer whose access was disabled (the CUSTOMER_ACCESS_DISABLED event: "that
  customer's data can no longer be requested") answers 403 on every operation on that
  customer (customer, preferences GET and PUT, thread POST and PUT): the vendor's 403 is
  "the caller has no privilege to the given resource", and the customer still exists, so
  it is not 404. Lists, searches and `/v1/customers/by` leave such a customer out (a `by`
  that matches only them is 404, as for no match). A deleted customer (CUSTOMER_DELETED)
  answers 404 everywhere, like one that never existed.
- A customer created in Magicline itself (admin) is a MEMBER unless a status is given,
  has the next free id and customer number, and no access media.
"""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from starlette.requests import Request

from studio_comm.sandbox import demo_data
from studio_comm.sandbox.http import VendorError, date_field, datetime_field, enum_param, path_id, string_field
from studio_comm.sandbox.store import ACCESS_DISABLED, Store

THREAD_STATUSES = ("CREATED", "ONGOING", "CLOSED")
DIRECTIONS = ("INCOMING", "OUTGOING")
CUSTOMER_STATUSES = ("MEMBER", "PROSPECT", "FORMER_MEMBER")
CARD_FORMATS = ("DECIMAL", "HEX_MSB", "HEX_LSB")
GENDERS = ("MALE", "FEMALE", "UNISEX")
# The Customer fields a change in Magicline itself may set (admin); the rest is the server's.
CUSTOMER_TEXT_FIELDS = (
    "customerNumber", "firstName", "lastName", "email", "street", "houseNumber", "zipCode",
    "city", "country", "phonePrivate", "phonePrivateMobile", "phoneBusiness",
    "phoneBusinessMobile")
CUSTOMER_REQUIRED_FIELDS = ("firstName", "lastName")


def zoned_now() -> str:
    """Now in the vendor's form: `2026-01-05T09:30:00.000+01:00[Europe/Berlin]`."""
    zone: dt.tzinfo
    try:
        zone = ZoneInfo(demo_data.ZONE)
    except ZoneInfoNotFoundError:  # Windows without the tzdata package
        zone = dt.timezone(dt.timedelta(hours=1))
    now = dt.datetime.now(zone)
    return now.isoformat(timespec="milliseconds") + f"[{demo_data.ZONE}]"


def existing_customer(store: Store, request: Request) -> int:
    """The path's `customerId`; 404 when there is no such customer (for Magicline itself,
    which still sees a customer whose access is disabled)."""
    customer_id = path_id(request, "customerId")
    if store.standing(customer_id) is None:
        raise VendorError(404, f"Customer {customer_id} not found")
    return customer_id


def readable_customer(store: Store, customer_id: int) -> int:
    """`customer_id` if the API may serve its data: 404 when there is no such customer,
    403 when its access is disabled."""
    standing = store.standing(customer_id)
    if standing is None:
        raise VendorError(404, f"Customer {customer_id} not found")
    if standing == ACCESS_DISABLED:
        raise VendorError(403, f"Access to the data of customer {customer_id} is disabled")
    return customer_id


def customer_fields(body, creating: bool) -> dict:
    """Validate the Customer fields of an admin create (`creating`) or update: known
    fields only, each of its type; in an update, null removes an optional field."""
    if not isinstance(body, dict):
        raise VendorError(400, "The body must be a JSON object", "body")
    fields: dict[str, str | None] = {}
    for name, value in body.items():
        if value is None:
            if creating or name in CUSTOMER_REQUIRED_FIELDS or name == "status":
                raise VendorError(400, f"{name} must not be null", name)
            fields[name] = None
        elif name in CUSTOMER_TEXT_FIELDS:
            fields[name] = string_field(body, name)
        elif name == "dateOfBirth":
            fields[name] = date_field(value, name)
        elif name == "gender":
            fields[name] = enum_param(value, name, GENDERS)
        elif name == "status":
            fields[name] = enum_param(value, name, CUSTOMER_STATUSES)
        else:
            raise VendorError(400, f"{name} cannot be set", name)
    for name in CUSTOMER_REQUIRED_FIELDS:
        if creating and name not in fields:
            raise VendorError(400, f"{name} is required", name)
        if name in fields and not (fields[name] or "").strip():
            raise VendorError(400, f"{name} must not be empty", name)
    return fields


def thread_request(body) -> dict:
    """Validate a CommunicationThreadRequest; returns the known fields that were sent."""
    if not isinstance(body, dict):
        raise VendorError(400, "The body must be a JSON object", "body")
    message = {
        "communicationThreadStatus": enum_param(
            body.get("communicationThreadStatus"), "communicationThreadStatus",
            THREAD_STATUSES),
        "subject": string_field(body, "subject", required=True),
        "content": string_field(body, "content", required=True),
        "communicationDirection": enum_param(
            body.get("communicationDirection"), "communicationDirection", DIRECTIONS),
        "communicationChannel": enum_param(
            body.get("communicationChannel"), "communicationChannel", demo_data.CHANNELS),
    }
    for name in ("communicationThreadStatus", "communicationDirection", "communicationChannel"):
        if message[name] is None:
            raise VendorError(400, f"{name} is required", name)
    for name in ("ticketNumber", "ticketLink", "agent"):
        if (value := string_field(body, name)) is not None:
            message[name] = value
    if body.get("communicationDateTime") is not None:
        message["communicationDateTime"] = datetime_field(
            body["communicationDateTime"], "communicationDateTime")
    return message


def apply_preferences(current: list[dict], body, studio_change: bool) -> list[dict]:
    """The preferences after applying a PUT body to `current` (see the module docstring).

    `studio_change` is a change made in Magicline itself (admin): it may set fixed channels.
    """
    if not isinstance(body, list):
        raise VendorError(400, "The body must be a JSON array of CommunicationPreference", "body")
    result = json.loads(json.dumps(current))
    by_category = {p["messageCategory"]: p for p in result}
    seen = set()
    for i, item in enumerate(body):
        if not isinstance(item, dict):
            raise VendorError(400, "Each preference must be an object", f"[{i}]")
        category = enum_param(item.get("messageCategory"), f"[{i}].messageCategory",
                              demo_data.CATEGORIES)
        if category is None:
            raise VendorError(400, "messageCategory is required", f"[{i}].messageCategory")
        if category in seen:
            raise VendorError(400, f"{category} appears twice", f"[{i}].messageCategory")
        seen.add(category)
        channels = item.get("channels")
        channels = [] if channels is None else channels
        if not isinstance(channels, list):
            raise VendorError(400, "channels must be an array", f"[{i}].channels")
        target = by_category.get(category)
        if target is None:
            raise VendorError(400, f"This customer has no {category} preferences", category)
        offered = {c["communicationChannel"]: c for c in target["channels"]}
        for j, wrapper in enumerate(channels):
            where = f"[{i}].channels[{j}]"
            if not isinstance(wrapper, dict):
                raise VendorError(400, "Each channel must be an object", where)
            channel = enum_param(wrapper.get("communicationChannel"),
                                 f"{where}.communicationChannel", demo_data.CHANNELS)
            if channel is None:
                raise VendorError(400, "communicationChannel is required",
                               f"{where}.communicationChannel")
            for flag in ("active", "customerOverridable"):
                if wrapper.get(flag) is not None and not isinstance(wrapper[flag], bool):
                    raise VendorError(400, f"{flag} must be a boolean", f"{where}.{flag}")
            cell = offered.get(channel)
            if cell is None:
                raise VendorError(400, f"{category} is not offered on {channel}",
                               f"{category}.{channel}")
            active = wrapper.get("active")
            if active is None or active == cell["active"]:
                continue
            if not cell["customerOverridable"] and not studio_change:
                raise VendorError(400, f"{category} on {channel} is fixed by the studio",
                               f"{category}.{channel}")
            cell["active"] = active
    return result
