"""The demo studio's data: deterministic from the seed and plausible enough for screenshots."""

from __future__ import annotations

import json
from collections import Counter

from studio_comm.sandbox import demo_data


def bodies(count: int, seed: int) -> list[dict]:
    return [json.loads(row.body) for row in demo_data.customers(count, seed)]


def test_same_seed_same_customers_other_seed_others():
    assert bodies(300, 5) == bodies(300, 5)
    assert bodies(300, 5) != bodies(300, 6)
    assert demo_data.default_preferences(1_000_010, 5) == demo_data.default_preferences(1_000_010, 5)


def test_customers_look_like_a_real_german_studio():
    customers = bodies(2000, 1)
    statuses = Counter(c["status"] for c in customers)
    assert set(statuses) == {"MEMBER", "PROSPECT", "FORMER_MEMBER"}
    assert statuses["MEMBER"] > 0.7 * len(customers)
    refused = sum(c["accessRefusal"] for c in customers)
    assert 0 < refused < 0.1 * len(customers)
    names = " ".join(f"{c['firstName']} {c['lastName']}" for c in customers)
    for text in ("ü", "ö", "ß", "Müller"):
        assert text in names
    assert any("\u0590" <= ch <= "\u06ff" for ch in names)  # Hebrew or Arabic (RTL)
    assert any(ord(ch) > 0xFFFF for ch in names)  # an emoji
    numbers = [c["customerNumber"] for c in customers]
    assert len(set(numbers)) == len(numbers)
    with_email = [c for c in customers if "email" in c]
    assert 0.8 * len(customers) < len(with_email) < len(customers)
    assert all("@" in c["email"] and c["email"].isascii() for c in with_email)


def test_preferences_are_sparse_and_respect_the_studio_matrix():
    seen_loyalty = Counter()
    for cid in range(1_000_001, 1_000_201):
        prefs = demo_data.default_preferences(cid, 1)
        categories = [p["messageCategory"] for p in prefs]
        seen_loyalty["LOYALTY_PROGRAM" in categories] += 1
        for p in prefs:
            offered = demo_data.OFFERED[p["messageCategory"]]
            assert [c["communicationChannel"] for c in p["channels"]] == list(offered)
            for c in p["channels"]:
                fixed = demo_data.FIXED.get((p["messageCategory"], c["communicationChannel"]))
                assert c["customerOverridable"] is (fixed is None)
                if fixed is not None:
                    assert c["active"] is fixed
    assert seen_loyalty[True] and seen_loyalty[False]


def test_studio_and_employees():
    studio = demo_data.studio_information()
    assert studio["countryCode"] == "DE" and "Hamburg" in studio["name"]
    staff = demo_data.employees()
    assert len(staff) == 8 and len({e["id"] for e in staff}) == 8
