"""Translated labels for every API enum the UI shows (and the journal's campaign outcomes,
statuses and stop reasons), and locale-aware date formatting.

The API's wire values never reach the screen: each enum gets a label through Qt's
translation (context "Labels"), and a value a newer API version added, which this version
has no label for, is shown as "Unknown (RAW)". Labels are built on each call so a language
switch takes effect without restarting.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from PySide6 import QtGui
from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QLocale, Qt, QTime

from studio_comm.api.enums import Channel, CustomerStatus, Direction, MessageCategory, ThreadStatus


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


def _campaign_outcome_labels() -> dict[str, str]:
    return {
        "pending": QCoreApplication.translate("Labels", "Not reached yet"),
        "sending": QCoreApplication.translate("Labels", "Sending"),
        "sent": QCoreApplication.translate("Labels", "Sent"),
        "skipped_consent": QCoreApplication.translate("Labels", "Skipped: no consent"),
        "skipped_unavailable": QCoreApplication.translate("Labels", "Skipped: cannot be read"),
        "skipped_unfilled": QCoreApplication.translate("Labels", "Skipped: text incomplete"),
        "failed": QCoreApplication.translate("Labels", "Not sent"),
        "unknown": QCoreApplication.translate("Labels", "Outcome unknown"),
    }


def _campaign_status_labels() -> dict[str, str]:
    return {
        "created": QCoreApplication.translate("Labels", "Not started"),
        "running": QCoreApplication.translate("Labels", "Running"),
        "paused": QCoreApplication.translate("Labels", "Paused"),
        "finished": QCoreApplication.translate("Labels", "Finished"),
        "cancelled": QCoreApplication.translate("Labels", "Cancelled"),
    }


def _stop_reason_labels() -> dict[str, str]:
    return {
        "paused": QCoreApplication.translate("Labels", "paused by hand"),
        "cancelled": QCoreApplication.translate("Labels", "cancelled"),
        "failures_in_a_row": QCoreApplication.translate(
            "Labels", "paused itself: Magicline refused or did not answer several members in a row"),
        "key_refused": QCoreApplication.translate("Labels", "paused itself: Magicline refused the API key"),
        "journal_unavailable": QCoreApplication.translate(
            "Labels", "paused itself: the journal could not record what was sent"),
        "lease_lost": QCoreApplication.translate("Labels", "stopped: another desk took the campaign over"),
        "failed_members": QCoreApplication.translate(
            "Labels", "some members could not be sent to; Resume tries them again"),
        "error": QCoreApplication.translate("Labels", "paused itself after an unexpected error"),
        "interrupted": QCoreApplication.translate("Labels", "its last run stopped without finishing"),
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


def format_moment(value: datetime) -> str:
    """When something happened, in the workstation's local time: the time alone today."""
    if value.astimezone().date() != datetime.now(UTC).astimezone().date():
        return format_datetime(value)
    local = QDateTime.fromSecsSinceEpoch(int(value.timestamp())).time()
    return QLocale().toString(local, QLocale.FormatType.ShortFormat)


def campaign_outcome_label(value: str | None) -> str:
    """What became of one member of a campaign (a ledger outcome)."""
    return _label(_campaign_outcome_labels(), value)


def campaign_status_label(value: str | None) -> str:
    return _label(_campaign_status_labels(), value)


def stop_reason_label(value: str | None) -> str:
    """Why a campaign's run stopped before every member had an outcome."""
    return _label(_stop_reason_labels(), value)
