"""Pure rules of messaging: the consent guard's verdicts and what each failure means."""

from __future__ import annotations

import pytest

from studio_comm.api import errors
from studio_comm.api.models import Channel, MessageCategory
from studio_comm.core.consent import Consent, consent, consent_by_channel
from studio_comm.core.matrix import Matrix
from studio_comm.core.messaging import state_after

PREFS = Matrix.from_wire([
    {"messageCategory": "NEWSLETTER", "channels": [
        {"communicationChannel": "EMAIL", "customerOverridable": True, "active": True},
        {"communicationChannel": "TEXT_MESSAGE", "customerOverridable": True, "active": False},
        {"communicationChannel": "LETTER", "customerOverridable": True},  # no `active` given
    ]},
    {"messageCategory": "CONTRACT", "channels": [
        {"communicationChannel": "EMAIL", "customerOverridable": False, "active": True},
    ]},
])


@pytest.mark.parametrize(("category", "channel", "expected"), [
    ("NEWSLETTER", "EMAIL", Consent(True)),
    ("NEWSLETTER", "TEXT_MESSAGE", Consent(False, "inactive")),
    ("NEWSLETTER", "LETTER", Consent(False, "inactive")),  # nothing granted
    ("NEWSLETTER", "PHONE", Consent(False, "absent")),  # the category lacks the channel
    ("GENERAL", "EMAIL", Consent(False, "absent")),  # the member lacks the category
    ("CONTRACT", "EMAIL", Consent(True)),  # fixed on by the studio
])
def test_consent_guard(category, channel, expected):
    assert consent(PREFS, category, channel) == expected


def test_consent_by_channel_covers_every_channel():
    verdicts = consent_by_channel(PREFS, MessageCategory.NEWSLETTER)
    assert list(verdicts) == list(Channel)
    assert [c for c, v in verdicts.items() if v.allowed] == [Channel.EMAIL]


@pytest.mark.parametrize(("error", "state"), [
    (errors.NotSentError("refused"), "failed"),
    (errors.OutcomeUnknownError("no answer in time"), "unknown"),
    (errors.RateLimitedError(status=429), "failed"),
    (errors.ServerError(status=503), "failed"),
    (errors.ServerError(status=502), "failed"),
    (errors.ServerError(status=504), "failed"),
    (errors.ServerError(status=500), "rejected"),
    (errors.InvalidRequestError(status=400, error_message="subject too long"), "rejected"),
    (errors.NotFoundError(status=404), "rejected"),
    (errors.ConflictError(status=409), "rejected"),
    (errors.MalformedResponseError("truncated", status=200), "unknown"),
])
def test_what_a_failure_means_for_the_message(error, state):
    assert state_after(error) == state
