"""The sandbox's operations over loopback HTTP: what a Magicline client gets back."""

from __future__ import annotations

import httpx
import pytest

from studio_comm.sandbox import demo_data


@pytest.fixture
def http(sandbox):
    with httpx.Client(base_url=sandbox.base_url, headers={"X-API-KEY": sandbox.api_key},
                      timeout=30) as client:
        yield client


def all_customers(http, status="MEMBER", size=100):
    seen, offset = [], None
    while True:
        params = {"sliceSize": size, "customerStatus": status}
        if offset is not None:
            params["offset"] = offset
        page = http.get("/v1/customers", params=params)
        assert page.status_code == 200
        body = page.json()
        seen += body["result"]
        offset = body["offset"]
        if not body["hasNext"]:
            return seen


def test_paging_covers_all_2000_customers_once(http):
    by_status = {s: all_customers(http, s, 137 if s == "MEMBER" else 50)
                 for s in ("MEMBER", "PROSPECT", "FORMER_MEMBER")}
    ids = [c["id"] for cs in by_status.values() for c in cs]
    assert len(ids) == 2000 and len(set(ids)) == 2000
    for status, customers in by_status.items():
        assert {c["status"] for c in customers} == {status}
    assert len(by_status["MEMBER"]) > len(by_status["PROSPECT"]) + len(by_status["FORMER_MEMBER"])


def test_customer_list_defaults_to_members_and_100(http):
    body = http.get("/v1/customers").json()
    assert len(body["result"]) == 100 and body["hasNext"] is True
    assert {c["status"] for c in body["result"]} == {"MEMBER"}


@pytest.mark.parametrize("params, reference", [
    ({"sliceSize": 49}, "sliceSize"), ({"sliceSize": 501}, "sliceSize"),
    ({"sliceSize": "ten"}, "sliceSize"), ({"customerStatus": "VIP"}, "customerStatus"),
    ({"offset": "abc"}, "offset"), ({"cardNumberFormat": "OCTAL"}, "cardNumberFormat"),
    # Python's int() reads these; an int32 or an offset they are not.
    ({"offset": "²"}, "offset"), ({"sliceSize": "1_00"}, "sliceSize"),
])
def test_customer_list_rejects_bad_parameters(http, params, reference):
    response = http.get("/v1/customers", params=params)
    assert response.status_code == 400
    body = response.json()
    assert body["reference"] == reference and body["errorMessage"] and body["traceId"]


def test_customer_by_id_and_by_identifiers(http):
    first = http.get("/v1/customers").json()["result"][3]
    assert http.get(f"/v1/customers/{first['id']}").json() == first
    card = next(m["value"] for m in first["accessMediums"] if m["type"] == "CARD_NUMBER")
    barcode = next(m["value"] for m in first["accessMediums"] if m["type"] == "BARCODE")
    number = int(card)
    for params in ({"customerNumber": first["customerNumber"]}, {"cardNumber": card},
                   {"cardNumber": f"{number:08X}", "cardNumberFormat": "HEX_MSB"},
                   {"cardNumber": number.to_bytes(4, "little").hex(),
                    "cardNumberFormat": "HEX_LSB"},
                   {"barcode": barcode}, {"debtorId": f"D-{first['id']}"}):
        response = http.get("/v1/customers/by", params=params)
        assert response.status_code == 200, params
        assert response.json()["id"] == first["id"]


def test_customer_by_unknown_is_404_and_without_criteria_400(http):
    assert http.get("/v1/customers/by", params={"customerNumber": "nope"}).status_code == 404
    assert http.get("/v1/customers/by").status_code == 400
    response = http.get("/v1/customers/by", params={"cardNumber": "xyz",
                                                     "cardNumberFormat": "HEX_MSB"})
    assert response.status_code == 400 and response.json()["reference"] == "cardNumber"


def test_unknown_customer_is_404_and_bad_id_400(http):
    response = http.get("/v1/customers/999")
    assert response.status_code == 404 and response.json()["errorMessage"]
    response = http.get("/v1/customers/abc")
    assert response.status_code == 400 and response.json()["reference"] == "customerId"


def test_search_matches_name_prefixes_case_insensitively(http):
    everyone = all_customers(http, "MEMBER", 500)
    target = next(c for c in everyone if c["lastName"].startswith("Mü"))
    found = http.post("/v1/customers/search", json={"lastName": "mü"}).json()
    assert target["id"] in [c["id"] for c in found]
    assert all(c["lastName"].casefold().startswith("mü") for c in found)
    # from the start only: "üller" must not find Müller
    assert all(not c["lastName"].startswith("Mü")
               for c in http.post("/v1/customers/search", json={"lastName": "üller"}).json())
    both = http.post("/v1/customers/search", json={
        "firstName": target["firstName"][:2].upper(), "lastName": target["lastName"]}).json()
    assert target["id"] in [c["id"] for c in both]


def test_search_by_email_and_birthday(http):
    target = next(c for c in all_customers(http, "PROSPECT", 500) if "email" in c)
    found = http.post("/v1/customers/search", json={"email": target["email"].upper()}).json()
    assert target["id"] in [c["id"] for c in found]
    found = http.post("/v1/customers/search", json={"dateOfBirth": target["dateOfBirth"]}).json()
    assert target["id"] in [c["id"] for c in found]
    assert {c["dateOfBirth"] for c in found} == {target["dateOfBirth"]}


@pytest.mark.parametrize("body, reference", [
    ({"firstName": 5}, "firstName"), ({"dateOfBirth": "1.2.1990"}, "dateOfBirth"),
    ({}, "firstName"), ([], "body"),
])
def test_search_rejects_bad_bodies(http, body, reference):
    response = http.post("/v1/customers/search", json=body)
    assert response.status_code == 400 and response.json()["reference"] == reference


def test_search_rejects_malformed_json(http):
    response = http.post("/v1/customers/search", content=b'{"firstName": ',
                         headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and response.json()["reference"] == "body"


def test_studio_information_and_employees(http):
    studio = http.get("/v1/studios/information").json()
    assert studio["name"] and studio["studioId"] == demo_data.STUDIO_ID
    assert studio["closingHours"][0]["dateTimeFrom"].endswith("[Europe/Berlin]")
    first = http.get("/v1/employees", params={"sliceSize": 10}).json()
    assert len(first["result"]) == 8 and first["hasNext"] is False
    assert all(e["employeeInitials"] for e in first["result"])
    assert http.get("/v1/employees", params={"sliceSize": 9}).status_code == 400
    assert http.get("/v1/employees", params={"sliceSize": 101}).status_code == 400


@pytest.mark.parametrize("params, reference", [
    ({"sliceSize": 9}, "sliceSize"), ({"sliceSize": 101}, "sliceSize"),
    ({"offset": "²"}, "offset"), ({"offset": "-1"}, "offset"),
])
def test_employee_list_rejects_bad_parameters(http, params, reference):
    response = http.get("/v1/employees", params=params)
    assert response.status_code == 400
    assert response.json()["reference"] == reference


def test_employees_page_by_offset(http):
    seen, offset = [], "0"
    while True:
        page = http.get("/v1/employees", params={"sliceSize": 10, "offset": offset}).json()
        seen += page["result"]
        offset = page["offset"]
        if not page["hasNext"]:
            break
    assert len({e["id"] for e in seen}) == len(seen) == 8


def test_key_is_required_everywhere(sandbox):
    with httpx.Client(base_url=sandbox.base_url, timeout=30) as anonymous:
        for headers in ({}, {"X-API-KEY": "wrong"}):
            response = anonymous.get("/v1/studios/information", headers=headers)
            assert response.status_code == 401 and response.json()["errorMessage"]
            assert anonymous.head("/v1/customers", headers=headers).status_code == 401
        ok = anonymous.head("/anything/at/all", headers={"x-api-key": sandbox.api_key})
        assert ok.status_code == 200


def test_unknown_path_and_method(http):
    assert http.get("/v1/nothing").status_code == 404
    assert http.delete("/v1/customers/1000001").status_code == 405
