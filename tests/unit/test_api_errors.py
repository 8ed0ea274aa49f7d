"""Error types: one per meaning, sentences for studio staff, server details kept."""

from __future__ import annotations

import pickle

import pytest

from studio_comm.api import errors


@pytest.mark.parametrize(
    "status,kind",
    [(400, errors.InvalidRequestError), (401, errors.BadKeyError), (403, errors.ForbiddenError),
     (404, errors.NotFoundError), (409, errors.ConflictError), (429, errors.RateLimitedError),
     (500, errors.ServerError), (502, errors.ServerError), (503, errors.ServerError),
     (504, errors.ServerError), (418, errors.ApiError)],
)
def test_each_status_has_its_error_type(status, kind):
    assert errors.error_class_for(status) is kind


def test_network_errors_share_a_base_that_tells_sent_from_unknown():
    assert issubclass(errors.NotSentError, errors.NetworkError)
    assert issubclass(errors.OutcomeUnknownError, errors.NetworkError)
    assert issubclass(errors.NetworkError, errors.ApiError)
    assert not issubclass(errors.OutcomeUnknownError, errors.NotSentError)


def test_the_sentence_names_the_problem_the_field_the_server_text_and_the_trace_id():
    e = errors.InvalidRequestError(status=400, error_message="E-Mail ist ungültig", error_code="invalid.email",
                                   trace_id="8f3a", reference="email", request_id="r1", endpoint="PUT /x")
    assert str(e) == ("Request refused as invalid (400). Field: email. "
                      "Magicline says: “E-Mail ist ungültig” Trace id: 8f3a.")
    assert repr(e) == ("InvalidRequestError(status=400, error_code='invalid.email', trace_id='8f3a', "
                       "reference='email', request_id='r1', endpoint='PUT /x')")


def test_the_description_is_technical_and_names_the_status():
    # The user's sentence ("Check the key in the connection settings") is the UI's.
    assert str(errors.BadKeyError(status=401)) == "API key refused (401)."


def test_errors_survive_pickling_with_all_details():
    e = errors.OutcomeUnknownError("no answer in time", request_id="r2", endpoint="POST /v1/x")
    copy = pickle.loads(pickle.dumps(e))
    assert (type(copy), str(copy), copy.request_id, copy.endpoint) == (
        errors.OutcomeUnknownError, str(e), "r2", "POST /v1/x")
