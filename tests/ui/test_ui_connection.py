"""The connection dialog: key into the keyring only, URL into settings, the no-keyring case."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import keyring.backend
import keyring.errors
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialog

from studio_comm.core.credentials import SERVICE, CredentialStore
from studio_comm.ui.connection_dialog import ConnectionDialog
from studio_comm.ui.profiles import ProfileStore
from studio_comm.ui.tasks import TaskRunner
from tests.fixtures.keyring import use_keyring

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
    with use_keyring(VanishingKeyring()):
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


SECRET = "pa55w0rd-never-shown"


@pytest.mark.parametrize("url,expected", [
    (f"https://desk:{SECRET}@studio-mitte.open-api.magicline.com", "must not contain a user name or password"),
    (f"https://studio-mitte.open-api.magicline.com/?token={SECRET}", "must not contain a query"),
])
def test_an_address_with_credentials_or_a_query_is_refused_and_nothing_is_stored(
    qtbot, qloop, memory_keyring, profiles, url, expected
):
    dialog = make_dialog(qtbot, profiles, CredentialStore())
    fill(qtbot, dialog, url=url)
    qtbot.mouseClick(dialog.save_button, LEFT)
    assert expected in dialog.result_label.text() and SECRET not in dialog.result_label.text()
    assert dialog.isVisible() and dialog.url_edit.text() == url  # nothing typed is lost
    assert memory_keyring.passwords == {} and profiles.list() == []

    # Testing the connection says the same, and sends nothing anywhere.
    qtbot.mouseClick(dialog.test_button, LEFT)
    qtbot.waitUntil(lambda: dialog.test_button.isEnabled(), timeout=15_000)
    assert expected in dialog.result_label.text() and SECRET not in dialog.result_label.text()



@pytest.mark.parametrize("credentials,query", [(f"desk:{SECRET}@", ""), ("", f"?token={SECRET}")])
def test_a_base_url_argument_with_credentials_or_a_query_is_refused_before_it_is_stored(
    qtbot, qloop, sandbox_process, memory_keyring, tmp_path, caplog, credentials, query, expect_log
):
    expect_log("studio_comm.app", logging.WARNING, r"the address of studio profile Studio Mitte was refused")
    from studio_comm.app import launch, shutdown
    from tests.fixtures.qt import run_async

    memory_keyring.set_password(SERVICE, "Studio Mitte", sandbox_process.api_key)
    data_dir = tmp_path / "data"
    scheme, rest = sandbox_process.base_url.split("://")
    bad = f"{scheme}://{credentials}{rest}/{query}"
    window = launch(["--profile", "Studio Mitte", "--base-url", bad, "--data-dir", str(data_dir)])
    try:
        # The dialog opens and says why; nothing connected.
        qtbot.waitUntil(lambda: window.connection_dialog is not None and window.connection_dialog.isVisible(),
                        timeout=20_000)
        dialog = window.connection_dialog
        assert "must not contain" in dialog.result_label.text() and SECRET not in dialog.result_label.text()
        assert window.session is None and window.services.profiles.get("Studio Mitte") is None
        assert dialog.name_edit.text() == "Studio Mitte" and dialog.url_edit.text() == ""
        assert "was refused" in caplog.text and SECRET not in caplog.text

        # The user gives the address as it should be, and the key.
        dialog.url_edit.setText(sandbox_process.base_url)
        dialog.key_edit.setText(sandbox_process.api_key)
        qtbot.mouseClick(dialog.save_button, LEFT)
        qtbot.waitUntil(lambda: window.session is not None, timeout=30_000)
        assert window.services.profiles.get("Studio Mitte").base_url == sandbox_process.base_url
    finally:
        window.close_discarding()
        run_async(qtbot, shutdown(window), timeout=30)
        window.deleteLater()
    assert files_containing(data_dir, SECRET) == []
