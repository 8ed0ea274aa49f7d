"""Checking a studio's address and testing a key before anything is saved (core.connection),
against the sandbox over loopback."""

from __future__ import annotations

import asyncio

import pytest

from studio_comm.api import errors
from studio_comm.core import connection
from studio_comm.core.connection import BaseUrlError, BaseUrlProblem, normalize_base_url

SECRET = "pa55w0rd-never-shown"


@pytest.mark.parametrize("url,problem", [
    (f"https://desk:{SECRET}@tenant.open-api.magicline.com", BaseUrlProblem.CREDENTIALS),
    (f"https://{SECRET}@tenant.open-api.magicline.com/v1", BaseUrlProblem.CREDENTIALS),
    (f"http://desk:{SECRET}@127.0.0.1:8001", BaseUrlProblem.CREDENTIALS),
    (f"https://tenant.open-api.magicline.com/?apiKey={SECRET}", BaseUrlProblem.QUERY),
    (f"http://localhost:8000/v1?token={SECRET}", BaseUrlProblem.QUERY),
    (f"https://tenant.open-api.magicline.com/#{SECRET}", BaseUrlProblem.FRAGMENT),
    ("http://tenant.open-api.magicline.com", BaseUrlProblem.PLAIN_HTTP),
    (f"ftp://{SECRET}@127.0.0.1", BaseUrlProblem.NOT_A_WEB_ADDRESS),
    (f"https://exa mple.com/{SECRET}", BaseUrlProblem.NOT_A_WEB_ADDRESS),
    ("", BaseUrlProblem.NOT_A_WEB_ADDRESS),
])
def test_an_address_with_credentials_a_query_or_plain_http_is_refused_without_repeating_it(url, problem):
    with pytest.raises(BaseUrlError) as caught:
        normalize_base_url(url)
    assert caught.value.problem == problem
    assert SECRET not in str(caught.value) and SECRET not in repr(caught.value)
    assert isinstance(caught.value, ValueError)  # callers that only know ValueError still refuse it


@pytest.mark.parametrize("url,normalized", [
    ("  https://tenant.open-api.magicline.com/v1/ ", "https://tenant.open-api.magicline.com"),
    ("https://tenant.open-api.magicline.com/?", "https://tenant.open-api.magicline.com"),  # an empty query
    ("http://127.0.0.1:8001/", "http://127.0.0.1:8001"),
    ("http://[::1]:9000", "http://[::1]:9000"),
    ("https://proxy.example.com/magicline/v1", "https://proxy.example.com/magicline"),
])
def test_a_usable_address_is_normalized_the_way_it_is_stored(url, normalized):
    assert normalize_base_url(url) == normalized


def test_test_connection_names_the_studio_or_raises_what_the_server_said(sandbox):
    async def body():
        info = await connection.test_connection(sandbox.base_url + "/v1/", sandbox.api_key, "de")
        with pytest.raises(errors.BadKeyError):
            await connection.test_connection(sandbox.base_url, "wrong-key")
        with pytest.raises(BaseUrlError):
            await connection.test_connection(sandbox.base_url + "?x=1", sandbox.api_key)
        return info

    info = asyncio.run(body())
    assert info.name == "Kraftwerk Fitness Hamburg-Altona"
    # The refused address sent nothing; the first test asked for answers in German.
    received = [r for r in sandbox.admin.received() if r["path"] == "/v1/studios/information"]
    assert [r["method"] for r in received] == ["HEAD", "GET", "HEAD"]
    assert [r["headers"].get("accept-language") for r in received] == ["de", "de", "en"]
