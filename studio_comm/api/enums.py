"""The API's enumerations (v1.5.0 wire values), tolerant of values from newer versions.

Apart from the models (studio_comm.api.models, which re-exports them) because they need no
pydantic: the UI fills its first window's lists from them before the rest of the API
client is imported.
"""

from __future__ import annotations

from enum import StrEnum


class ApiEnum(StrEnum):
    """A string enum that tolerates values from newer API versions."""

    @classmethod
    def _missing_(cls, value: object) -> ApiEnum | None:
        if not isinstance(value, str) or not value:
            return None
        member = str.__new__(cls, value)
        member._name_ = value
        member._value_ = value
        return member

    @property
    def known(self) -> bool:
        return self._name_ in type(self).__members__


class MessageCategory(ApiEnum):
    CONTRACT = "CONTRACT"
    GENERAL = "GENERAL"
    APPOINTMENT = "APPOINTMENT"
    NEWSLETTER = "NEWSLETTER"
    LOYALTY_PROGRAM = "LOYALTY_PROGRAM"


class Channel(ApiEnum):
    LETTER = "LETTER"
    EMAIL = "EMAIL"
    TEXT_MESSAGE = "TEXT_MESSAGE"
    PHONE = "PHONE"
    FAX = "FAX"
    CONVERSATION = "CONVERSATION"
    CHAT = "CHAT"
    OTHER = "OTHER"


class Direction(ApiEnum):
    INCOMING = "INCOMING"
    OUTGOING = "OUTGOING"


class ThreadStatus(ApiEnum):
    CREATED = "CREATED"
    ONGOING = "ONGOING"
    CLOSED = "CLOSED"


class CustomerStatus(ApiEnum):
    MEMBER = "MEMBER"
    PROSPECT = "PROSPECT"
    FORMER_MEMBER = "FORMER_MEMBER"


class Gender(ApiEnum):
    MALE = "MALE"
    FEMALE = "FEMALE"
    UNISEX = "UNISEX"


class CardNumberFormat(ApiEnum):
    DECIMAL = "DECIMAL"
    HEX_MSB = "HEX_MSB"
    HEX_LSB = "HEX_LSB"
