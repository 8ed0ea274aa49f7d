"""Translations: complete German catalogue, catalogues in step with the sources, placeholders
kept, compiled files current; the language choice, Qt's own texts and the locale.

The catalogues are what `scripts/translations.py` writes; these tests read them the way Qt
Linguist does and fail with the list of texts that need work.
"""

from __future__ import annotations

import ast
import importlib.util
import re
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QSettings
from PySide6.QtWidgets import QDialogButtonBox

from studio_comm.ui import i18n
from studio_comm.ui.labels import category_label, channel_label, format_date, format_datetime

ROOT = Path(__file__).resolve().parents[2]


def _load_script():
    spec = importlib.util.spec_from_file_location("translations_script", ROOT / "scripts" / "translations.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tools = _load_script()
# %1, %L2, %n, %Ln and Python's {name} / {name:.0%} fields.
PLACEHOLDER = re.compile(r"%L?(?:\d+|n)|\{[A-Za-z_]\w*(?:[:!][^{}]*)?\}")


def placeholders(text: str) -> Counter:
    return Counter(PLACEHOLDER.findall(text))


def accelerators(text: str) -> int:
    return len(re.findall(r"&(?!&)\S", text.replace("&&", "")))


def translations_of(message) -> list[str]:
    translation = message.find("translation")
    if message.get("numerus") == "yes":
        return [form.text or "" for form in translation.findall("numerusform")]
    return [translation.text or ""]


def test_every_german_text_and_english_plural_is_translated():
    missing = [
        f"{language}: [{c}] {s!r}"
        for language in tools.LANGUAGES
        for c, s, _ in tools.unfinished(tools.ts_path(language))
    ]
    assert not missing, "translations missing or unfinished:\n" + "\n".join(missing)
    # German has two plural forms (one, other): both must be there.
    for (context, source, _), message in tools.messages(tools.ts_path("de")).items():
        if message.get("numerus") == "yes":
            assert len(translations_of(message)) == 2, f"[{context}] {source!r} needs two plural forms"


@pytest.mark.parametrize("language", ["de", "en"])
def test_translations_keep_placeholders_and_accelerators(language):
    problems = []
    for (context, source, _), message in tools.messages(tools.ts_path(language)).items():
        wanted = placeholders(source)
        for text in translations_of(message):
            if not text:
                continue
            got = placeholders(text)
            if message.get("numerus") == "yes":
                # A singular form may spell the number out ("eine Minute"); nothing else may go.
                wanted_rest, got_rest = wanted - Counter({"%n": 99}), got - Counter({"%n": 99})
                if wanted_rest != got_rest:
                    problems.append(f"[{context}] {source!r} -> {text!r}")
            elif got != wanted:
                problems.append(f"[{context}] {source!r} -> {text!r}")
            if accelerators(source) != accelerators(text):
                problems.append(f"[{context}] {source!r} -> {text!r}: keyboard accelerator (&)")
    assert not problems, "placeholders dropped or added:\n" + "\n".join(problems)


def test_placeholder_check_catches_a_dropped_placeholder():
    assert placeholders("Connected to {studio} ({profile})") != placeholders("Verbunden mit {studio}")
    assert placeholders("{share:.0%} of %n, %1") == placeholders("%1: {share:.0%} von %n")


def test_catalogues_list_exactly_the_texts_of_the_sources(tmp_path):
    if tools.tool("lupdate") is None:
        pytest.skip("pyside6-lupdate is not installed next to this Python or on PATH")
    stale = []
    for language in tools.LANGUAGES:
        fresh = tmp_path / f"fresh_{language}.ts"
        tools.lupdate(language, fresh)
        want, have = set(tools.messages(fresh)), set(tools.messages(tools.ts_path(language)))
        stale += [f"{language}: not in the catalogue: [{c}] {s!r}" for c, s, _ in sorted(want - have)]
        stale += [f"{language}: no longer in the sources: [{c}] {s!r}" for c, s, _ in sorted(have - want)]
    assert not stale, "run `.venv/bin/python scripts/translations.py` and translate:\n" + "\n".join(stale)


def _translatable_calls(path: Path) -> tuple[set, list[str]]:
    """What Qt will look up at run time: (context, text, disambiguation, plural) of every
    self.tr / Class.tr / QCoreApplication.translate call, and calls lupdate cannot read."""
    found, problems = set(), []
    tree = ast.parse(path.read_text(encoding="utf-8"))

    def visit(node, cls):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                visit(child, child.name)
                continue
            if isinstance(child, ast.Call):
                call = _describe(child, cls)
                if isinstance(call, str):
                    problems.append(f"{path.relative_to(ROOT)}:{child.lineno}: {call}")
                elif call is not None:
                    found.add(call)
            visit(child, cls)

    visit(tree, None)
    return found, problems


def _literal(node) -> str | None:
    if isinstance(node, ast.Constant) and (node.value is None or isinstance(node.value, str)):
        return node.value or ""
    return None


def _describe(call: ast.Call, cls: str | None):
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
    plural = any(k.arg == "n" for k in call.keywords)
    if name == "tr" and isinstance(func, ast.Attribute):
        owner = func.value
        if isinstance(owner, ast.Name) and owner.id == "self":
            context = cls
        elif isinstance(owner, ast.Name) and owner.id[:1].isupper():
            context = owner.id
        else:
            return f"{ast.unparse(func)}(...): lupdate files this under '{ast.unparse(owner)}', not the object's class"
        args = call.args
        plural = plural or len(args) >= 3
    elif name == "translate" and (
        isinstance(func, ast.Name) or ast.unparse(func.value) in ("QCoreApplication", "QApplication")
    ):
        if not call.args or _literal(call.args[0]) is None:
            return "translate() needs a literal context"
        context, args = call.args[0].value, call.args[1:]
        plural = plural or len(args) >= 3
        if plural:
            return "translate(context, text, '', n): lupdate loses the count; use ClassName.tr(text, '', n)"
    else:
        return None
    if context is None:
        return "tr() outside a class"
    if not args or _literal(args[0]) is None or not args[0].value:
        return f"{name}() needs a literal text (not an f-string or a variable)"
    comment = _literal(args[1]) if len(args) > 1 else ""
    if comment is None:
        return f"{name}() needs a literal disambiguation"
    return (context, args[0].value, comment, plural)


def test_every_translatable_call_is_in_the_catalogue():
    """pyside6-lupdate's Python reader skips some calls (a count it cannot parse, a context in a
    variable); each one would stay English at run time. The sources decide, read by Python."""
    expected, problems = set(), []
    for source in tools.SOURCES:
        path = ROOT / source
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            calls, trouble = _translatable_calls(file)
            expected |= calls
            problems += trouble
    catalogue = {
        (c, s, m, message.get("numerus") == "yes") for (c, s, m), message in tools.messages(tools.ts_path("de")).items()
    }
    problems += [
        f"not in the catalogue as Qt looks it up: [{c}] {s!r} plural={p}" for c, s, _, p in sorted(expected - catalogue)
    ]
    assert not problems, "\n".join(problems)


def test_compiled_catalogues_match_their_sources(tmp_path):
    if tools.tool("lrelease") is None:
        pytest.skip("pyside6-lrelease is not installed next to this Python or on PATH")
    for language in tools.LANGUAGES:
        source = tools.ts_path(language)
        compiled = tmp_path / f"{language}.qm"
        tools.lrelease(source, compiled)
        assert compiled.read_bytes() == source.with_suffix(".qm").read_bytes(), (
            f"{source.with_suffix('.qm').name} is older than its .ts: run scripts/translations.py"
        )


def test_settings_choice_wins_over_the_system_language(tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    assert i18n.choose_language(settings) == i18n.system_language()
    settings.setValue(i18n.SETTINGS_KEY, "de")
    assert i18n.choose_language(settings) == "de"
    settings.setValue(i18n.SETTINGS_KEY, "en")
    assert i18n.choose_language(settings) == "en"
    settings.setValue(i18n.SETTINGS_KEY, "xx")  # an unknown value: as the system
    assert i18n.choose_language(settings) == i18n.system_language()


def test_german_installs_app_texts_qt_texts_and_locale(qapp, restore_language):
    from studio_comm.app import ui_language

    assert i18n.install("de") == "de"
    assert i18n.current_language() == ui_language() == "de"  # the client's Accept-Language
    assert category_label("LOYALTY_PROGRAM") == "Bonusprogramm"
    assert channel_label("TEXT_MESSAGE") == "SMS"
    assert category_label("SOMETHING_NEW") == "Unbekannt (SOMETHING_NEW)"
    # Qt's own texts come from qtbase_de.
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "Abbrechen"
    box.deleteLater()
    # Day.month.year, 24-hour clock, decimal comma.
    assert format_date(date(1990, 7, 4)) == "04.07.1990"
    assert format_datetime(datetime(2026, 3, 1, 14, 5)) == "01.03.2026 14:05"
    assert QLocale().toString(1234.5, "f", 1) == "1.234,5"
    # Errors are worded in German too, wherever they are shown.
    from studio_comm.core.credentials import KeyringLockedError
    from studio_comm.ui.error_banner import ErrorBanner

    assert ErrorBanner.describe(KeyringLockedError()).startswith("Der Schlüsselbund ist gesperrt")

    assert i18n.install("en") == "en"
    assert category_label("LOYALTY_PROGRAM") == "Loyalty programme"
    assert QCoreApplication.translate("StatusBar", "%n request(s) under way", "", 1) == "1 request under way"
    assert "14:05" not in format_datetime(datetime(2026, 3, 1, 14, 5))  # 2:05 PM


def test_language_menu_saves_the_choice_for_the_next_start(qtbot, tmp_path, restore_language):
    from PySide6.QtWidgets import QMainWindow, QMessageBox

    i18n.install("en")
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = QMainWindow()
    qtbot.addWidget(window)
    menu = i18n.LanguageMenu(settings, window.menuBar())
    window.menuBar().addMenu(menu)
    assert menu.language_actions[""].isChecked()  # as the system, until chosen
    assert [a.text() for a in menu.actions()[1:3]] == ["English", "Deutsch"]

    menu.language_actions["de"].trigger()
    assert QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat).value(i18n.SETTINGS_KEY) == "de"
    notice = window.findChild(QMessageBox, "languageChangedDialog")
    assert notice is not None and "start studio-comm again" in notice.text()
    notice.close()
    assert i18n.current_language() == "en"  # applies on the next start
    menu.language_actions[""].trigger()
    assert i18n.saved_language(settings) is None


# Qt calls whose string arguments a user reads (constructors and setters).
TEXT_CALLS = {
    "setText", "setWindowTitle", "setPlaceholderText", "setToolTip", "setStatusTip", "setWhatsThis",
    "setAccessibleName", "setAccessibleDescription", "setTitle", "setLabelText", "setTabText",
    "addTab", "addItem", "addItems", "addAction", "addMenu", "addRow", "addButton", "showMessage",
    "setHeaderLabels", "setHorizontalHeaderLabels", "setVerticalHeaderLabels", "setInformativeText",
    "setDetailedText", "setSuffix", "setPrefix", "setSpecialValueText", "setNameFilter",
    "QLabel", "QPushButton", "QCheckBox", "QRadioButton", "QGroupBox", "QAction", "QToolButton",
    "QMessageBox", "QMenu",
}
# Words that are the same in every language: the product and the vendor.
NAMES = re.compile(r"studio-comm|Magicline", re.IGNORECASE)


def _literal_texts(node) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return [v.value for v in node.values if isinstance(v, ast.Constant)]
    if isinstance(node, (ast.List, ast.Tuple)):
        return [t for element in node.elts for t in _literal_texts(element)]
    return []


def test_no_user_text_bypasses_translation():
    """A literal with words handed straight to a label, button, title, menu or tooltip
    would stay English in German: it must go through tr() first."""
    problems = []
    for source in tools.SOURCES:
        path = ROOT / source
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
                if name not in TEXT_CALLS:
                    continue
                for arg in [*node.args, *(k.value for k in node.keywords)]:
                    for text in _literal_texts(arg):
                        if re.search(r"[^\W\d_]{2,}", NAMES.sub("", text)):
                            problems.append(f"{file.relative_to(ROOT)}:{node.lineno}: {name}({text!r})")
    assert not problems, "texts that skip translation:\n" + "\n".join(problems)
