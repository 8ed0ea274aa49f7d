"""The main window in German with a member open: no English left on the controls, enum
labels instead of API values, German dates, and API requests asking for German.

The English word list is built from the English source texts themselves, minus every word
that the German translations use too (E-Mail, Fax, Chat, SMS, Status, Name, Studio ...),
so a new English text is covered the moment it is written.
"""

from __future__ import annotations

import re

from studio_comm.api.models import Channel, CustomerStatus, Direction, MessageCategory, ThreadStatus
from tests.fixtures.i18n import ask_to_save_one_change, member_open, open_other_windows, visible_texts
from tests.ui.test_ui_i18n import tools, translations_of

WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
PLACEHOLDER = re.compile(r"%L?(?:\d+|n)|\{[^{}]*\}")


def words(text: str) -> set[str]:
    return {w.casefold() for w in WORD.findall(PLACEHOLDER.sub(" ", text.replace("&", "")))}


def english_words() -> set[str]:
    english, german = set(), set()
    for (_, source, _), message in tools.messages(tools.ts_path("de")).items():
        english |= words(source)
        for text in translations_of(message):
            german |= words(text)
    return {w for w in english - german if len(w) > 1}


def test_english_word_list_catches_english(qapp):
    vocabulary = english_words()
    assert {"save", "email", "refresh", "thread", "member"} <= vocabulary
    assert not {"status", "name", "newsletter", "fax", "chat", "sms"} & vocabulary  # the same in German


def test_main_window_in_german_shows_no_english(qtbot, german_settings, app_window):
    window = app_window
    member = member_open(qtbot, window)
    assert window.services.client.language == "de"  # Accept-Language of every request

    # Names and data are allowed: the member, the studio, the profile, the staff member.
    data = " ".join(
        filter(None, [member.first_name, member.last_name, member.email, window.studio.name,
                      window.profile_name, window.status.staff])
    )
    allowed = words(data) | {"english", "deutsch"}  # the language menu names each language in itself
    vocabulary = english_words() - allowed
    texts = visible_texts(window)
    assert len(texts) > 60, "the window shows far fewer texts than expected"
    english = [f"{where}: {text!r} ({', '.join(sorted(words(text) & vocabulary))})"
               for where, text in texts if words(text) & vocabulary]
    assert not english, "English on the German window:\n" + "\n".join(english)

    # No API value reaches the screen: every enum is shown by its label.
    leaks = api_values_in(texts + _cell_texts(window))
    assert not leaks, "API values on screen:\n" + "\n".join(leaks)

    # German dates: day.month.year with four digits, 24-hour time.
    results = window.search_panel.model
    birthdays = [t for _, t in _cell_texts(window) if re.fullmatch(r"\d\d\.\d\d\.\d{4}", t)]
    assert birthdays, f"no German date among the {results.rowCount()} result rows"
    activity = window.conversation_panel.threads.index(0, 2).data()
    assert re.fullmatch(r"\d\d\.\d\d\.\d{4} \d\d:\d\d", activity), activity
    backdate = window.conversation_panel.compose.time.text()  # the back-dating editor
    assert re.fullmatch(r"\d\d\.\d\d\.\d{4} \d\d:\d\d", backdate), backdate


def api_values_in(texts: list[tuple[str, str]]) -> list[str]:
    values = {str(v.value) for enum in (Channel, MessageCategory, Direction, ThreadStatus, CustomerStatus)
              for v in enum if len(str(v.value)) > 2}
    return [f"{where}: {text!r}" for where, text in texts if set(re.findall(r"[A-Z_]{3,}", text)) & values]


def _cell_texts(window) -> list[tuple[str, str]]:
    """The data cells of the search results, thread list and timeline (labels of enums)."""
    from PySide6.QtCore import QAbstractListModel, Qt

    texts = []
    for name, model in [("results", window.search_panel.model), ("threads", window.conversation_panel.threads),
                        ("timeline", window.conversation_panel.timeline)]:
        columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount()
        for row in range(model.rowCount()):
            for column in range(columns):
                value = model.index(row, column).data(Qt.ItemDataRole.DisplayRole)
                if isinstance(value, str) and value:
                    texts.append((f"{name} {row},{column}", value))
    return texts


def _accelerators(texts: list[str]) -> list[str]:
    keys = [m.group(1).casefold() for t in texts if (m := re.search(r"&([^&\s])", t.replace("&&", "")))]
    return sorted({k for k in keys if keys.count(k) > 1})


def test_german_menus_have_distinct_keyboard_accelerators(german_settings, app_window):
    from PySide6.QtWidgets import QMenu

    bar = app_window.menuBar()
    menus = [("menu bar", bar.actions())] + [
        (menu.title(), menu.actions()) for menu in app_window.findChildren(QMenu)
    ]
    clashes = [f"{title}: {', '.join(keys)}" for title, actions in menus
               if (keys := _accelerators([a.text() for a in actions if a.isVisible() and not a.isSeparator()]))]
    assert not clashes, "the same Alt key twice:\n" + "\n".join(clashes)


def test_manager_windows_and_connection_dialog_in_german(qtbot, german_settings, app_window):
    window = app_window
    shown = open_other_windows(qtbot, window)
    allowed = words(" ".join(filter(None, [window.studio.name, window.profile_name, window.status.staff])))
    vocabulary = english_words() - allowed
    english = []
    for widget in shown:
        texts = visible_texts(widget)
        assert len(texts) > 5, f"{widget.objectName()} shows almost nothing"
        english += [f"{widget.objectName()} {where}: {text!r} ({', '.join(sorted(words(text) & vocabulary))})"
                    for where, text in texts if words(text) & vocabulary]
        english += api_values_in(texts)
    assert not english, "English or API values in German windows:\n" + "\n".join(english)


def test_save_confirmation_lists_changes_in_german(qtbot, german_settings, app_window):
    from studio_comm.ui.labels import category_label, channel_label

    window = app_window
    member_open(qtbot, window)
    dialog, cell, was = ask_to_save_one_change(qtbot, window)
    assert window.preferences_panel.status_label.text() == "1 nicht gespeicherte Änderung"
    change = "an → aus" if was else "aus → an"
    assert dialog.lines() == [f"{category_label(cell[0])} / {channel_label(cell[1])}: {change}"]
    # Names are data: the member's, and who is recorded at which desk.
    vocabulary = english_words() - words(" ".join([window.customer.display_name, window.status.staff,
                                                   window.session.workstation]))
    english = [f"{where}: {text!r}" for where, text in visible_texts(dialog) if words(text) & vocabulary]
    assert not english, "English in the confirmation:\n" + "\n".join(english)
    dialog.reject()
