"""The connection dialog: key into the keyring only, URL into settings, the no-keyring case."""

from __future__ import annotations

import os
from pathlib import Path

import keyring
import keyring.backend
import keyring.errors
import pytest
from keyring.backends import fail
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialog

from studio_comm.core.credentials import SERVICE, CredentialStore
from studio_comm.ui.connection_dialog import ConnectionDialog
from studio_comm.ui.profiles import ProfileStore
from studio_comm.ui.tasks import TaskRunner

KEY = "sk-live-7d0c2e9b41f84a55"
LEFT = Qt.MouseButton.LeftButton
URL = "https://studio-mitte.open-api.magicline.com"


@pytest.fixture
def data_dir(tmp_path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def profiles(data_dir):
    settings = QSettings(str(data_dir / "settings.ini"), QSettings.Format.IniFormat)
    store = ProfileStore(settings)
    yield store
    settings.sync()


@pytest.fixture
def no_keyring():
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def make_dialog(qtbot, profiles, credentials, **kwargs) -> ConnectionDialog:
    dialog = ConnectionDialog(TaskRunner(), profiles=profiles, credentials=credentials, **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.tasks.pending == 0, timeout=10_000)  # the keyring check
    return dialog


def fill(qtbot, dialog, name="Studio Mitte", url=URL, key=KEY) -> None:
    dialog.name_edit.setText(name)
    dialog.url_edit.setText(url)
    qtbot.keyClicks(dialog.key_edit, key)


def save(qtbot, dialog) -> None:
    with qtbot.waitSignal(dialog.finished, timeout=10_000):
        qtbot.mouseClick(dialog.save_button, LEFT)


def files_containing(root: Path, needle: str) -> list[Path]:
    hits = []
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            if needle.encode() in path.read_bytes():
                hits.append(path)
    return hits


def test_save_puts_the_key_in_the_keyring_and_in_no_file(qtbot, qloop, memory_keyring, profiles, data_dir):
    dialog = make_dialog(qtbot, profiles, CredentialStore())
    assert dialog.objectName() == "connectionDialog"
    assert dialog.url_edit.placeholderText() == "https://<tenant>.open-api.magicline.com"
    assert not dialog.keyring_label.isVisible()
    fill(qtbot, dialog)
    saved = []
    dialog.profileChosen.connect(lambda name, url: saved.append((name, url)))
    save(qtbot, dialog)

    assert dialog.result() == QDialog.DialogCode.Accepted and saved == [("Studio Mitte", URL)]
    assert memory_keyring.passwords == {(SERVICE, "Studio Mitte"): KEY}
    assert profiles.get("Studio Mitte").base_url == URL
    assert profiles.last_used == "Studio Mitte"
    assert dialog.key_edit.text() == ""
    # The settings file holds the URL (so the walk below reads real files), never the key.
    assert files_containing(data_dir, "studio-mitte.open-api.magicline.com")
    assert files_containing(data_dir, KEY) == []


def test_several_profiles_and_editing_keeps_the_stored_key(qtbot, qloop, memory_keyring, profiles):
    credentials = CredentialStore()
    for name, url, key in (
        ("Studio Mitte", URL, KEY),
        ("Studio Nord", "https://nord.open-api.magicline.com", "other-key"),
    ):
        dialog = make_dialog(qtbot, profiles, credentials)
        fill(qtbot, dialog, name, url, key)
        save(qtbot, dialog)
    assert profiles.names() == ["Studio Mitte", "Studio Nord"]

    dialog = make_dialog(qtbot, profiles, credentials, profile_name="Studio Nord")
    assert dialog.name_edit.text() == "Studio Nord" and dialog.key_edit.text() == ""
    dialog.url_edit.setText("https://nord2.open-api.magicline.com/v1/")
    save(qtbot, dialog)
    assert profiles.get("Studio Nord").base_url == "https://nord2.open-api.magicline.com"
    assert memory_keyring.passwords[(SERVICE, "Studio Nord")] == "other-key"

    profiles.remove("Studio Nord")
    assert profiles.names() == ["Studio Mitte"] and profiles.last_used is None


def test_bad_input_is_explained_and_nothing_is_stored(qtbot, qloop, memory_keyring, profiles):
    dialog = make_dialog(qtbot, profiles, CredentialStore())
    fill(qtbot, dialog, url="http://studio.example.com")
    qtbot.mouseClick(dialog.save_button, LEFT)
    assert "https://" in dialog.result_label.text()
    assert dialog.isVisible() and dialog.key_edit.text() == KEY  # nothing typed is lost
    assert memory_keyring.passwords == {} and profiles.list() == []


def test_without_a_keyring_the_key_is_kept_for_this_session_only(qtbot, qloop, no_keyring, profiles, data_dir):
    credentials = CredentialStore()
    dialog = make_dialog(qtbot, profiles, credentials)
    assert dialog.keyring_label.isVisible()
    assert "No system keyring" in dialog.keyring_label.text()
    assert dialog.session_only.isVisible() and dialog.session_only.isChecked()
    fill(qtbot, dialog)
    save(qtbot, dialog)

    assert dialog.result() == QDialog.DialogCode.Accepted
    assert credentials.get("Studio Mitte") == KEY and credentials.is_session_only("Studio Mitte")
    assert CredentialStore().get("Studio Mitte") is None
    assert profiles.get("Studio Mitte").base_url == URL
    assert files_containing(data_dir, KEY) == []


class VanishingKeyring(keyring.backend.KeyringBackend):
    """Looks usable, but the service is gone when the key is stored (D-Bus went away)."""

    priority = -1

    def get_password(self, service, username):
        return None

    def set_password(self, service, username, password):
        raise keyring.errors.NoKeyringError("no Secret Service on the session bus")

    def delete_password(self, service, username):
        raise keyring.errors.PasswordDeleteError(username)


def test_keyring_failing_on_save_offers_the_session_only_option(qtbot, qloop, profiles):
    previous = keyring.get_keyring()
    keyring.set_keyring(VanishingKeyring())
    try:
        credentials = CredentialStore()
        dialog = make_dialog(qtbot, profiles, credentials)
        assert not dialog.session_only.isVisible()
        fill(qtbot, dialog)
        qtbot.mouseClick(dialog.save_button, LEFT)
        qtbot.waitUntil(lambda: dialog.session_only.isVisible(), timeout=10_000)
        assert "no system keyring" in dialog.result_label.text()
        assert KEY not in dialog.result_label.text()
        assert dialog.isVisible() and dialog.key_edit.text() == KEY
        assert profiles.list() == []

        save(qtbot, dialog)
        assert credentials.get("Studio Mitte") == KEY
    finally:
        keyring.set_keyring(previous)


def test_test_connection_names_the_studio_or_says_what_is_wrong(
    qtbot, qloop, memory_keyring, profiles, sandbox_process
):
    dialog = make_dialog(qtbot, profiles, CredentialStore())
    fill(qtbot, dialog, url=sandbox_process.base_url, key=sandbox_process.api_key)
    qtbot.mouseClick(dialog.test_button, LEFT)
    qtbot.waitUntil(lambda: dialog.test_button.isEnabled(), timeout=15_000)
    assert dialog.result_label.text() == "Connected to: Kraftwerk Fitness Hamburg-Altona"

    dialog.key_edit.setText("wrong-key")
    qtbot.mouseClick(dialog.test_button, LEFT)
    qtbot.waitUntil(lambda: dialog.test_button.isEnabled(), timeout=15_000)
    text = dialog.result_label.text()
    assert text.startswith("Could not connect:") and "refused" in text and "wrong-key" not in text
    assert memory_keyring.passwords == {}  # testing stores nothing
