"""Profile keys: keyring under service studio-comm, session-only memory, clear errors."""

from __future__ import annotations

import asyncio
import traceback

import keyring.backend
import keyring.errors
import pytest

from studio_comm.core.credentials import (
    SERVICE,
    CredentialError,
    CredentialStore,
    KeyringFailedError,
    KeyringLockedError,
    NoKeyringError,
    keyring_available,
)
from tests.fixtures.keyring import use_keyring

KEY = "k-3f9a1c-secret-value"


class BrokenKeyring(keyring.backend.KeyringBackend):
    """A backend that fails the way D-Bus backends do, echoing what it was given."""

    priority = -1

    def __init__(self, error):
        super().__init__()
        self.error = error

    def get_password(self, service, username):
        raise self.error

    def set_password(self, service, username, password):
        raise type(self.error)(f"could not store {password} for {username}")

    def delete_password(self, service, username):
        raise self.error


def test_key_is_stored_under_service_and_profile_name(memory_keyring):
    store = CredentialStore()
    store.set("Studio Mitte", KEY)
    assert memory_keyring.passwords == {(SERVICE, "Studio Mitte"): KEY}
    assert store.get("Studio Mitte") == KEY
    assert CredentialStore().get("Studio Mitte") == KEY  # a fresh store reads the keyring
    assert store.get("other") is None
    store.delete("Studio Mitte")
    assert memory_keyring.passwords == {}
    store.delete("Studio Mitte")  # already gone: not an error


def test_async_methods_reach_the_keyring(memory_keyring):
    store = CredentialStore()

    async def roundtrip():
        await store.aset("p", KEY)
        got = await store.aget("p")
        await store.adelete("p")
        return got, await store.aget("p")

    assert asyncio.run(roundtrip()) == (KEY, None)


def test_no_keyring_is_reported_and_session_only_works(no_keyring):
    assert not keyring_available()
    store = CredentialStore()
    with pytest.raises(NoKeyringError) as caught:
        store.set("p", KEY)
    assert "keyring" in str(caught.value) and KEY not in str(caught.value)
    assert store.get("p") is None

    store.set("p", KEY, session_only=True)
    assert store.get("p") == KEY and store.is_session_only("p")
    assert KEY not in repr(store)
    assert CredentialStore().get("p") is None  # memory only: another store never sees it
    store.delete("p")
    assert store.get("p") is None


def test_backend_errors_are_mapped_without_the_key():
    with use_keyring(BrokenKeyring(keyring.errors.PasswordSetError("dbus said no"))):
        store = CredentialStore()
        with pytest.raises(KeyringFailedError) as caught:
            store.set("p", KEY)
        assert isinstance(caught.value, CredentialError)  # what a caller catching all of them sees
        assert KEY not in str(caught.value) and "***" in str(caught.value)
        # a logged traceback must not carry the backend's original message either
        assert KEY not in "".join(traceback.format_exception(caught.value))

    with use_keyring(BrokenKeyring(keyring.errors.KeyringLocked("locked"))):
        with pytest.raises(KeyringLockedError):
            store.get("p")


def test_storing_in_the_keyring_replaces_a_session_only_key(memory_keyring):
    store = CredentialStore()
    store.set("p", "old", session_only=True)
    store.set("p", KEY)
    assert not store.is_session_only("p")
    assert store.get("p") == KEY
