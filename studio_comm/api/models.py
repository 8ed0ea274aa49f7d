"""Typed models of the Magicline Open API schemas this project uses (v1.5.0 names).

Unknown fields are ignored. An enum value this version has never seen (a newer API may
add one) does not fail parsing: it becomes a pseudo-member that keeps the raw value and
answers `known == False`, so the UI can show it as "unknown" instead of crashing.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Generic, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer

# The enums live in api.enums (no pydantic); they are still imported from here too.
from studio_comm.api.enums import ApiEnum as ApiEnum
from studio_comm.api.enums import CardNumberFormat as CardNumberFormat
from studio_comm.api.enums import Channel, CustomerStatus, Direction, Gender, MessageCategory, ThreadStatus

_ZONED = re.compile(r"^(?P<stamp>[^\[]+)\[(?P<zone>[^\]]+)\]$")


def parse_datetime(value: object) -> object:
    """Accept RFC 3339 and Java ZonedDateTime strings (`...+02:00[Europe/Berlin]`)."""
    if not isinstance(value, str):
        return value
    match = _ZONED.match(value.strip())
    if not match:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    stamp = datetime.fromisoformat(match["stamp"].replace("Z", "+00:00"))
    try:
        zone = ZoneInfo(match["zone"])
    except (ZoneInfoNotFoundError, ValueError):
        return stamp
    return stamp.astimezone(zone) if stamp.tzinfo else stamp.replace(tzinfo=zone)


def format_datetime(value: datetime) -> str:
    """RFC 3339 with milliseconds and offset, the form the vendor's examples use."""
    return value.isoformat(timespec="milliseconds")


ZonedDateTime = Annotated[
    datetime,
    BeforeValidator(parse_datetime),
    PlainSerializer(format_datetime, return_type=str, when_used="json"),
]


def _alias(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


class WireModel(BaseModel):
    """Base of every API schema: camelCase on the wire, unknown fields ignored."""

    # defer_build: validators are built on first use, after the window has shown, not
    # while the app starts.
    model_config = ConfigDict(
        extra="ignore", populate_by_name=True, frozen=True, alias_generator=_alias,
        defer_build=True,
    )

    def to_wire(self) -> dict:
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class Language(WireModel):
    language_code: str | None = None
    country_code: str | None = None


class AccessMedium(WireModel):
    id: int | None = None
    type: str | None = None
    value: str | None = None


class Customer(WireModel):
    id: int
    status: CustomerStatus
    access_refusal: bool
    customer_number: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    date_of_birth: date | None = None
    email: str | None = None
    gender: Gender | None = None
    street: str | None = None
    house_number: str | None = None
    zip_code: str | None = None
    city: str | None = None
    country: str | None = None
    card_numbers: list[str] = Field(default_factory=list)
    phone_private: str | None = None
    phone_private_mobile: str | None = None
    phone_business: str | None = None
    phone_business_mobile: str | None = None
    studio_id: int | None = None
    preferred_language: Language | None = None
    access_mediums: list[AccessMedium] = Field(default_factory=list)
    # imageUrl is left out on purpose: it expires after 15 minutes and must not be stored.

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p) or f"#{self.id}"


T = TypeVar("T")


def _offset_text(value: object) -> object:
    # The schema says string; a number (or null on the last slice) must not fail parsing.
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class Slice(WireModel, Generic[T]):
    result: list[T]
    has_next: bool
    offset: Annotated[str | None, BeforeValidator(_offset_text)] = None


class CustomerSearchRequest(WireModel):
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    date_of_birth: date | None = None


class StudioInformation(WireModel):
    studio_id: int
    name: str | None = None
    email: str | None = None
    telephone: str | None = None
    street: str | None = None
    house_number: str | None = None
    zip: str | None = None
    city: str | None = None
    country_code: str | None = None


class Employee(WireModel):
    id: int
    first_name: str
    last_name: str
    employee_initials: str | None = None
    public_name: str | None = None

    @property
    def display_name(self) -> str:
        return self.public_name or f"{self.first_name} {self.last_name}".strip()


class ChannelSetting(WireModel):
    """`CommunicationChannelWrapper`: one channel of one category."""

    communication_channel: Channel
    customer_overridable: bool | None = None
    active: bool | None = None

    @property
    def fixed(self) -> bool:
        """Fixed by the studio: the customer's choice may not change it."""
        return self.customer_overridable is False


class CommunicationPreference(WireModel):
    message_category: MessageCategory
    channels: list[ChannelSetting] = Field(default_factory=list)


class ThreadRequest(WireModel):
    """`CommunicationThreadRequest`."""

    communication_thread_status: ThreadStatus
    subject: str
    content: str
    communication_direction: Direction
    communication_channel: Channel
    ticket_number: str | None = None
    ticket_link: str | None = None
    agent: str | None = None
    communication_date_time: ZonedDateTime | None = None


class ThreadResponse(WireModel):
    """`CommunicationThreadResponse`."""

    customer_id: int
    thread_id: int
    communication_id: int
    communication_thread_status: ThreadStatus
    subject: str
    content: str
    communication_direction: Direction
    communication_channel: Channel
    ticket_number: str | None = None
    ticket_link: str | None = None
    agent: str | None = None


class ErrorResponse(WireModel):
    error_message: str = ""
    error_code: str | None = None
    trace_id: str | None = None
    reference: str | None = None
