"""API keys of studio profiles: the OS keyring, or memory for this session only.

The key of profile NAME lives in the OS keyring under service `studio-comm`, user NAME.
When no keyring is available (a bare Linux desktop has none), the UI may offer to keep
the key in memory until the app quits. A key is never written to a file: there is no
file fallback on purpose, since keyrings.alt's file backends only encode.

Keyring calls can block (D-Bus, an unlock prompt): from an event loop use the `a*`
coroutines, which run them on a worker thread.
"""

from __future__ import annotations

import asyncio
import threading
from types import ModuleType

SERVICE = "studio-comm"


class CredentialError(Exception):
    """A profile's key could not be had. The subclasses say why; the UI tells them apart
    with isinstance and words each (the English message is for logs and the command line)."""

    sentence = "The API key could not be used."

    def __init__(self, detail: str = ""):
        self.detail = detail
        super().__init__(self.sentence + (f" ({detail})" if detail else ""))


class NoKeyringError(CredentialError):
    """No usable keyring on this machine: the UI offers to keep the key for the session."""

    sentence = "No system keyring is available on this computer, so the API key cannot be stored."


class KeyringLockedError(CredentialError):
    """The keyring is locked and was not unlocked."""

    sentence = "The system keyring is locked; unlock it to use the stored API key."


class KeyringFailedError(CredentialError):
    """The keyring answered with an error (`detail` says which, without the key)."""

    sentence = "The system keyring could not be used."


class MissingKeyError(CredentialError):
    """The profile has no stored key; the connection dialog asks for it."""

    def __init__(self, profile: str):
        self.profile = profile
        self.sentence = f"No API key is stored for the studio profile “{profile}”. Enter it to connect."
        super().__init__()


def _keyring() -> ModuleType:
    """keyring, imported on first use (from a worker thread): importing it costs about
    60 ms, which the first window need not wait for."""
    import keyring
    import keyring.errors

    return keyring


def _mapped(exc: BaseException, secret: str | None = None) -> CredentialError:
    """Translate a keyring/backend exception into a CredentialError without leaking the key."""
    detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    if secret:
        detail = detail.replace(secret, "***")
    if isinstance(exc, _keyring().errors.NoKeyringError):
        return NoKeyringError()
    if isinstance(exc, _keyring().errors.KeyringLocked):
        return KeyringLockedError(detail)
    return KeyringFailedError(detail)


def keyring_available() -> bool:
    """True when a real keyring backend is configured (not keyring's `fail` backend)."""
    from keyring.backends import fail

    backend = _keyring().get_keyring()
    if isinstance(backend, fail.Keyring):
        return False
    # The chainer backend with nothing to chain behaves like `fail`.
    chained = getattr(backend, "backends", None)
    return chained is None or bool(chained)


class CredentialStore:
    """Get, set and delete profile keys; session-only keys stay in this object's memory."""

    def __init__(self, service: str = SERVICE):
        self.service = service
        self._session: dict[str, str] = {}
        self._lock = threading.Lock()  # the a* methods run on worker threads

    def __repr__(self) -> str:
        return f"CredentialStore(service={self.service!r}, session_profiles={len(self._session)})"

    def is_session_only(self, profile: str) -> bool:
        with self._lock:
            return profile in self._session

    def get(self, profile: str) -> str | None:
        """The profile's key, or None when none is stored. Raises CredentialError."""
        with self._lock:
            if profile in self._session:
                return self._session[profile]
        if not keyring_available():
            return None  # nothing can be stored there, so nothing is missing either
        try:
            return _keyring().get_password(self.service, profile)
        except Exception as exc:  # backends raise more than KeyringError (D-Bus, jeepney)
            raise _mapped(exc) from None

    def set(self, profile: str, key: str, *, session_only: bool = False) -> None:
        """Store the key in the keyring, or (session_only) in memory until the app quits."""
        if not profile:
            raise ValueError("profile name is empty")
        if session_only:
            with self._lock:
                self._session[profile] = key
            return
        if not keyring_available():
            raise NoKeyringError()
        try:
            _keyring().set_password(self.service, profile, key)
        except Exception as exc:
            raise _mapped(exc, key) from None
        with self._lock:
            self._session.pop(profile, None)  # the keyring copy is now the one in use

    def delete(self, profile: str) -> None:
        """Forget the key everywhere; deleting a key that is not stored is not an error."""
        with self._lock:
            self._session.pop(profile, None)
        if not keyring_available():
            return
        try:
            _keyring().delete_password(self.service, profile)
        except _keyring().errors.PasswordDeleteError:
            pass
        except Exception as exc:
            raise _mapped(exc) from None

    async def aget(self, profile: str) -> str | None:
        return await asyncio.to_thread(self.get, profile)

    async def aset(self, profile: str, key: str, *, session_only: bool = False) -> None:
        await asyncio.to_thread(self.set, profile, key, session_only=session_only)

    async def adelete(self, profile: str) -> None:
        await asyncio.to_thread(self.delete, profile)


_default: CredentialStore | None = None


def default_store() -> CredentialStore:
    """The app-wide store: session-only keys must be visible to every window and dialog."""
    global _default
    if _default is None:
        _default = CredentialStore()
    return _default
