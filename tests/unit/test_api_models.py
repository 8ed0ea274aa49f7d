"""The API models read what Magicline sends (and newer versions may send) without crashing."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest
from pydantic import TypeAdapter, ValidationError

from studio_comm.api.models import (
    Channel,
    CommunicationPreference,
    Customer,
    CustomerSearchRequest,
    CustomerStatus,
    Direction,
    ErrorResponse,
    MessageCategory,
    Slice,
    ThreadRequest,
    ThreadStatus,
    parse_datetime,
)

# The facts-only extract of the vendor's description kept in the repository
# (scripts/extract_vendor_schema.py).
SPEC = Path(__file__).resolve().parents[1] / "data" / "magicline_schema.json"


@pytest.mark.parametrize(
    "text,offset_hours,zone",
    [
        ("2022-06-22T08:00:00.000+02:00[Europe/Berlin]", 2, "Europe/Berlin"),
        ("2022-01-22T07:00:00+01:00[Europe/Berlin]", 1, "Europe/Berlin"),
        ("2022-06-22T06:00:00Z[UTC]", 0, "UTC"),
        ("2022-06-22T08:00:00.000+02:00", 2, None),
        ("2022-06-22T06:00:00Z", 0, None),
        ("2022-06-22T08:00:00.000+02:00[Mars/Olympus]", 2, None),  # unknown zone: offset kept
    ],
)
def test_zoned_date_times_parse_to_the_right_instant(text, offset_hours, zone):
    value = parse_datetime(text)
    assert value.utcoffset() == timedelta(hours=offset_hours)
    assert value.astimezone(UTC).hour == 6
    if zone:
        assert str(value.tzinfo) == zone


def test_a_back_dated_thread_request_sends_an_offset_date_time():
    request = ThreadRequest.model_validate({
        "communicationThreadStatus": "ONGOING", "subject": "Call", "content": "Asked about fees",
        "communicationDirection": "INCOMING", "communicationChannel": "PHONE",
        "communicationDateTime": "2026-03-01T10:30:00.000+01:00[Europe/Berlin]",
    })
    wire = request.to_wire()
    assert wire["communicationDateTime"] == "2026-03-01T10:30:00.000+01:00"
    assert request.communication_date_time == datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def test_unknown_enum_values_keep_the_raw_value_and_say_they_are_unknown():
    pref = CommunicationPreference.model_validate(
        {"messageCategory": "SURVEY", "channels": [{"communicationChannel": "WHATSAPP", "active": True},
                                                   {"communicationChannel": "EMAIL"}]}
    )
    category, (new, old) = pref.message_category, [c.communication_channel for c in pref.channels]
    assert (category, category.known, isinstance(category, MessageCategory)) == ("SURVEY", False, True)
    assert (new.value, new.known) == ("WHATSAPP", False)
    assert old is Channel.EMAIL and old.known
    # Written back unchanged, so a PUT does not lose what a newer API added.
    assert pref.to_wire()["channels"][0]["communicationChannel"] == "WHATSAPP"
    assert CustomerStatus("FORMER_MEMBER").known


def test_unknown_fields_are_ignored_and_the_image_url_is_not_kept():
    customer = Customer.model_validate({
        "id": 1, "status": "MEMBER", "accessRefusal": True, "imageUrl": "https://expiring",
        "bankAccount": {"iban": "DE00"}, "someFutureField": [1, 2], "dateOfBirth": "1990-01-31",
        "preferredLanguage": {"languageCode": "de", "countryCode": "DE"},
        "accessMediums": [{"id": 3, "type": "CARD_NUMBER", "value": "0A1B"}],
    })
    assert customer.date_of_birth == date(1990, 1, 31)
    assert customer.preferred_language.language_code == "de"
    assert "imageUrl" not in customer.to_wire() and "someFutureField" not in customer.to_wire()


@pytest.mark.parametrize("missing", ["id", "status", "accessRefusal"])
def test_a_customer_without_a_required_field_is_rejected(missing):
    body = {"id": 1, "status": "MEMBER", "accessRefusal": False}
    del body[missing]
    with pytest.raises(ValidationError):
        Customer.model_validate(body)


def test_slices_accept_the_documented_shape_and_tolerate_odd_offsets():
    adapter = TypeAdapter(Slice[Customer])
    page = adapter.validate_json(json.dumps(
        {"result": [{"id": 1, "status": "PROSPECT", "accessRefusal": False}], "hasNext": True, "offset": "123"}
    ))
    assert (page.has_next, page.offset, page.result[0].status) == (True, "123", CustomerStatus.PROSPECT)
    assert adapter.validate_python({"result": [], "hasNext": True, "offset": 456}).offset == "456"
    assert adapter.validate_python({"result": [], "hasNext": False, "offset": None}).offset is None
    with pytest.raises(ValidationError):
        adapter.validate_python({"result": [], "offset": "1"})


def test_error_response_reads_the_documented_fields():
    error = ErrorResponse.model_validate(
        {"errorMessage": "Invalid", "errorCode": "e.1", "traceId": "abc", "reference": "email",
         "args": ["x"], "typedArgs": [{"type": "STRING", "value": "x"}]}
    )
    assert (error.error_message, error.error_code, error.trace_id, error.reference) == (
        "Invalid",
        "e.1",
        "abc",
        "email",
    )


def _schema(name: str) -> dict:
    """The vendor's schema of `name`, with its references resolvable by jsonschema."""
    spec = json.loads(SPEC.read_text())
    return {**spec["components"]["schemas"][name], "components": spec["components"]}


def test_what_the_client_sends_fits_the_vendors_schemas():
    thread = ThreadRequest(
        communication_thread_status=ThreadStatus.CREATED, subject="s", content="c",
        communication_direction=Direction.OUTGOING, communication_channel=Channel.TEXT_MESSAGE,
        ticket_number="T-1", agent="Anna", communication_date_time=datetime(2026, 1, 1, tzinfo=UTC),
    )
    jsonschema.validate(thread.to_wire(), _schema("CommunicationThreadRequest"))
    search = CustomerSearchRequest(last_name="Lo", date_of_birth=date(1990, 1, 2))
    jsonschema.validate(search.to_wire(), _schema("CustomerSearchRequest"))
    pref = CommunicationPreference.model_validate(
        {"messageCategory": "GENERAL", "channels": [{"communicationChannel": "FAX", "active": False,
                                                     "customerOverridable": True}]})
    jsonschema.validate(pref.to_wire(), _schema("CommunicationPreference"))
