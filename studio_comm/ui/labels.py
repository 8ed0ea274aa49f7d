"""Translated labels for every API enum the UI shows, and locale-aware date formatting.

The API's wire values never reach the screen: each enum gets a label through Qt's
translation (context "Labels"), and a value a newer API version added, which this version
has no label for, is shown as "Unknown (RAW)". Labels are built on each call so a language
switch takes effect without restarting.
"""

from __future__ import annotations

from datetime import date, datetime

from PySide6 import QtGui
from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QLocale, Qt, QTime

from studio_comm.api.models import Channel, CustomerStatus, Direction, MessageCategory, ThreadStatus


def _category_labels() -> dict[str, str]:
    return {
        "CONTRACT": QCoreApplication.translate("Labels", "Contract"),
        "GENERAL": QCoreApplication.translate("Labels", "General"),
        "APPOINTMENT": QCoreApplication.translate("Labels", "Appointment"),
        "NEWSLETTER": QCoreApplication.translate("Labels", "Newsletter"),
        "LOYALTY_PROGRAM": QCoreApplication.translate("Labels", "Loyalty programme"),
    }


def _channel_labels() -> dict[str, str]:
    return {
        "LETTER": QCoreApplication.translate("Labels", "Letter"),
        "EMAIL": QCoreApplication.translate("Labels", "Email"),
        "TEXT_MESSAGE": QCoreApplication.translate("Labels", "Text message"),
        "PHONE": QCoreApplication.translate("Labels", "Phone"),
        "FAX": QCoreApplication.translate("Labels", "Fax"),
        "CONVERSATION": QCoreApplication.translate("Labels", "Conversation"),
        "CHAT": QCoreApplication.translate("Labels", "Chat"),
        "OTHER": QCoreApplication.translate("Labels", "Other"),
    }


def _direction_labels() -> dict[str, str]:
    return {
        "OUTGOING": QCoreApplication.translate("Labels", "Outgoing"),
        "INCOMING": QCoreApplication.translate("Labels", "Incoming"),
    }


def _thread_status_labels() -> dict[str, str]:
    return {
        "CREATED": QCoreApplication.translate("Labels", "New"),
        "ONGOING": QCoreApplication.translate("Labels", "Ongoing"),
        "CLOSED": QCoreApplication.translate("Labels", "Closed"),
    }


def _customer_status_labels() -> dict[str, str]:
    return {
        "MEMBER": QCoreApplication.translate("Labels", "Member"),
        "PROSPECT": QCoreApplication.translate("Labels", "Prospect"),
        "FORMER_MEMBER": QCoreApplication.translate("Labels", "Former member"),
    }


def _label(labels: dict[str, str], value: object) -> str:
    if value is None:
        return ""
    raw = str(getattr(value, "value", value))
    if raw in labels:
        return labels[raw]
    return QCoreApplication.translate("Labels", "Unknown ({value})").format(value=raw)


def category_label(value: MessageCategory | str | None) -> str:
    return _label(_category_labels(), value)


def channel_label(value: Channel | str | None) -> str:
    return _label(_channel_labels(), value)


def cell_label(cell: tuple[MessageCategory | str, Channel | str]) -> str:
    """"Newsletter / Text message": how a (category, channel) cell is named everywhere."""
    return f"{category_label(cell[0])} / {channel_label(cell[1])}"


def direction_label(value: Direction | str | None) -> str:
    return _label(_direction_labels(), value)


def thread_status_label(value: ThreadStatus | str | None) -> str:
    return _label(_thread_status_labels(), value)


def customer_status_label(value: CustomerStatus | str | None) -> str:
    return _label(_customer_status_labels(), value)


def plain_tooltip(text: str | None) -> str | None:
    """`text` for a tooltip, shown literally: Qt renders a tooltip that looks like markup
    as rich text, so a member called "<b>Bo</b>" would appear in bold."""
    return QtGui.Qt.convertFromPlainText(text, Qt.WhiteSpaceMode.WhiteSpaceNormal) if text else None


def on_off(active: bool | None) -> str:
    if active is None:
        return QCoreApplication.translate("Labels", "not offered")
    return (
        QCoreApplication.translate("Labels", "on")
        if active
        else QCoreApplication.translate("Labels", "off")
    )


def date_pattern(locale: QLocale | None = None) -> str:
    """The locale's short date form with a four-digit year (for date edits too)."""
    # The short form of some locales has a two-digit year: ambiguous for a birthday.
    pattern = (locale or QLocale()).dateFormat(QLocale.FormatType.ShortFormat)
    return pattern if "yyyy" in pattern else pattern.replace("yy", "yyyy")


def datetime_pattern(locale: QLocale | None = None) -> str:
    """The locale's short date and time form, with a four-digit year."""
    locale = locale or QLocale()
    return f"{date_pattern(locale)} {locale.timeFormat(QLocale.FormatType.ShortFormat)}"


def format_date(value: date | None, locale: QLocale | None = None) -> str:
    """A date in the locale's short form, always with a four-digit year."""
    if value is None:
        return ""
    locale = locale or QLocale()
    return locale.toString(QDate(value.year, value.month, value.day), date_pattern(locale))


def format_datetime(value: datetime | None, locale: QLocale | None = None) -> str:
    """A moment in the workstation's local time, in the locale's short date and time form."""
    if value is None:
        return ""
    locale = locale or QLocale()
    if value.tzinfo is not None:
        stamp = QDateTime.fromSecsSinceEpoch(int(value.timestamp()))
    else:
        stamp = QDateTime(QDate(value.year, value.month, value.day), QTime(value.hour, value.minute))
    return locale.toString(stamp, datetime_pattern(locale))
