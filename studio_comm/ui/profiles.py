"""Studio profiles kept in QSettings: profile name -> base URL, and the last one used.

Only the name and the URL are stored here. The API key lives in the OS keyring (see
studio_comm.core.credentials) and never in settings.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QSettings, Signal

_ARRAY = "profiles"
_LAST = "profiles_last_used"


@dataclass(frozen=True)
class Profile:
    name: str
    base_url: str


class ProfileStore(QObject):
    """The profile list; `changed` fires after add/remove so menus can rebuild."""

    changed = Signal()

    def __init__(self, settings: QSettings | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self._settings = settings if settings is not None else QSettings()

    def list(self) -> list[Profile]:
        s = self._settings
        count = s.beginReadArray(_ARRAY)
        profiles = []
        for i in range(count):
            s.setArrayIndex(i)
            name, url = s.value("name", ""), s.value("base_url", "")
            if name:
                profiles.append(Profile(str(name), str(url)))
        s.endArray()
        return sorted(profiles, key=lambda p: p.name.casefold())

    # builtins.list: inside the class body `list` names the method above.
    def names(self) -> builtins.list[str]:
        return [p.name for p in self.list()]

    def get(self, name: str) -> Profile | None:
        return next((p for p in self.list() if p.name == name), None)

    def add(self, name: str, base_url: str) -> Profile:
        """Add the profile, or change the URL of the profile of that name."""
        name, base_url = name.strip(), base_url.strip()
        if not name:
            raise ValueError("profile name is empty")
        profiles = {p.name: p for p in self.list()}
        profiles[name] = Profile(name, base_url)
        self._write(profiles.values())
        return profiles[name]

    def remove(self, name: str) -> None:
        """Forget the profile (its key is the keyring's business: CredentialStore.delete)."""
        self._write(p for p in self.list() if p.name != name)
        if self.last_used == name:
            self._settings.remove(_LAST)

    @property
    def last_used(self) -> str | None:
        name = self._settings.value(_LAST, "")
        return str(name) if name and self.get(str(name)) else None

    @last_used.setter
    def last_used(self, name: str | None) -> None:
        if name:
            self._settings.setValue(_LAST, name)
        else:
            self._settings.remove(_LAST)

    def _write(self, profiles: Iterable[Profile]) -> None:
        s = self._settings
        s.remove(_ARRAY)
        s.beginWriteArray(_ARRAY)
        for i, profile in enumerate(profiles):
            s.setArrayIndex(i)
            s.setValue("name", profile.name)
            s.setValue("base_url", profile.base_url)
        s.endArray()
        s.sync()
        self.changed.emit()
