"""A campaign's definition: what cannot be sent is refused before anything is stored, and
running a name again with another definition is told apart from continuing it."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from studio_comm.core.campaign import CampaignDefinition, DefinitionError, current_status
from studio_comm.journal.records import CampaignLease, CampaignRecord
from studio_comm.journal.schema import utc_now

DEFINITION = CampaignDefinition("  Opening hours ", "NEWSLETTER", "EMAIL", ("PROSPECT", "MEMBER", "MEMBER"),
                                "New hours, {{member.first_name|friend}}",
                                "Dear {{member.first_name|member}}, from Monday we open at 6.")


def stored(**fields) -> CampaignRecord:
    now = utc_now()
    values = dict(id=1, studio_id=1, name="Opening hours", category="NEWSLETTER", channel="EMAIL",
                  statuses=["MEMBER", "PROSPECT"], subject=DEFINITION.subject, body=DEFINITION.body,
                  created_by=None, created_workstation=None, created_at=now, targeted_at=None,
                  status="created", reason=None, reason_detail=None, lease=None, updated_at=now)
    values.update(fields)
    return CampaignRecord(**values)


def test_a_definition_is_normalised():
    checked = DEFINITION.checked()
    assert checked.name == "Opening hours"
    assert checked.statuses == ("MEMBER", "PROSPECT")


@pytest.mark.parametrize(("change", "message"), [
    ({"name": " "}, "needs a name"),
    ({"name": "x" * 201}, "needs a name"),
    ({"category": "MARKETING"}, "Unknown message category “MARKETING”"),
    ({"channel": "SMS"}, "Unknown channel “SMS”"),
    ({"statuses": ()}, "at least one customer status"),
    ({"statuses": ("PAUSED",)}, "Unknown customer status “PAUSED”"),
    ({"body": "  \n"}, "needs a subject and a text"),
    ({"subject": "Hi\x00"}, "NUL character"),
    ({"body": "Hello {{member.firstname}}"}, r"Unknown variable \{\{member.firstname\}\}"),
])
def test_what_cannot_be_sent_is_refused(change, message):
    with pytest.raises(DefinitionError, match=message):
        replace(DEFINITION, **change).checked()


def test_the_same_definition_has_no_differences_and_another_names_each_field():
    assert DEFINITION.differences(stored()) == []
    changed = replace(DEFINITION, channel="TEXT_MESSAGE", statuses=("MEMBER",), body="Other text")
    assert changed.differences(stored()) == ["channel", "statuses", "body"]


def test_a_running_campaign_whose_lease_expired_reads_as_interrupted():
    now = utc_now()
    lease = CampaignLease("t", "Desk 2", "Jens P.", "pc-2", 7, now - timedelta(minutes=5), now - timedelta(seconds=1))
    assert current_status(stored(status="running", lease=lease)) == ("paused", "interrupted")
    alive = replace(lease, expires_at=now + timedelta(seconds=20))
    assert current_status(stored(status="running", lease=alive)) == ("running", None)
    assert current_status(stored(status="paused", reason="failures_in_a_row")) == ("paused", "failures_in_a_row")
