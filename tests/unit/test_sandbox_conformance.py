"""Every answer the sandbox gives for the operations studio-comm uses fits the vendor's schema.

The schema is tests/data/magicline_schema.json, a facts-only extract of the vendor's
OpenAPI 1.5.0 (scripts/extract_vendor_schema.py). Validation is stricter than the vendor
asks: objects may carry only the properties the schema names, so a misspelt field in the
sandbox fails here. Documented deviation: v1.5.0's `customerStatus` parameter enum lacks
FORMER_MEMBER (newer versions have it; the sandbox accepts it).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from pathlib import Path

import httpx
import jsonschema
import pytest

SCHEMA = json.loads((Path(__file__).parent.parent / "data" / "magicline_schema.json")
                    .read_text(encoding="utf-8"))
COMPONENTS = SCHEMA["components"]
C, C2 = 1_000_001, 1_000_002
PREFS = "/v1/communications/{customerId}/communication-preferences"
THREADS = "/v1/communications/{customerId}/threads"
THREAD = "/v1/communications/{customerId}/threads/{threadId}"
MESSAGE = {"communicationThreadStatus": "ONGOING", "subject": "Termin", "content": "Hallo",
           "communicationDirection": "INCOMING", "communicationChannel": "PHONE",
           "ticketNumber": "T-1", "ticketLink": "https://tickets.example/T-1", "agent": "Jens"}


def strict(schema):
    """Close every object schema that lists properties (no unknown fields)."""
    if isinstance(schema, dict):
        schema = {k: strict(v) for k, v in schema.items()}
        if "properties" in schema and "additionalProperties" not in schema:
            schema["additionalProperties"] = False
        return schema
    if isinstance(schema, list):
        return [strict(s) for s in schema]
    return schema


FORMATS = jsonschema.FormatChecker(formats=())


@FORMATS.checks("date", raises=ValueError)
def _date(value):
    return not isinstance(value, str) or bool(dt.date.fromisoformat(value))


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value):
    # the vendor's zoned form: RFC 3339 plus an optional [Zone/Id] suffix
    if isinstance(value, str):
        return dt.datetime.fromisoformat(re.sub(r"\[[^\]]+\]$", "", value)).tzinfo is not None
    return True


@FORMATS.checks("int64")
def _int64(value):
    return not isinstance(value, int) or -2**63 <= value < 2**63


@FORMATS.checks("int32")
def _int32(value):
    return not isinstance(value, int) or -2**31 <= value < 2**31


def validator(method: str, template: str, status: int):
    responses = SCHEMA["paths"][template][method.lower()]["responses"]
    # 503 is not in the 1.5.0 description but the vendor answers it under load, with the
    # same ErrorResponse body as every other error.
    schema = responses.get(str(status)) or (
        {"$ref": "#/components/schemas/ErrorResponse"} if status == 503 else None)
    assert schema is not None, f"{method} {template}: status {status} is not documented"
    return jsonschema.Draft202012Validator(strict({**schema, "components": COMPONENTS}),
                                           format_checker=FORMATS)


class Checker:
    """Sends requests and validates each answer against the operation's schema."""

    def __init__(self, http: httpx.Client) -> None:
        self.http = http
        self.covered: dict[str, set[int]] = defaultdict(set)

    def __call__(self, method: str, template: str, expect: int, *, params=None, json=None,
                 headers=None, **path):
        response = self.http.request(method, template.format(**path), params=params,
                                     json=json, headers=headers)
        assert response.status_code == expect, (template, response.text)
        validator(method, template, expect).validate(response.json())
        self.covered[f"{method} {template}"].add(expect)
        return response.json()


@pytest.fixture
def check(sandbox):
    with httpx.Client(base_url=sandbox.base_url, headers={"X-API-KEY": sandbox.api_key},
                      timeout=30) as http:
        yield Checker(http)


def test_extract_is_facts_only():
    text = json.dumps(SCHEMA)
    for word in ('"example"', '"summary"', "x-enumDescriptions", '"description": "'):
        assert word not in text
    assert "FORMER_MEMBER" not in SCHEMA["paths"]["/v1/customers"]["get"]["parameters"][4][
        "schema"]["enum"]  # the documented v1.5.0 gap
    assert len(SCHEMA["paths"]) == 9


def test_every_operation_conforms_for_success_and_errors(sandbox, check):
    bad_key = {"X-API-KEY": "wrong"}
    # customers, paged, every status including the newer FORMER_MEMBER
    for status in ("MEMBER", "PROSPECT", "FORMER_MEMBER"):
        page = check("GET", "/v1/customers", 200, params={"customerStatus": status,
                                                           "sliceSize": 500})
    page = check("GET", "/v1/customers", 200, params={"sliceSize": 500, "offset": page["offset"]})
    check("GET", "/v1/customers", 400, params={"sliceSize": 10})
    check("GET", "/v1/customers", 401, headers=bad_key)
    customer = check("GET", "/v1/customers/{customerId}", 200, customerId=C)
    check("GET", "/v1/customers/{customerId}", 404, customerId=5)
    check("GET", "/v1/customers/{customerId}", 400, customerId="x")
    check("GET", "/v1/customers/{customerId}", 401, customerId=C, headers=bad_key)
    check("GET", "/v1/customers/by", 200, params={"customerNumber": customer["customerNumber"]})
    check("GET", "/v1/customers/by", 404, params={"barcode": "none"})
    check("GET", "/v1/customers/by", 400)
    check("GET", "/v1/customers/by", 401, params={"barcode": "x"}, headers=bad_key)
    check("POST", "/v1/customers/search", 200, json={"lastName": "S"})
    check("POST", "/v1/customers/search", 200, json={"email": "nobody@example.org"})
    check("POST", "/v1/customers/search", 400, json={"dateOfBirth": "soon"})
    check("POST", "/v1/customers/search", 401, json={"lastName": "S"}, headers=bad_key)
    check("GET", "/v1/studios/information", 200)
    check("GET", "/v1/studios/information", 401, headers=bad_key)
    check("GET", "/v1/employees", 200, params={"sliceSize": 10})
    check("GET", "/v1/employees", 400, params={"sliceSize": 1000})
    check("GET", "/v1/employees", 401, headers=bad_key)
    for cid in range(C, C + 25):  # several customers: sparse matrices differ
        prefs = check("GET", PREFS, 200, customerId=cid)
    check("GET", PREFS, 404, customerId=9)
    check("GET", PREFS, 401, customerId=C, headers=bad_key)
    check("PUT", PREFS, 200, customerId=C, json=prefs[:1])
    check("PUT", PREFS, 400, customerId=C, json=[{"messageCategory": "CONTRACT", "channels": [
        {"communicationChannel": "LETTER", "active": False}]}])
    check("PUT", PREFS, 404, customerId=9, json=[])
    check("PUT", PREFS, 401, customerId=C, json=[], headers=bad_key)
    thread = check("POST", THREADS, 200, customerId=C, json=MESSAGE)
    check("POST", THREADS, 400, customerId=C, json={"subject": "x"})
    check("POST", THREADS, 404, customerId=9, json=MESSAGE)
    check("POST", THREADS, 401, customerId=C, json=MESSAGE, headers=bad_key)
    check("PUT", THREAD, 200, customerId=C, threadId=thread["threadId"], json=MESSAGE)
    check("PUT", THREAD, 404, customerId=C2, threadId=thread["threadId"], json=MESSAGE)
    check("PUT", THREAD, 400, customerId=C, threadId=thread["threadId"], json=[])
    check("PUT", THREAD, 401, customerId=C, threadId=1, json=MESSAGE, headers=bad_key)
    # injected server statuses and the rate limit answer with ErrorResponse bodies too
    for status in (500, 503, 409, 429):
        sandbox.admin.set_faults(f"status={status}:count=1")
        check("PUT", PREFS, status, customerId=C, json=[])
    sandbox.admin.set_faults("")
    sandbox.admin.set_rate_limit(1, 60)
    check("GET", "/v1/employees", 200)
    check("GET", "/v1/employees", 429)

    operations = {f"{m.upper()} {p}" for p, ms in SCHEMA["paths"].items() for m in ms}
    assert set(check.covered) == operations
    for operation, statuses in check.covered.items():
        assert {200, 401}.issubset(statuses), operation
        if operation != "GET /v1/studios/information":  # takes no input to get wrong
            assert statuses & {400, 404}, operation


def test_unknown_enum_fault_breaks_the_schema_on_purpose(sandbox, check):
    sandbox.admin.set_faults("enum:count=1")
    response = check.http.get(PREFS.format(customerId=C))
    with pytest.raises(jsonschema.ValidationError):
        validator("GET", PREFS, 200).validate(response.json())


def test_customers_changed_in_magicline_conform_and_so_do_their_refusals(sandbox, check):
    created = sandbox.admin.create_customer({"firstName": "Zora", "lastName": "Quist",
                                             "email": "zora@example.org", "gender": "FEMALE",
                                             "dateOfBirth": "1990-02-03", "country": "DE"})
    check("GET", "/v1/customers/{customerId}", 200, customerId=created["id"])
    sandbox.admin.update_customer(C, {"lastName": "Quast", "phonePrivate": None})
    check("GET", "/v1/customers/{customerId}", 200, customerId=C)
    check("POST", "/v1/customers/search", 200, json={"lastName": "Qu"})
    thread = check("POST", THREADS, 200, customerId=C2, json=MESSAGE)
    sandbox.admin.disable_access(C2)
    check("GET", "/v1/customers/{customerId}", 403, customerId=C2)
    check("GET", PREFS, 403, customerId=C2)
    check("PUT", PREFS, 403, customerId=C2, json=[])
    check("POST", THREADS, 403, customerId=C2, json=MESSAGE)
    check("PUT", THREAD, 403, customerId=C2, threadId=thread["threadId"], json=MESSAGE)
    sandbox.admin.delete_customer(created["id"])
    check("GET", "/v1/customers/{customerId}", 404, customerId=created["id"])
