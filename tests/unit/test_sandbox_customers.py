"""Customers changed in Magicline itself (admin): created, updated, access disabled, deleted,
and what the API answers for them afterwards."""

from __future__ import annotations

import httpx
import pytest

from studio_comm.sandbox import demo_data

MESSAGE = {"communicationThreadStatus": "CREATED", "subject": "Kurs", "content": "Hallo",
           "communicationDirection": "OUTGOING", "communicationChannel": "EMAIL"}
NEWSLETTER_OFF = [{"messageCategory": "NEWSLETTER", "channels": [
    {"communicationChannel": "EMAIL", "active": False}]}]


@pytest.fixture
def http(sandbox):
    with httpx.Client(base_url=sandbox.base_url, headers={"X-API-KEY": sandbox.api_key},
                      timeout=30) as client:
        yield client


@pytest.fixture
def member(http):
    """A seeded MEMBER with a customer number and a last name to search for."""
    return http.get("/v1/customers", params={"sliceSize": 50}).json()["result"][3]


def prefs_url(customer_id: int) -> str:
    return f"/v1/communications/{customer_id}/communication-preferences"


def every_customer_call(http, customer_id: int, thread_id: int) -> dict[str, httpx.Response]:
    """One request to each operation on the customer."""
    return {
        "customer": http.get(f"/v1/customers/{customer_id}"),
        "preferences": http.get(prefs_url(customer_id)),
        "put preferences": http.put(prefs_url(customer_id), json=NEWSLETTER_OFF),
        "new thread": http.post(f"/v1/communications/{customer_id}/threads", json=MESSAGE),
        "follow-up": http.put(f"/v1/communications/{customer_id}/threads/{thread_id}",
                              json={**MESSAGE, "communicationThreadStatus": "ONGOING"}),
    }


def listed_ids(http, status: str = "MEMBER") -> set[int]:
    ids, offset = set(), "0"
    while True:
        page = http.get("/v1/customers", params={"sliceSize": 500, "offset": offset,
                                                 "customerStatus": status}).json()
        ids.update(c["id"] for c in page["result"])
        if not page["hasNext"]:
            return ids
        offset = page["offset"]


def found_ids(http, **criteria) -> set[int]:
    response = http.post("/v1/customers/search", json=criteria)
    assert response.status_code == 200
    return {c["id"] for c in response.json()}


def test_a_customer_whose_access_is_disabled_answers_403_and_is_left_out(sandbox, http, member):
    cid = member["id"]
    thread = http.post(f"/v1/communications/{cid}/threads", json=MESSAGE).json()
    sandbox.admin.disable_access(cid)
    for call, response in every_customer_call(http, cid, thread["threadId"]).items():
        assert response.status_code == 403, call
        assert response.json()["errorCode"] == "FORBIDDEN"
        assert str(cid) in response.json()["errorMessage"]
    assert cid not in listed_ids(http)
    assert cid not in found_ids(http, lastName=member["lastName"])
    assert http.get("/v1/customers/by",
                    params={"customerNumber": member["customerNumber"]}).status_code == 404
    # nothing was applied or stored while refused, and Magicline itself still sees them
    assert len(sandbox.admin.threads(cid)[0]["communications"]) == 1
    # other customers are untouched
    assert http.get(f"/v1/customers/{cid + 1}").status_code == 200
    assert http.get(prefs_url(cid + 1)).status_code == 200


def test_a_deleted_customer_is_404_everywhere(sandbox, http, member):
    cid = member["id"]
    thread = http.post(f"/v1/communications/{cid}/threads", json=MESSAGE).json()
    sandbox.admin.delete_customer(cid)
    for call, response in every_customer_call(http, cid, thread["threadId"]).items():
        assert response.status_code == 404, call
    assert cid not in listed_ids(http)
    assert cid not in found_ids(http, lastName=member["lastName"])
    for admin_call in (sandbox.admin.threads, sandbox.admin.delete_customer,
                       sandbox.admin.disable_access):
        with pytest.raises(httpx.HTTPStatusError) as caught:
            admin_call(cid)
        assert caught.value.response.status_code == 404


def test_a_created_customer_is_served_like_a_seeded_one(sandbox, http):
    body = sandbox.admin.create_customer({"firstName": "Zora", "lastName": "Quist",
                                          "email": "Zora.Quist@Example.org",
                                          "dateOfBirth": "1990-02-03"})
    cid = body["id"]
    assert cid >= demo_data.FIRST_CUSTOMER_ID + 2000  # after the seeded 2,000 (never reused)
    assert body["status"] == "MEMBER" and body["accessRefusal"] is False
    assert http.get(f"/v1/customers/{cid}").json() == body
    assert http.get("/v1/customers/by",
                    params={"customerNumber": body["customerNumber"]}).json() == body
    assert found_ids(http, lastName="quist") == {cid}
    assert found_ids(http, email="zora.quist@example.org") == {cid}
    assert found_ids(http, dateOfBirth="1990-02-03") >= {cid}
    assert cid in listed_ids(http)
    assert http.get(prefs_url(cid)).status_code == 200
    assert http.post(f"/v1/communications/{cid}/threads", json=MESSAGE).status_code == 200
    prospect = sandbox.admin.create_customer({"firstName": "Ole", "lastName": "Quist",
                                              "status": "PROSPECT"})
    assert prospect["id"] == cid + 1 and prospect["id"] in listed_ids(http, "PROSPECT")


def test_an_updated_customer_is_found_by_its_new_fields(sandbox, http, member):
    cid = member["id"]
    changed = sandbox.admin.update_customer(cid, {"lastName": "Quandt-Überall",
                                                  "email": None, "status": "FORMER_MEMBER"})
    assert changed["lastName"] == "Quandt-Überall" and "email" not in changed
    assert changed["firstName"] == member["firstName"]  # what was not named is kept
    assert http.get(f"/v1/customers/{cid}").json() == changed
    assert found_ids(http, lastName="quandt-ü") == {cid}
    assert cid not in found_ids(http, lastName=member["lastName"])
    assert cid not in listed_ids(http) and cid in listed_ids(http, "FORMER_MEMBER")


@pytest.mark.parametrize(("body", "reference"), [
    ({"firstName": "Ann"}, "lastName"),
    ({"firstName": "Ann", "lastName": " "}, "lastName"),
    ({"firstName": "Ann", "lastName": "Lee", "id": 7}, "id"),
    ({"firstName": "Ann", "lastName": "Lee", "dateOfBirth": "soon"}, "dateOfBirth"),
    ({"firstName": "Ann", "lastName": "Lee", "status": "PAUSED"}, "status"),
    ({"firstName": "Ann", "lastName": "Lee", "email": 5}, "email"),
    ({"firstName": "Ann", "lastName": "Lee", "email": None}, "email"),
    (["Ann"], "body"),
])
def test_a_create_that_breaks_the_customer_schema_is_refused(sandbox, http, body, reference):
    before = listed_ids(http)
    response = httpx.post(f"{sandbox.base_url}/__sandbox__/customers", json=body,
                          headers={"X-API-KEY": sandbox.api_key})
    assert response.status_code == 400 and response.json()["reference"] == reference
    assert listed_ids(http) == before


@pytest.mark.parametrize(("body", "reference"), [
    ({"status": None}, "status"), ({"firstName": None}, "firstName"),
    ({"uuid": "x"}, "uuid"), ({"gender": "OTHER"}, "gender")])
def test_an_update_that_breaks_the_customer_schema_is_refused(sandbox, http, member, body,
                                                              reference):
    response = httpx.patch(f"{sandbox.base_url}/__sandbox__/customers/{member['id']}",
                           json=body, headers={"X-API-KEY": sandbox.api_key})
    assert response.status_code == 400 and response.json()["reference"] == reference
    assert http.get(f"/v1/customers/{member['id']}").json() == member


def test_reset_brings_back_the_seeded_customers_and_never_reuses_an_id(sandbox, http, member):
    cid = member["id"]
    before = [http.get(f"/v1/customers/{c}").json() for c in (cid, cid + 1, cid + 2)]
    created = sandbox.admin.create_customer({"firstName": "Zora", "lastName": "Quist"})
    sandbox.admin.update_customer(cid, {"lastName": "Anders"})
    sandbox.admin.update_customer(cid, {"firstName": "Bea"})  # changed twice: first state kept
    sandbox.admin.disable_access(cid + 1)
    sandbox.admin.delete_customer(cid + 2)
    sandbox.admin.reset()
    assert [http.get(f"/v1/customers/{c}").json() for c in (cid, cid + 1, cid + 2)] == before
    assert found_ids(http, lastName=member["lastName"]) >= {cid}
    assert http.get(f"/v1/customers/{created['id']}").status_code == 404
    again = sandbox.admin.create_customer({"firstName": "Zora", "lastName": "Quist"})
    assert again["id"] == created["id"] + 1


def test_the_member_app_changes_only_what_a_member_may(sandbox, http, member):
    cid = member["id"]
    contract_letter_off = [{"messageCategory": "CONTRACT", "channels": [
        {"communicationChannel": "LETTER", "active": False}]}]
    with pytest.raises(httpx.HTTPStatusError) as caught:
        sandbox.admin.set_preferences(cid, contract_letter_off, by="member")
    assert caught.value.response.status_code == 400
    assert caught.value.response.json()["reference"] == "CONTRACT.LETTER"
    updated = sandbox.admin.set_preferences(cid, NEWSLETTER_OFF, by="member")
    assert http.get(prefs_url(cid)).json() == updated
    newsletter = next(p for p in updated if p["messageCategory"] == "NEWSLETTER")
    assert {"communicationChannel": "EMAIL", "customerOverridable": True,
            "active": False} in newsletter["channels"]
    sandbox.admin.set_preferences(cid, contract_letter_off, by="studio")  # Magicline may
    with pytest.raises(httpx.HTTPStatusError) as caught:
        sandbox.admin.set_preferences(cid, NEWSLETTER_OFF, by="robot")
    assert caught.value.response.json()["reference"] == "by"
