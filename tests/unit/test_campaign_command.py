"""`studio-comm campaign`'s own reading of the app's settings: a profile's address found in
settings.ini as the app (QSettings) writes it, names with quotes, commas and umlauts too."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from studio_comm.campaign import settings_base_url
from studio_comm.ui.profiles import ProfileStore

PROFILES = {
    "Studio Mitte": "http://127.0.0.1:5555",
    'Café & Co, "Nord"; 2': "https://nord.open-api.magicline.com/tenant;x",
    "a=b\\c": "https://b.open-api.magicline.com",
}


@pytest.fixture
def settings_file(tmp_path):
    path = tmp_path / "settings.ini"
    settings = QSettings(str(path), QSettings.Format.IniFormat)
    store = ProfileStore(settings)
    for name, url in PROFILES.items():
        store.add(name, url)
    return path


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_a_profile_address_is_read_as_the_app_wrote_it(settings_file, name):
    assert settings_base_url(settings_file, name) == PROFILES[name]


def test_an_unknown_profile_or_a_missing_file_has_no_address(settings_file, tmp_path):
    assert settings_base_url(settings_file, "Studio Nord") is None
    assert settings_base_url(tmp_path / "none.ini", "Studio Mitte") is None
