"""Pseudo-translation: every text about 40 % longer (and accented), the main window with a
member open, and no button, label, group box or header section too small for its text.

German runs about 30 % longer than English, French and Dutch similar; a layout that holds
+40 % holds them. Placeholders, keyboard accelerators and line breaks stay intact, so the
texts still format. Data columns may elide their cells; a header never cuts its title.
"""

from __future__ import annotations

import contextlib
import math
import re

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QTranslator
from PySide6.QtWidgets import QAbstractButton, QGroupBox, QHeaderView, QLabel, QStyle

from tests.fixtures.i18n import ask_to_save_one_change, member_open, open_other_windows

KEEP = re.compile(r"(%L?(?:\d+|n)|\{[^{}]*\}|&&|&.|<[^>]*>)")
ACCENTS = str.maketrans("aeiouyAEIOUYcnCN", "áéíóúýÁÉÍÓÚÝçñÇÑ")
PAD = "ñøwë"  # letters of average width, so +40 % characters is about +40 % pixels


def pseudo(text: str) -> str:
    """'Save {n}' -> '[Sávé {n}ñø]': accented, padded by 40 % per line, fields untouched."""
    lines = []
    for line in text.split("\n"):
        if not line.strip():
            lines.append(line)
            continue
        parts = KEEP.split(line)
        body = "".join(p if KEEP.fullmatch(p) else p.translate(ACCENTS) for p in parts)
        extra = max(2, math.ceil(len(line) * 0.4)) - 2  # the brackets count too
        lines.append(f"[{body}{(PAD * extra)[:extra]}]")
    return "\n".join(lines)


class PseudoTranslator(QTranslator):
    def translate(self, context, source, disambiguation=None, n=-1):  # noqa: ARG002 - Qt's signature
        return pseudo(source) if source else source

    def isEmpty(self) -> bool:
        return False


@pytest.fixture
def pseudo_language(qapp, restore_language):
    translator = PseudoTranslator(qapp)
    QCoreApplication.installTranslator(translator)
    yield translator
    QCoreApplication.removeTranslator(translator)


def test_pseudo_text_is_longer_and_keeps_fields():
    assert pseudo("Save {member}") == "[Sávé {member}ñøwë]"
    assert pseudo("&Refresh") == "[&Réfréshñø]"
    assert pseudo("%n request(s)\nnext line").count("\n") == 1
    assert len(pseudo("Communication preferences")) >= 1.4 * len("Communication preferences")


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _widest_line(metrics, text: str) -> int:
    return max(metrics.horizontalAdvance(line) for line in text.split("\n"))


def _visible_width(widget) -> int:
    """The widget's width as far as its ancestors do not clip it."""
    return widget.visibleRegion().boundingRect().width()


def truncated_controls(window) -> list[str]:
    problems = []
    for widget in window.findChildren(QAbstractButton) + window.findChildren(QLabel) + window.findChildren(QGroupBox):
        if not widget.isVisibleTo(window) or widget.width() <= 0:
            continue
        name = f"{type(widget).__name__} {widget.objectName() or '(unnamed)'}"
        if isinstance(widget, QAbstractButton):
            text = _plain(widget.text())
            if not text:
                continue
            needed = max(widget.sizeHint().width(), widget.fontMetrics().horizontalAdvance(text))
            if min(widget.width(), _visible_width(widget)) < needed:
                problems.append(f"{name}: {text!r} needs {needed} px, has {widget.width()}")
        elif isinstance(widget, QGroupBox):
            text = _plain(widget.title())
            needed = widget.fontMetrics().horizontalAdvance(text)
            if text and widget.width() < needed:
                problems.append(f"{name}: title {text!r} needs {needed} px, has {widget.width()}")
        elif widget.textFormat() != Qt.TextFormat.RichText and widget.text():
            text = widget.text() if widget.buddy() is None else _plain(widget.text())
            room = min(widget.contentsRect().width(), _visible_width(widget))
            metrics = widget.fontMetrics()
            if widget.wordWrap():
                longest = max((metrics.horizontalAdvance(w) for w in text.split()), default=0)
                if room < longest:
                    problems.append(f"{name}: word of {text!r} needs {longest} px, has {room}")
                elif widget.height() < widget.heightForWidth(widget.width()):
                    problems.append(f"{name}: {text!r} needs {widget.heightForWidth(widget.width())} px "
                                    f"height, has {widget.height()}")
            elif room < _widest_line(metrics, text):
                problems.append(f"{name}: {text!r} needs {_widest_line(metrics, text)} px, has {room}")
    return problems


def truncated_headers(window) -> list[str]:
    problems = []
    for header in window.findChildren(QHeaderView):
        model = header.model()
        if model is None or not header.isVisibleTo(window):
            continue
        horizontal = header.orientation() == Qt.Orientation.Horizontal
        margin = 2 * header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
        view = header.parentWidget().objectName() or type(header.parentWidget()).__name__
        for section in range(header.count()):
            if header.isSectionHidden(section):
                continue
            text = model.headerData(section, header.orientation(), Qt.ItemDataRole.DisplayRole)
            if not text:
                continue
            needed = header.fontMetrics().horizontalAdvance(str(text)) + margin
            if header.isSortIndicatorShown() and header.sortIndicatorSection() == section:
                needed += header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, header)
            has = header.sectionSize(section) if horizontal else header.width()
            if horizontal:  # only what the viewport shows without scrolling
                has = min(has, header.viewport().width() - header.sectionViewportPosition(section))
            if has < needed:
                problems.append(f"{view} header {section}: {str(text)!r} needs {needed} px, has {has}")
    return problems


def cut_off(qtbot, widgets) -> list[str]:
    """What stays cut off in `widgets` once their layouts settle (in posted events: waited for)."""
    problems = []

    def nothing_cut() -> bool:
        problems[:] = [f"{w.objectName()}: {p}" for w in widgets for p in truncated_controls(w) + truncated_headers(w)]
        return not problems

    with contextlib.suppress(qtbot.TimeoutError):
        qtbot.waitUntil(nothing_cut, timeout=5_000)
    return problems


def test_nothing_truncated_with_texts_40_percent_longer(qtbot, pseudo_language, app_window):
    window = app_window
    member_open(qtbot, window)
    assert window.preferences_panel.save_button.text().startswith("[")  # the pseudo texts are on
    problems = cut_off(qtbot, [window])
    if problems:
        window.grab().save(str(window.data_dir / "pseudo.png"))
    assert not problems, f"cut off at {window.width()}x{window.height()} (grab in {window.data_dir}):\n" + "\n".join(
        problems
    )
    dialog, _cell, _was = ask_to_save_one_change(qtbot, window)  # the save confirmation too
    problems = cut_off(qtbot, [dialog])
    dialog.reject()
    assert not problems, "cut off:\n" + "\n".join(problems)


def test_manager_windows_and_connection_dialog_hold_longer_texts(qtbot, pseudo_language, app_window):
    problems = cut_off(qtbot, open_other_windows(qtbot, app_window))
    assert not problems, "cut off:\n" + "\n".join(problems)
