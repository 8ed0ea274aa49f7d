"""The user interface language: which one, its translators, its locale, and the menu to pick it.

The language is the settings' choice (key `ui/language`: "en" or "de"), else the first of the
operating system's UI languages that studio-comm ships, else English. `install()` loads the
app's compiled translations (resources/translations/studio_comm_<code>.qm) and Qt's own
(qtbase_<code>.qm from PySide6's translations folder: standard buttons, context menus), and
makes the matching locale the default, so dates, times and numbers follow the language.
`current_language()` is the code the API client sends as Accept-Language.

Widgets translate their texts once, when they are built, so a new choice applies on the
next start; the menu says so.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, Qt, QTranslator
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from studio_comm.ui.icons import resource_path

log = logging.getLogger(__name__)

SETTINGS_KEY = "ui/language"
DEFAULT_LANGUAGE = "en"
# Shown in their own language, so a user who cannot read the current one finds theirs.
LANGUAGES = {"en": "English", "de": "Deutsch"}

_installed: list[QTranslator] = []
_current = DEFAULT_LANGUAGE


def translations_dir() -> Path:
    return Path(resource_path("translations"))


def system_language() -> str:
    """The first of the OS's preferred UI languages that studio-comm ships, else English."""
    for name in QLocale.system().uiLanguages():
        code = name.replace("_", "-").split("-", 1)[0].lower()
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE


def saved_language(settings: QSettings) -> str | None:
    """The language chosen in the settings, or None for "as the operating system"."""
    value = str(settings.value(SETTINGS_KEY, "") or "")
    return value if value in LANGUAGES else None


def choose_language(settings: QSettings | None) -> str:
    return (saved_language(settings) if settings is not None else None) or system_language()


def locale_for(code: str) -> QLocale:
    """The OS's language and region when it speaks `code` (de_AT, de_CH, en_GB keep their
    formats), else the language's main locale (de_DE, en_US)."""
    # By name, not QLocale.system() itself: with LANGUAGE=de but LC_TIME=C that one would
    # mix German names with the C locale's date formats.
    system = QLocale(QLocale.system().name())
    return system if system.language() == QLocale(code).language() else QLocale(code)


def install(settings_or_code: QSettings | str | None = None) -> str:
    """Install the translators and default locale of the chosen language; returns its code.

    Replaces what an earlier call installed, so it can run once per launched window."""
    global _current
    if isinstance(settings_or_code, str):
        code = settings_or_code if settings_or_code in LANGUAGES else DEFAULT_LANGUAGE
    else:
        code = choose_language(settings_or_code)
    uninstall()
    app = QCoreApplication.instance()
    candidates = [
        (f"studio_comm_{code}", str(translations_dir())),
        (f"qtbase_{code}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
    ]
    for name, folder in candidates:
        translator = QTranslator(app)
        if translator.load(name, folder):
            QCoreApplication.installTranslator(translator)
            _installed.append(translator)
        elif code != DEFAULT_LANGUAGE:  # English needs no Qt translation
            log.warning("translation %s not found in %s", name, folder)
    QLocale.setDefault(locale_for(code))
    _current = code
    return code


def uninstall() -> None:
    """Remove the translators `install()` added (back to the source texts)."""
    global _current
    while _installed:
        translator = _installed.pop()
        QCoreApplication.removeTranslator(translator)
        translator.deleteLater()
    _current = DEFAULT_LANGUAGE


def current_language() -> str:
    """The code of the installed language ("en", "de"): the API requests' Accept-Language."""
    return _current


class LanguageMenu(QMenu):
    """View ▸ Language: as the operating system, English or German; applies on restart."""

    def __init__(self, settings: QSettings, parent: QWidget | None = None):
        super().__init__(self.tr("&Language"), parent)
        self.setObjectName("languageMenu")
        self.settings = settings
        group = QActionGroup(self)
        system = LANGUAGES[system_language()]
        choices = [("", self.tr("As the system ({language})").format(language=system)), *LANGUAGES.items()]
        saved = saved_language(settings) or ""
        self.language_actions: dict[str, QAction] = {}
        for code, text in choices:
            action = self.addAction(text)
            action.setCheckable(True)
            action.setChecked(code == saved)
            action.setActionGroup(group)
            action.triggered.connect(lambda _checked=False, c=code: self.choose(c))
            self.language_actions[code] = action
        self.addSeparator()
        note = self.addAction(self.tr("Takes effect after a restart"))
        note.setEnabled(False)

    def choose(self, code: str) -> None:
        """Save the choice ("" for the system's language) and tell when it takes effect."""
        if code == (saved_language(self.settings) or ""):
            return
        self.settings.setValue(SETTINGS_KEY, code)
        self.settings.sync()
        if choose_language(self.settings) == current_language():
            return
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("Language"),
                          self.tr("The new language applies when you start studio-comm again."),
                          QMessageBox.StandardButton.Ok, self.window())
        box.setObjectName("languageChangedDialog")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
