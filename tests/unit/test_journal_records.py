"""Profiles, the audit trail, the consent review's preference cache, and the one-member
export of a data-protection request."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

STUDIO, OTHER_STUDIO = 1210, 1211
PREFS = [
    {"messageCategory": "NEWSLETTER", "channels": [
        {"communicationChannel": "TEXT_MESSAGE", "active": False, "customerOverridable": True},
        {"communicationChannel": "EMAIL", "active": True, "customerOverridable": True}]},
    {"messageCategory": "CONTRACT", "channels": [
        {"communicationChannel": "EMAIL", "active": True, "customerOverridable": False}]},
]


def test_profiles_upsert_by_name_and_never_hold_a_key(journal):
    journal.save_profile("Köln Süd", "https://a.example/api", 1210, "Studio Köln")
    journal.save_profile("Bonn", "https://b.example/api", 1300, "Studio Bonn")
    saved = journal.save_profile("Köln Süd", "https://a2.example/api", 1210, "Studio Köln 💪")
    assert [p.name for p in journal.profiles()] == ["Bonn", "Köln Süd"]
    assert journal.profile("Köln Süd") == saved
    assert saved.studio_name == "Studio Köln 💪"
    assert journal.profile("nope") is None
    assert not hasattr(saved, "api_key")


def test_an_audit_entry_round_trips_its_json(journal):
    intent = [{"messageCategory": "NEWSLETTER", "communicationChannel": "TEXT_MESSAGE",
               "active": False, "note": "Mitglied möchte keine SMS 📵"}]
    entry = journal.add_audit("preferences", request_id="req-1", studio_id=STUDIO, customer_id=7,
                              staff="Jörg Müller", workstation="Theke 1", before=PREFS,
                              after=PREFS[:1], intent=intent, outcome="saved", http_status=200,
                              trace_id="t-1")
    [read] = journal.audit(STUDIO)
    assert read == entry
    assert (read.before, read.after, read.intent) == (PREFS, PREFS[:1], intent)
    assert read.at == read.created_at and read.at.tzinfo is not None


def test_audit_filters_combine_and_return_newest_first(journal):
    add = journal.add_audit
    add("preferences", studio_id=STUDIO, customer_id=7, staff="Anna", outcome="saved")
    add("message", studio_id=STUDIO, customer_id=7, staff="Ben", outcome="sent")
    add("preferences", studio_id=STUDIO, customer_id=8, staff="Anna", outcome="conflict")
    add("preferences", studio_id=OTHER_STUDIO, customer_id=7, staff="Anna", outcome="saved")
    everything = journal.audit()
    assert len(everything) == 4
    assert [e.id for e in everything] == sorted((e.id for e in everything), reverse=True)

    outcomes = lambda entries: [e.outcome for e in entries]  # noqa: E731
    assert outcomes(journal.audit(STUDIO)) == ["conflict", "sent", "saved"]
    assert outcomes(journal.audit(STUDIO, customer_id=7)) == ["sent", "saved"]
    assert outcomes(journal.audit(STUDIO, customer_ids=[8, 99])) == ["conflict"]
    assert journal.audit(STUDIO, customer_ids=[]) == []
    assert outcomes(journal.audit(STUDIO, staff="Anna", action="preferences")) == ["conflict",
                                                                                   "saved"]
    assert outcomes(journal.audit(action="preferences", limit=2)) == ["saved", "conflict"]


def test_audit_time_range_includes_since_and_excludes_until(journal):
    entries = [journal.add_audit("message", studio_id=STUDIO, outcome=str(i)) for i in range(3)]
    middle = entries[1].created_at
    assert [e.outcome for e in journal.audit(STUDIO, since=middle)] == ["2", "1"]
    assert [e.outcome for e in journal.audit(STUDIO, until=middle)] == ["0"]
    day_after = datetime.now(UTC) + timedelta(days=1)
    assert journal.audit(STUDIO, since=day_after) == []


def reading(customer_id, read_at, status="MEMBER", prefs=PREFS, **extra):
    return {"customer_id": customer_id, "customer_number": f"M-{customer_id}",
            "name": f"Zoë Weiß {customer_id}", "status": status, "preferences": prefs,
            "read_at": read_at, **extra}


def test_the_preference_cache_upserts_many_rows_at_once(journal):
    old = datetime(2026, 1, 1, tzinfo=UTC)
    count = journal.cache_preferences(STUDIO, [reading(i, old) for i in range(1, 1001)])
    assert count == 1000
    journal.cache_preferences(OTHER_STUDIO, [reading(1, old)])
    new = old + timedelta(days=30)
    journal.cache_preferences(STUDIO, [
        reading(5, new, prefs=PREFS[:1]),
        reading(6, new, prefs=None, error="NOT_FOUND"),
    ])
    assert journal.cache_preferences(STUDIO, []) == 0

    cached = journal.cached_preferences(STUDIO)
    assert [c.customer_id for c in cached] == list(range(1, 1001))
    five, six = cached[4], cached[5]
    assert (five.preferences, five.read_at, five.name) == (PREFS[:1], new, "Zoë Weiß 5")
    assert (six.preferences, six.error) == (None, "NOT_FOUND")
    assert cached[0].preferences == PREFS and cached[0].read_at == old
    assert journal.cached_customer(STUDIO, 6) == six
    assert journal.cached_customer(STUDIO, 5000) is None


def test_cached_preferences_filter_by_status_and_age(journal):
    t0 = datetime(2026, 5, 1, tzinfo=UTC)
    journal.cache_preferences(STUDIO, [
        reading(1, t0, "MEMBER"), reading(2, t0 + timedelta(hours=2), "MEMBER"),
        reading(3, t0, "PROSPECT"), reading(4, t0 + timedelta(hours=2), "FORMER_MEMBER"),
    ])
    ids = lambda records: [r.customer_id for r in records]  # noqa: E731
    assert ids(journal.cached_preferences(STUDIO, statuses=["MEMBER", "PROSPECT"])) == [1, 2, 3]
    assert ids(journal.cached_preferences(STUDIO, older_than=t0 + timedelta(hours=1))) == [1, 3]
    assert ids(journal.cached_preferences(STUDIO, statuses=["MEMBER"],
                                          older_than=t0 + timedelta(hours=1))) == [1]
    assert journal.cached_preferences(STUDIO, statuses=[]) == []

    summary = journal.cache_summary(STUDIO)
    assert summary.count == 4
    assert (summary.oldest, summary.newest) == (t0, t0 + timedelta(hours=2))
    assert summary.by_status == {"MEMBER": 2, "PROSPECT": 1, "FORMER_MEMBER": 1}
    empty = journal.cache_summary(OTHER_STUDIO)
    assert (empty.count, empty.oldest, empty.newest, empty.by_status) == (0, None, None, {})


def test_a_customer_export_holds_everything_about_that_member_only(journal):
    mine = journal.add_thread(STUDIO, 7, "Kündigung", "CREATED", "CONTRACT")
    journal.add_message("m-1", mine.id, "INCOMING", "PHONE", "Kündigung", "Anruf von Zoë ☎️")
    journal.add_message("m-2", mine.id, "OUTGOING", "EMAIL", "Kündigung", "Bestätigung")
    theirs = journal.add_thread(STUDIO, 8, "Other", "CREATED")
    journal.add_message("o-1", theirs.id, "OUTGOING", "EMAIL", "Other", "not for 7")
    elsewhere = journal.add_thread(OTHER_STUDIO, 7, "Elsewhere", "CREATED")
    journal.add_message("e-1", elsewhere.id, "OUTGOING", "EMAIL", "Elsewhere", "other studio")
    journal.add_audit("preferences", studio_id=STUDIO, customer_id=7, before=PREFS, after=PREFS)
    journal.add_audit("message", request_id="m-2", studio_id=STUDIO, customer_id=7)
    journal.add_audit("preferences", studio_id=STUDIO, customer_id=8)
    now = datetime.now(UTC)
    journal.cache_preferences(STUDIO, [reading(7, now), reading(8, now)])

    export = journal.customer_export(STUDIO, 7)
    assert (export.studio_id, export.customer_id) == (STUDIO, 7)
    assert [t.subject for t in export.threads] == ["Kündigung"]
    assert [m.content for m in export.messages] == ["Anruf von Zoë ☎️", "Bestätigung"]
    assert [a.action for a in export.audit] == ["message", "preferences"]
    assert export.audit[1].before == PREFS
    assert export.preferences.customer_id == 7 and export.preferences.preferences == PREFS

    nobody = journal.customer_export(STUDIO, 99)
    assert (nobody.threads, nobody.messages, nobody.audit, nobody.preferences) == ([], [], [], None)


@pytest.mark.parametrize("value", [
    {"ä": ["ö", "ü", "ß", "🎉"], "n": 2**62, "f": 1.5, "t": True, "z": None},
    ["Zoë", "日本", "👩‍👩‍👧"],
    "nur Text mit Ümlaut",
])
def test_json_values_round_trip_exactly(journal, value):
    journal.add_audit("preferences", studio_id=STUDIO, before=value, after=value, intent=value)
    [entry] = journal.audit(STUDIO)
    assert entry.before == entry.after == entry.intent == value
