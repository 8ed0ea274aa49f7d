"""The saved replies a new demo studio starts with: German, as the demo studio is.

They show what saved replies are for at a front desk (the questions asked all day), and
every variable once: `SavedReplies.add_samples` adds them to a studio without replies.
"""

from __future__ import annotations

from studio_comm.api.enums import Channel, MessageCategory
from studio_comm.core.saved_replies import ReplyText

_SIGNATURE = "\n\nSportliche Grüße\n{{staff.name|Ihr Studio-Team}}\n{{studio.name}}"

SAMPLE_REPLIES: tuple[ReplyText, ...] = (
    ReplyText(
        "Öffnungszeiten", "zeiten", "Unsere Öffnungszeiten",
        "Hallo {{member.first_name|zusammen}},\n\nwir haben montags bis freitags von 6 bis 23 Uhr und am "
        "Wochenende von 8 bis 20 Uhr für Sie geöffnet; die Sauna öffnet täglich um 10 Uhr." + _SIGNATURE,
        MessageCategory.GENERAL, Channel.EMAIL),
    ReplyText(
        "Kursplan", "kurs", "Der aktuelle Kursplan",
        "Hallo {{member.first_name|zusammen}},\n\nden aktuellen Kursplan finden Sie in unserer App und an der "
        "Theke. Kurse mit begrenzten Plätzen buchen Sie bitte bis zwei Stunden vor Beginn." + _SIGNATURE,
        MessageCategory.GENERAL, Channel.EMAIL),
    ReplyText(
        "Vertragspause eingetragen", "pause", "Ihre Vertragspause",
        "Guten Tag {{member.first_name}} {{member.last_name}},\n\nIhre Vertragspause ist eingetragen "
        "(Kundennummer {{member.customer_number}}). In dieser Zeit ruhen Ihre Beiträge; die Laufzeit verlängert "
        "sich um die Dauer der Pause." + _SIGNATURE,
        MessageCategory.CONTRACT, Channel.EMAIL),
    ReplyText(
        "Kündigung erhalten", "kuendigung", "Eingang Ihrer Kündigung",
        "Guten Tag {{member.first_name}} {{member.last_name}},\n\nwir bestätigen den Eingang Ihrer Kündigung "
        "(Kundennummer {{member.customer_number}}). Das Vertragsende teilen wir Ihnen schriftlich mit." + _SIGNATURE,
        MessageCategory.CONTRACT, Channel.LETTER),
    ReplyText(
        "Probetraining bestätigt", "probe", "",
        "Hallo {{member.first_name|zusammen}}, Ihr Probetraining bei {{studio.name}} ist bestätigt. Bitte bringen "
        "Sie ein Handtuch und Sportschuhe mit. Bis bald!",
        MessageCategory.APPOINTMENT, Channel.TEXT_MESSAGE),
    ReplyText(
        "Bitte um Rückruf", "rueckruf", "",
        "Hallo {{member.first_name|zusammen}}, wir haben versucht, Sie zu erreichen. Bitte rufen Sie uns zurück "
        "oder sprechen Sie uns beim nächsten Besuch an. {{staff.name|Ihr Team}}, {{studio.name}}",
        MessageCategory.GENERAL, Channel.TEXT_MESSAGE),
)
