"""Connecting to a studio before it is saved: check the address, test the key.

The connection dialog and the command line (`--base-url`) check an address with the same
`normalize_base_url` before anything is stored, and the dialog's "Test connection" runs
`test_connection` on a client of its own, so the studio the app is connected to (if any)
is not touched by a test of another one.
"""

from __future__ import annotations

from studio_comm.api.client import BaseUrlError, BaseUrlProblem, MagiclineClient, normalize_base_url
from studio_comm.api.models import StudioInformation

__all__ = ["BaseUrlError", "BaseUrlProblem", "normalize_base_url", "test_connection"]


async def test_connection(base_url: str, key: str, language: str = "en") -> StudioInformation:
    """The studio's information when `key` is accepted at `base_url`.

    Raises `BaseUrlError` for an unusable address, ValueError for an unusable key (worded
    without the key), and the client's `ApiError`s for what the server answered.
    """
    async with MagiclineClient(base_url, key, language=language) as client:
        await client.check_key()
        return await client.studio_information()


# Its name is not a pytest test when a test imports it (mypy types a function without attributes).
test_connection.__test__ = False  # type: ignore[attr-defined]
