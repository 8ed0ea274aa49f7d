<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de" sourcelanguage="en">
<context>
    <name>Audit</name>
    <message>
        <source>Consent change</source>
        <translation>Einwilligung geändert</translation>
    </message>
    <message>
        <source>Changed outside studio-comm</source>
        <translation>Außerhalb von studio-comm geändert</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Nachricht</translation>
    </message>
    <message>
        <source>Saved</source>
        <translation>Gespeichert</translation>
    </message>
    <message>
        <source>Saved, but the server differs</source>
        <translation>Gespeichert, aber Magicline weicht ab</translation>
    </message>
    <message>
        <source>Conflict, not saved</source>
        <translation>Konflikt, nicht gespeichert</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Gesendet</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>Abgelehnt</translation>
    </message>
    <message>
        <source>Outcome unknown</source>
        <translation>Ergebnis unbekannt</translation>
    </message>
    <message>
        <source>Blocked by consent</source>
        <translation>Gesperrt (keine Einwilligung)</translation>
    </message>
    <message>
        <source>Pending</source>
        <translation>Ausstehend</translation>
    </message>
    <message>
        <source>Told by a webhook</source>
        <translation>Per Webhook gemeldet</translation>
    </message>
    <message>
        <source>{cell}: {state} (intended, not saved)</source>
        <translation>{cell}: {state} (gewünscht, nicht gespeichert)</translation>
    </message>
</context>
<context>
    <name>AuditModel</name>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Staff</source>
        <translation>Mitarbeiter</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <source>Member</source>
        <translation>Mitglied</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Before</source>
        <translation>Vorher</translation>
    </message>
    <message>
        <source>After</source>
        <translation>Nachher</translation>
    </message>
    <message>
        <source>(not given)</source>
        <translation>(nicht angegeben)</translation>
    </message>
    <message>
        <source>Trace id: {trace_id}</source>
        <translation>Trace-ID: {trace_id}</translation>
    </message>
</context>
<context>
    <name>AuditWindow</name>
    <message>
        <source>Audit history – studio-comm</source>
        <translation>Änderungsprotokoll – studio-comm</translation>
    </message>
    <message>
        <source>Audit history</source>
        <translation>Änderungsprotokoll</translation>
    </message>
    <message>
        <source>Member</source>
        <translation>Mitglied</translation>
    </message>
    <message>
        <source>Member: number, id or name</source>
        <translation>Mitglied: Nummer, ID oder Name</translation>
    </message>
    <message>
        <source>Staff member</source>
        <translation>Mitarbeiter</translation>
    </message>
    <message>
        <source>Any staff member</source>
        <translation>Alle Mitarbeiter</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <source>All actions</source>
        <translation>Alle Aktionen</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>From date</source>
        <translation>Von Datum</translation>
    </message>
    <message>
        <source>to</source>
        <translation>bis</translation>
    </message>
    <message>
        <source>To date</source>
        <translation>Bis Datum</translation>
    </message>
    <message>
        <source>Audit entries</source>
        <translation>Protokolleinträge</translation>
    </message>
    <message>
        <source>Selected entry</source>
        <translation>Ausgewählter Eintrag</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exportieren …</translation>
    </message>
    <message>
        <source>Export audit history</source>
        <translation>Änderungsprotokoll exportieren</translation>
    </message>
    <message>
        <source>Separator:</source>
        <translation>Trennzeichen:</translation>
    </message>
    <message numerus="yes">
        <source>%n entries</source>
        <translation>
            <numerusform>%n Eintrag</numerusform>
            <numerusform>%n Einträge</numerusform>
        </translation>
    </message>
    <message>
        <source>Trace id: {trace_id}</source>
        <translation>Trace-ID: {trace_id}</translation>
    </message>
    <message>
        <source>Before</source>
        <translation>Vorher</translation>
    </message>
    <message>
        <source>After</source>
        <translation>Nachher</translation>
    </message>
    <message>
        <source>Time (UTC)</source>
        <translation>Zeit (UTC)</translation>
    </message>
    <message>
        <source>Staff</source>
        <translation>Mitarbeiter</translation>
    </message>
    <message>
        <source>Customer ID</source>
        <translation>Kunden-ID</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Request ID</source>
        <translation>Anfrage-ID</translation>
    </message>
    <message>
        <source>Workstation</source>
        <translation>Arbeitsplatz</translation>
    </message>
    <message>
        <source>Exported {count} entries to {path}</source>
        <translation>{count} Einträge nach {path} exportiert</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
        <source>Connect to a studio first.</source>
        <translation>Verbinden Sie sich zuerst mit einem Studio.</translation>
    </message>
</context>
<context>
    <name>CampaignMembersModel</name>
    <message>
        <source>Customer no.</source>
        <translation>Kundennr.</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>Thread ID</source>
        <translation>Verlaufs-ID</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Wann</translation>
    </message>
</context>
<context>
    <name>CampaignModel</name>
    <message>
        <source>The category does not offer this channel to the member</source>
        <translation>Die Kategorie bietet dem Mitglied diesen Kanal nicht an</translation>
    </message>
    <message>
        <source>Consent is off</source>
        <translation>Einwilligung ist aus</translation>
    </message>
    <message>
        <source>Deleted in Magicline</source>
        <translation>In Magicline gelöscht</translation>
    </message>
    <message>
        <source>Access disabled in Magicline</source>
        <translation>In Magicline gesperrt</translation>
    </message>
    <message>
        <source>No value for {variables}</source>
        <translation>Kein Wert für {variables}</translation>
    </message>
    <message>
        <source>May have arrived: check in Magicline before sending it again</source>
        <translation>Vielleicht angekommen: vor einem erneuten Senden in Magicline prüfen</translation>
    </message>
    <message>
        <source>Not sent ({detail}); resuming the campaign tries again</source>
        <translation>Nicht gesendet ({detail}); beim Fortsetzen der Kampagne erneut versucht</translation>
    </message>
    <message>
        <source>Not sent; resuming the campaign tries again</source>
        <translation>Nicht gesendet; beim Fortsetzen der Kampagne erneut versucht</translation>
    </message>
</context>
<context>
    <name>CampaignWindow</name>
    <message>
        <source>Campaigns – studio-comm</source>
        <translation>Kampagnen – studio-comm</translation>
    </message>
    <message>
        <source>Campaigns</source>
        <translation>Kampagnen</translation>
    </message>
    <message>
        <source>Campaigns of this studio</source>
        <translation>Kampagnen dieses Studios</translation>
    </message>
    <message>
        <source>New campaign</source>
        <translation>Neue Kampagne</translation>
    </message>
    <message>
        <source>Campaign name</source>
        <translation>Name der Kampagne</translation>
    </message>
    <message>
        <source>Message category</source>
        <translation>Nachrichtenkategorie</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Kanal</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Betreff</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>Text</translation>
    </message>
    <message>
        <source>Variables: {variables}. A fallback follows a bar, e.g. {example}; a member for whom a variable has no value is not sent to.</source>
        <translation>Variablen: {variables}. Ein Ersatzwert folgt nach einem Strich, z. B. {example}; ein Mitglied, für das eine Variable keinen Wert hat, erhält die Nachricht nicht.</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Name:</translation>
    </message>
    <message>
        <source>by</source>
        <translation>per</translation>
    </message>
    <message>
        <source>Message:</source>
        <translation>Nachricht:</translation>
    </message>
    <message>
        <source>To:</source>
        <translation>An:</translation>
    </message>
    <message>
        <source>Subject:</source>
        <translation>Betreff:</translation>
    </message>
    <message>
        <source>Text:</source>
        <translation>Text:</translation>
    </message>
    <message>
        <source>From the consent review</source>
        <translation>Aus der Einwilligungsübersicht</translation>
    </message>
    <message>
        <source>Take the category, channel and customer statuses of the consent review&apos;s current filter</source>
        <translation>Kategorie, Kanal und Kundenstatus aus dem aktuellen Filter der Einwilligungsübersicht übernehmen</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>Vorschau</translation>
    </message>
    <message>
        <source>How many members it reaches by the consent review&apos;s last read, and the text for a few of them</source>
        <translation>Wie viele Mitglieder sie laut der letzten Einwilligungsübersicht erreicht, und der Text für einige von ihnen</translation>
    </message>
    <message>
        <source>Preview: how many members it reaches, and sample messages.</source>
        <translation>Vorschau: wie viele Mitglieder sie erreicht, und Beispielnachrichten.</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Starten</translation>
    </message>
    <message>
        <source>Send it to every targeted member whose consent allows it</source>
        <translation>An jedes ausgewählte Mitglied senden, dessen Einwilligung es erlaubt</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Anhalten</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <source>Continue with the members not reached yet; nobody gets it twice</source>
        <translation>Mit den noch nicht erreichten Mitgliedern fortfahren; niemand erhält sie doppelt</translation>
    </message>
    <message>
        <source>Cancel campaign…</source>
        <translation>Kampagne abbrechen …</translation>
    </message>
    <message>
        <source>Campaign progress</source>
        <translation>Fortschritt der Kampagne</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>All members</source>
        <translation>Alle Mitglieder</translation>
    </message>
    <message>
        <source>Report:</source>
        <translation>Bericht:</translation>
    </message>
    <message>
        <source>Members and outcomes</source>
        <translation>Mitglieder und Ergebnisse</translation>
    </message>
    <message>
        <source>Export report…</source>
        <translation>Bericht exportieren …</translation>
    </message>
    <message>
        <source>Separator:</source>
        <translation>Trennzeichen:</translation>
    </message>
    <message>
        <source>Give the campaign a name.</source>
        <translation>Geben Sie der Kampagne einen Namen.</translation>
    </message>
    <message>
        <source>Choose at least one kind of customer.</source>
        <translation>Wählen Sie mindestens eine Kundengruppe.</translation>
    </message>
    <message>
        <source>Write a subject and a text.</source>
        <translation>Schreiben Sie einen Betreff und einen Text.</translation>
    </message>
    <message>
        <source>There is no variable {variable}; the variables are listed below the text.</source>
        <translation>Eine Variable {variable} gibt es nicht; die Variablen stehen unter dem Text.</translation>
    </message>
    <message>
        <source>A new campaign: write it, preview it, then start it.</source>
        <translation>Eine neue Kampagne: schreiben, in der Vorschau prüfen, dann starten.</translation>
    </message>
    <message>
        <source>Running at {desk} since {time}. Another desk can take it over only once that run stops.</source>
        <translation>Läuft an {desk} seit {time}. Ein anderer Arbeitsplatz kann sie erst übernehmen, wenn dieser Lauf endet.</translation>
    </message>
    <message>
        <source>Created {time}</source>
        <translation>Angelegt {time}</translation>
    </message>
    <message>
        <source>by {staff}</source>
        <translation>von {staff}</translation>
    </message>
    <message>
        <source>Open the consent review and filter it first.</source>
        <translation>Öffnen und filtern Sie zuerst die Einwilligungsübersicht.</translation>
    </message>
    <message>
        <source>Reading the preview…</source>
        <translation>Vorschau wird gelesen …</translation>
    </message>
    <message>
        <source>The consent review has read no customers of these kinds yet, so how many it reaches is not known before it runs. Run the consent review for the numbers.</source>
        <translation>Die Einwilligungsübersicht hat noch keine Kunden dieser Gruppen gelesen; wie viele die Kampagne erreicht, zeigt sich daher erst beim Senden. Für die Zahlen lesen Sie die Einwilligungsübersicht ein.</translation>
    </message>
    <message>
        <source>By the consent review (read {time} at the oldest), {consenting} of {cached} customers of these kinds would get it.</source>
        <translation>Laut Einwilligungsübersicht (gelesen frühestens {time}) würden {consenting} von {cached} Kunden dieser Gruppen sie erhalten.</translation>
    </message>
    <message>
        <source>Already excluded: {off} with consent off, {absent} not offered this channel, {unreadable} who could not be read.</source>
        <translation>Bereits ausgeschlossen: {off} mit Einwilligung aus, {absent} ohne Angebot dieses Kanals, {unreadable} nicht lesbar.</translation>
    </message>
    <message>
        <source>Consent is read again for each member right before the message goes out.</source>
        <translation>Die Einwilligung jedes Mitglieds wird direkt vor dem Senden erneut gelesen.</translation>
    </message>
    <message>
        <source>To {name} ({number}):</source>
        <translation>An {name} ({number}):</translation>
    </message>
    <message>
        <source>Subject: {subject}</source>
        <translation>Betreff: {subject}</translation>
    </message>
    <message>
        <source>Not sent to this member: no value for {variables}.</source>
        <translation>Geht nicht an dieses Mitglied: kein Wert für {variables}.</translation>
    </message>
    <message>
        <source>Pausing after the members in flight…</source>
        <translation>Hält an, sobald die laufenden Sendungen fertig sind …</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Startet …</translation>
    </message>
    <message>
        <source>Name the staff member at the desk first: a campaign records who sent it.</source>
        <translation>Nennen Sie zuerst, wer am Empfang ist: Eine Kampagne hält fest, wer sie gesendet hat.</translation>
    </message>
    <message>
        <source>Listing the members: {count} so far</source>
        <translation>Mitglieder werden aufgelistet: bisher {count}</translation>
    </message>
    <message>
        <source>{done} of {total} members</source>
        <translation>{done} von {total} Mitgliedern</translation>
    </message>
    <message>
        <source>{rate} per minute</source>
        <translation>{rate} pro Minute</translation>
    </message>
    <message>
        <source>about {time} left</source>
        <translation>noch etwa {time}</translation>
    </message>
    <message>
        <source>Running here.</source>
        <translation>Läuft an diesem Arbeitsplatz.</translation>
    </message>
    <message>
        <source>This campaign is running at {desk} since {time}. It can be taken over once that run stops.</source>
        <translation>Diese Kampagne läuft an {desk} seit {time}. Sie kann übernommen werden, sobald dieser Lauf endet.</translation>
    </message>
    <message>
        <source>A campaign of this name already exists with another text or target. Choose it in the list to resume it, or give the new one another name.</source>
        <translation>Eine Kampagne dieses Namens gibt es schon mit anderem Text oder anderen Empfängern. Wählen Sie sie in der Liste, um sie fortzusetzen, oder geben Sie der neuen einen anderen Namen.</translation>
    </message>
    <message>
        <source>This campaign was cancelled; it is not sent again.</source>
        <translation>Diese Kampagne wurde abgebrochen; sie wird nicht erneut gesendet.</translation>
    </message>
    <message>
        <source>Cancel campaign</source>
        <translation>Kampagne abbrechen</translation>
    </message>
    <message>
        <source>Cancel the campaign “{name}”? Members not reached yet will not get it, and it cannot be resumed.</source>
        <translation>Kampagne „{name}“ abbrechen? Noch nicht erreichte Mitglieder erhalten sie nicht, und sie lässt sich nicht fortsetzen.</translation>
    </message>
    <message>
        <source>Keep it</source>
        <translation>Behalten</translation>
    </message>
    <message>
        <source>Cancelling after the members in flight…</source>
        <translation>Bricht ab, sobald die laufenden Sendungen fertig sind …</translation>
    </message>
    <message>
        <source>The campaign is running at another desk; it was not cancelled.</source>
        <translation>Die Kampagne läuft an einem anderen Arbeitsplatz; sie wurde nicht abgebrochen.</translation>
    </message>
    <message>
        <source>{shown} of {total} members</source>
        <translation>{shown} von {total} Mitgliedern</translation>
    </message>
    <message>
        <source>Customer ID</source>
        <translation>Kunden-ID</translation>
    </message>
    <message>
        <source>Customer number</source>
        <translation>Kundennummer</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>Thread ID</source>
        <translation>Verlaufs-ID</translation>
    </message>
    <message>
        <source>Request ID</source>
        <translation>Anfrage-ID</translation>
    </message>
    <message>
        <source>When (UTC)</source>
        <translation>Wann (UTC)</translation>
    </message>
    <message>
        <source>Workstation</source>
        <translation>Arbeitsplatz</translation>
    </message>
    <message>
        <source>Exported {count} members to {path}</source>
        <translation>{count} Mitglieder nach {path} exportiert</translation>
    </message>
    <message>
        <source>Export campaign report</source>
        <translation>Kampagnenbericht exportieren</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
        <source>Connect to a studio first.</source>
        <translation>Verbinden Sie sich zuerst mit einem Studio.</translation>
    </message>
</context>
<context>
    <name>ComposeArea</name>
    <message>
        <source>Direction</source>
        <translation>Richtung</translation>
    </message>
    <message>
        <source>Send to member</source>
        <translation>An Mitglied senden</translation>
    </message>
    <message>
        <source>Log incoming (phone call, desk conversation)</source>
        <translation>Eingang erfassen (Anruf, Gespräch am Empfang)</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Kanal</translation>
    </message>
    <message>
        <source>Message category</source>
        <translation>Nachrichtenkategorie</translation>
    </message>
    <message>
        <source>Thread status after this message</source>
        <translation>Status des Verlaufs nach dieser Nachricht</translation>
    </message>
    <message>
        <source>Status: automatic</source>
        <translation>Status: automatisch</translation>
    </message>
    <message>
        <source>Happened at</source>
        <translation>Zeitpunkt</translation>
    </message>
    <message>
        <source>Back-date this log</source>
        <translation>Eintrag rückdatieren</translation>
    </message>
    <message>
        <source>When it happened</source>
        <translation>Zeitpunkt des Kontakts</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Betreff</translation>
    </message>
    <message>
        <source>Message text</source>
        <translation>Nachrichtentext</translation>
    </message>
    <message>
        <source>Message to the member, or notes of the call or conversation</source>
        <translation>Nachricht an das Mitglied oder Notizen zum Anruf bzw. Gespräch</translation>
    </message>
    <message>
        <source>Compose notice</source>
        <translation>Hinweis zur Nachricht</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Senden</translation>
    </message>
    <message>
        <source>Send into the selected thread</source>
        <translation>In den ausgewählten Verlauf senden</translation>
    </message>
    <message>
        <source>Send into the selected thread (Ctrl+Enter)</source>
        <translation>In den ausgewählten Verlauf senden (Strg+Eingabe)</translation>
    </message>
    <message>
        <source>New thread…</source>
        <translation>Neuer Verlauf …</translation>
    </message>
    <message>
        <source>Start a new thread</source>
        <translation>Neuen Verlauf beginnen</translation>
    </message>
    <message>
        <source>Start a new thread with this message (Ctrl+N)</source>
        <translation>Mit dieser Nachricht einen neuen Verlauf beginnen (Strg+N)</translation>
    </message>
</context>
<context>
    <name>ConfirmChangesDialog</name>
    <message>
        <source>Confirm preference changes</source>
        <translation>Änderungen bestätigen</translation>
    </message>
    <message>
        <source>Save communication preferences</source>
        <translation>Einwilligungen speichern</translation>
    </message>
    <message>
        <source>Save these changes for {member}?</source>
        <translation>Diese Änderungen für {member} speichern?</translation>
    </message>
    <message>
        <source>Changes to save</source>
        <translation>Zu speichernde Änderungen</translation>
    </message>
    <message>
        <source>How did the member say so?</source>
        <translation>Wie hat das Mitglied das mitgeteilt?</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Notiz</translation>
    </message>
    <message>
        <source>Note (optional), e.g. asked at the counter</source>
        <translation>Notiz (freiwillig), z. B. am Tresen gefragt</translation>
    </message>
    <message>
        <source>&amp;Note:</source>
        <translation>&amp;Notiz:</translation>
    </message>
    <message>
        <source>Recorded as</source>
        <translation>Erfasst als</translation>
    </message>
    <message>
        <source>Recorded as {who}.</source>
        <translation>Erfasst als {who}.</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Speichern</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
</context>
<context>
    <name>ConflictDialog</name>
    <message>
        <source>Resolve conflicting changes</source>
        <translation>Widersprüchliche Änderungen klären</translation>
    </message>
    <message>
        <source>Changed elsewhere meanwhile</source>
        <translation>Inzwischen anderswo geändert</translation>
    </message>
    <message>
        <source>While you were editing, these preferences were changed elsewhere (in Magicline, by the member or at another desk). Choose for each which value to save.</source>
        <translation>Während Sie bearbeitet haben, wurden diese Einwilligungen anderswo geändert (in Magicline, vom Mitglied oder an einem anderen Platz). Wählen Sie jeweils, welcher Wert gespeichert wird.</translation>
    </message>
    <message>
        <source>{cell}: was {before} when you opened it; you chose {mine}; it is now {theirs}.</source>
        <translation>{cell}: beim Öffnen {before}; Ihre Wahl: {mine}; jetzt: {theirs}.</translation>
    </message>
    <message>
        <source>Someone else made the same change.</source>
        <translation>Jemand anderes hat dieselbe Änderung vorgenommen.</translation>
    </message>
    <message>
        <source>The category no longer offers this channel.</source>
        <translation>Die Kategorie bietet diesen Kanal nicht mehr an.</translation>
    </message>
    <message>
        <source>The studio has fixed this channel meanwhile, so it cannot be changed here.</source>
        <translation>Das Studio hat diesen Kanal inzwischen festgelegt; er kann hier nicht geändert werden.</translation>
    </message>
    <message>
        <source>Keep mine ({value})</source>
        <translation>Meinen Wert behalten ({value})</translation>
    </message>
    <message>
        <source>Take theirs ({value})</source>
        <translation>Neuen Wert übernehmen ({value})</translation>
    </message>
    <message>
        <source>Save with these choices</source>
        <translation>Mit dieser Auswahl speichern</translation>
    </message>
    <message>
        <source>Keep these choices</source>
        <translation>Diese Auswahl übernehmen</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
</context>
<context>
    <name>ConnectionDialog</name>
    <message>
        <source>Studio connection</source>
        <translation>Studioverbindung</translation>
    </message>
    <message>
        <source>Profile name</source>
        <translation>Profilname</translation>
    </message>
    <message>
        <source>e.g. Studio Mitte</source>
        <translation>z. B. Studio Mitte</translation>
    </message>
    <message>
        <source>Base URL</source>
        <translation>Basis-URL</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API-Schlüssel</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>Verbindung testen</translation>
    </message>
    <message>
        <source>Connection test result</source>
        <translation>Ergebnis des Verbindungstests</translation>
    </message>
    <message>
        <source>Keyring notice</source>
        <translation>Hinweis zum Schlüsselbund</translation>
    </message>
    <message>
        <source>No system keyring is available on this computer, so the API key cannot be stored. You can keep it for this session only: it is forgotten when the program closes, and is never written to a file.</source>
        <translation>Auf diesem Computer ist kein Schlüsselbund verfügbar, daher kann der API-Schlüssel nicht gespeichert werden. Sie können ihn nur für diese Sitzung behalten: Beim Beenden des Programms wird er vergessen und nie in eine Datei geschrieben.</translation>
    </message>
    <message>
        <source>Keep the key for this session only</source>
        <translation>Schlüssel nur für diese Sitzung behalten</translation>
    </message>
    <message>
        <source>stored; leave empty to keep it</source>
        <translation>gespeichert; leer lassen, um ihn zu behalten</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Verbindung wird hergestellt …</translation>
    </message>
    <message>
        <source>Connected to: {studio}</source>
        <translation>Verbunden mit: {studio}</translation>
    </message>
    <message>
        <source>studio {id}</source>
        <translation>Studio {id}</translation>
    </message>
    <message>
        <source>Could not connect: {error}</source>
        <translation>Verbindung fehlgeschlagen: {error}</translation>
    </message>
    <message>
        <source>The address is not a web address (expected {pattern}).</source>
        <translation>Die Adresse ist keine Web-Adresse (erwartet: {pattern}).</translation>
    </message>
    <message>
        <source>Plain http:// is only allowed for this computer; use https:// for {host}.</source>
        <translation>Unverschlüsseltes http:// ist nur für diesen Computer erlaubt; verwenden Sie https:// für {host}.</translation>
    </message>
    <message>
        <source>The address must not contain a user name or password. Enter the API key in its own field.</source>
        <translation>Die Adresse darf keinen Benutzernamen und kein Passwort enthalten. Geben Sie den API-Schlüssel in seinem eigenen Feld ein.</translation>
    </message>
    <message>
        <source>The address must not contain a query (the part from “?”).</source>
        <translation>Die Adresse darf keine Abfrage enthalten (den Teil ab „?“).</translation>
    </message>
    <message>
        <source>The address must not contain a fragment (the part from “#”).</source>
        <translation>Die Adresse darf kein Fragment enthalten (den Teil ab „#“).</translation>
    </message>
    <message>
        <source>Enter a profile name.</source>
        <translation>Geben Sie einen Profilnamen ein.</translation>
    </message>
    <message>
        <source>Enter the studio&apos;s base URL ({pattern}).</source>
        <translation>Geben Sie die Basis-URL des Studios ein ({pattern}).</translation>
    </message>
    <message>
        <source>Enter the API key.</source>
        <translation>Geben Sie den API-Schlüssel ein.</translation>
    </message>
    <message>
        <source>The key was not saved: no system keyring is available. Choose “Keep the key for this session only” and save again.</source>
        <translation>Der Schlüssel wurde nicht gespeichert: Es ist kein Schlüsselbund verfügbar. Wählen Sie „Schlüssel nur für diese Sitzung behalten“ und speichern Sie erneut.</translation>
    </message>
    <message>
        <source>The key was not saved: the system keyring is locked. Unlock it and save again.</source>
        <translation>Der Schlüssel wurde nicht gespeichert: Der Schlüsselbund ist gesperrt. Entsperren Sie ihn und speichern Sie erneut.</translation>
    </message>
    <message>
        <source>The key was not saved: the system keyring reported an error ({detail}).</source>
        <translation>Der Schlüssel wurde nicht gespeichert: Der Schlüsselbund meldet einen Fehler ({detail}).</translation>
    </message>
    <message>
        <source>The profile was not saved: {error}</source>
        <translation>Das Profil wurde nicht gespeichert: {error}</translation>
    </message>
</context>
<context>
    <name>ConsentHistory</name>
    <message>
        <source>at the desk</source>
        <translation>am Empfang</translation>
    </message>
    <message>
        <source>by phone</source>
        <translation>telefonisch</translation>
    </message>
    <message>
        <source>in writing</source>
        <translation>schriftlich</translation>
    </message>
    <message>
        <source>by email</source>
        <translation>per E-Mail</translation>
    </message>
    <message>
        <source>another way</source>
        <translation>auf anderem Weg</translation>
    </message>
    <message>
        <source>At the &amp;desk</source>
        <translation>Am &amp;Empfang</translation>
    </message>
    <message>
        <source>By &amp;phone</source>
        <translation>&amp;Telefonisch</translation>
    </message>
    <message>
        <source>In &amp;writing</source>
        <translation>&amp;Schriftlich</translation>
    </message>
    <message>
        <source>By e&amp;mail</source>
        <translation>Per E-&amp;Mail</translation>
    </message>
    <message>
        <source>&amp;Other</source>
        <translation>&amp;Anders</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>Consent changed (no details recorded)</source>
        <translation>Einwilligung geändert (ohne Einzelheiten erfasst)</translation>
    </message>
    <message>
        <source>(intended; {outcome})</source>
        <translation>(beabsichtigt; {outcome})</translation>
    </message>
    <message>
        <source>{staff} at {workstation}</source>
        <translation>{staff} an {workstation}</translation>
    </message>
    <message>
        <source>staff member not recorded</source>
        <translation>Mitarbeiter nicht erfasst</translation>
    </message>
    <message>
        <source>changed outside studio-comm</source>
        <translation>außerhalb von studio-comm geändert</translation>
    </message>
    <message>
        <source>“{note}”</source>
        <translation>„{note}“</translation>
    </message>
    <message>
        <source>Connect to a studio first.</source>
        <translation>Verbinden Sie sich zuerst mit einem Studio.</translation>
    </message>
</context>
<context>
    <name>ConsentHistoryWindow</name>
    <message>
        <source>Consent history</source>
        <translation>Einwilligungshistorie</translation>
    </message>
    <message>
        <source>Member</source>
        <translation>Mitglied</translation>
    </message>
    <message>
        <source>Every change of this member&apos;s consent recorded in the journal, newest first: who made it, at which desk, how the member said so, and when.</source>
        <translation>Jede im Journal erfasste Änderung der Einwilligungen dieses Mitglieds, die neueste zuerst: wer sie vorgenommen hat, an welchem Arbeitsplatz, wie das Mitglied sie mitgeteilt hat und wann.</translation>
    </message>
    <message>
        <source>Consent changes</source>
        <translation>Änderungen der Einwilligungen</translation>
    </message>
    <message>
        <source>Number of changes</source>
        <translation>Anzahl der Änderungen</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exportieren …</translation>
    </message>
    <message>
        <source>Export the consent history</source>
        <translation>Einwilligungshistorie exportieren</translation>
    </message>
    <message>
        <source>Save this member&apos;s consent history as a CSV file</source>
        <translation>Die Einwilligungshistorie dieses Mitglieds als CSV-Datei speichern</translation>
    </message>
    <message>
        <source>Separator:</source>
        <translation>Trennzeichen:</translation>
    </message>
    <message>
        <source>Consent history – studio-comm</source>
        <translation>Einwilligungshistorie – studio-comm</translation>
    </message>
    <message>
        <source>No member open</source>
        <translation>Kein Mitglied geöffnet</translation>
    </message>
    <message>
        <source>Consent history of {member} – studio-comm</source>
        <translation>Einwilligungshistorie von {member} – studio-comm</translation>
    </message>
    <message>
        <source>{member} · Customer no. {number}</source>
        <translation>{member} · Kundennr. {number}</translation>
    </message>
    <message>
        <source>Reading the journal…</source>
        <translation>Journal wird gelesen …</translation>
    </message>
    <message numerus="yes">
        <source>%n consent change(s)</source>
        <translation>
            <numerusform>%n Änderung der Einwilligungen</numerusform>
            <numerusform>%n Änderungen der Einwilligungen</numerusform>
        </translation>
    </message>
    <message>
        <source>No consent change of this member is recorded in the journal.</source>
        <translation>Im Journal ist keine Änderung der Einwilligungen dieses Mitglieds erfasst.</translation>
    </message>
    <message>
        <source>Time (UTC)</source>
        <translation>Zeit (UTC)</translation>
    </message>
    <message>
        <source>Customer ID</source>
        <translation>Kunden-ID</translation>
    </message>
    <message>
        <source>Consent</source>
        <translation>Einwilligung</translation>
    </message>
    <message>
        <source>Before</source>
        <translation>Vorher</translation>
    </message>
    <message>
        <source>After</source>
        <translation>Nachher</translation>
    </message>
    <message>
        <source>Staff</source>
        <translation>Mitarbeiter</translation>
    </message>
    <message>
        <source>Workstation</source>
        <translation>Arbeitsplatz</translation>
    </message>
    <message>
        <source>How the member said so</source>
        <translation>Wie das Mitglied es mitgeteilt hat</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Notiz</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <source>Request ID</source>
        <translation>Anfrage-ID</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Änderung</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n change(s) to {path}</source>
        <translation>
            <numerusform>%n Änderung nach {path} exportiert</numerusform>
            <numerusform>%n Änderungen nach {path} exportiert</numerusform>
        </translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
</context>
<context>
    <name>ConsentSummary</name>
    <message>
        <source>Share of members active per category and channel</source>
        <translation>Anteil aktiver Mitglieder je Kategorie und Kanal</translation>
    </message>
    <message>
        <source>{cell}: no member has this channel</source>
        <translation>{cell}: kein Mitglied hat diesen Kanal</translation>
    </message>
    <message>
        <source>{cell}: {active} of {total} members active ({share:.0%}), {inactive} inactive, {absent} not offered, {fixed} fixed by the studio</source>
        <translation>{cell}: {active} von {total} Mitgliedern aktiv ({share:.0%}), {inactive} inaktiv, {absent} nicht angeboten, {fixed} vom Studio festgelegt</translation>
    </message>
</context>
<context>
    <name>ConversationPanel</name>
    <message>
        <source>Conversation</source>
        <translation>Kommunikation</translation>
    </message>
    <message>
        <source>Threads</source>
        <translation>Verläufe</translation>
    </message>
    <message>
        <source>Messages of the thread</source>
        <translation>Nachrichten des Verlaufs</translation>
    </message>
    <message>
        <source>Message details</source>
        <translation>Nachrichtendetails</translation>
    </message>
    <message>
        <source>What happened to the message</source>
        <translation>Was mit der Nachricht geschah</translation>
    </message>
    <message>
        <source>Full message text</source>
        <translation>Vollständiger Nachrichtentext</translation>
    </message>
    <message>
        <source>Resend…</source>
        <translation>Erneut senden …</translation>
    </message>
    <message>
        <source>Resend this message</source>
        <translation>Diese Nachricht erneut senden</translation>
    </message>
    <message>
        <source>Copy to compose</source>
        <translation>In Eingabe übernehmen</translation>
    </message>
    <message>
        <source>Copy this message into the compose area</source>
        <translation>Diese Nachricht in das Eingabefeld übernehmen</translation>
    </message>
    <message>
        <source>Text you have not sent could not be kept in the journal.</source>
        <translation>Nicht gesendeter Text konnte nicht im Journal gespeichert werden.</translation>
    </message>
    <message numerus="yes">
        <source>%n sent message(s) could not be recorded in the journal: the next start shows them as outcome unknown, although Magicline has them.</source>
        <translation>
            <numerusform>%n gesendete Nachricht konnte nicht im Journal erfasst werden: Beim nächsten Start erscheint sie als „Ergebnis unbekannt“, obwohl Magicline sie hat.</numerusform>
            <numerusform>%n gesendete Nachrichten konnten nicht im Journal erfasst werden: Beim nächsten Start erscheinen sie als „Ergebnis unbekannt“, obwohl Magicline sie hat.</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not read the member&apos;s consent: {error}</source>
        <translation>Die Einwilligungen des Mitglieds konnten nicht gelesen werden: {error}</translation>
    </message>
    <message>
        <source>{channel} is not offered for {category} messages to this member.</source>
        <translation>{channel} wird für Nachrichten der Kategorie {category} an dieses Mitglied nicht angeboten.</translation>
    </message>
    <message>
        <source>The member has not agreed to {category} messages by {channel}.</source>
        <translation>Das Mitglied hat Nachrichten der Kategorie {category} per {channel} nicht zugestimmt.</translation>
    </message>
    <message>
        <source>Your unsent text is back.</source>
        <translation>Ihr nicht gesendeter Text ist wieder da.</translation>
    </message>
    <message>
        <source>Your reply was discarded; nothing was sent.</source>
        <translation>Ihre Antwort wurde verworfen; nichts wurde gesendet.</translation>
    </message>
    <message>
        <source>Nothing was sent. Your reply is kept; the new messages are in the thread.</source>
        <translation>Nichts wurde gesendet. Ihre Antwort bleibt erhalten; die neuen Nachrichten stehen im Verlauf.</translation>
    </message>
    <message>
        <source>Nothing was sent: every message records who sent it. Choose who is at the desk, then send again.</source>
        <translation>Nichts wurde gesendet: Jede Nachricht hält fest, wer sie gesendet hat. Wählen Sie, wer am Empfang ist, und senden Sie erneut.</translation>
    </message>
    <message>
        <source>The text contains an invisible NUL character, which Magicline and the journal cannot store. It is selected now: press Delete to remove it, then send again.</source>
        <translation>Der Text enthält ein unsichtbares NUL-Zeichen, das Magicline und das Journal nicht speichern können. Es ist jetzt markiert: Drücken Sie Entf, um es zu entfernen, und senden Sie dann erneut.</translation>
    </message>
    <message>
        <source>Enter a subject first.</source>
        <translation>Geben Sie zuerst einen Betreff ein.</translation>
    </message>
    <message>
        <source>Write the message first.</source>
        <translation>Schreiben Sie zuerst die Nachricht.</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>Wird gesendet …</translation>
    </message>
    <message>
        <source>Not sent: {error}</source>
        <translation>Nicht gesendet: {error}</translation>
    </message>
    <message>
        <source>Not sent. {reason} The text is kept.</source>
        <translation>Nicht gesendet. {reason} Der Text bleibt erhalten.</translation>
    </message>
    <message>
        <source>Sent.</source>
        <translation>Gesendet.</translation>
    </message>
    <message>
        <source>Logged.</source>
        <translation>Erfasst.</translation>
    </message>
    <message>
        <source>What you typed meanwhile is still here.</source>
        <translation>Was Sie inzwischen geschrieben haben, steht noch hier.</translation>
    </message>
    <message>
        <source>The text is kept.</source>
        <translation>Der Text bleibt erhalten.</translation>
    </message>
    <message>
        <source>The sent message is recorded in the journal now.</source>
        <translation>Die gesendete Nachricht ist jetzt im Journal erfasst.</translation>
    </message>
    <message>
        <source>Magicline said: “{message}”</source>
        <translation>Magicline meldet: „{message}“</translation>
    </message>
    <message>
        <source>(Trace id: {trace_id})</source>
        <translation>(Trace-ID: {trace_id})</translation>
    </message>
    <message>
        <source>Logged in Magicline.</source>
        <translation>In Magicline erfasst.</translation>
    </message>
    <message>
        <source>Sent: Magicline has it.</source>
        <translation>Gesendet: Magicline hat die Nachricht erhalten.</translation>
    </message>
    <message>
        <source>Sent, not recorded yet: Magicline has the message, but the journal could not record it. It is recorded as soon as the journal answers; do not send it again.</source>
        <translation>Gesendet, noch nicht erfasst: Magicline hat die Nachricht, aber das Journal konnte sie nicht erfassen. Sie wird erfasst, sobald das Journal antwortet; senden Sie sie nicht erneut.</translation>
    </message>
    <message>
        <source>Not sent: Magicline did not take the message. It is safe to send it again.</source>
        <translation>Nicht gesendet: Magicline hat die Nachricht nicht angenommen. Sie können sie gefahrlos erneut senden.</translation>
    </message>
    <message>
        <source>Rejected by Magicline.</source>
        <translation>Von Magicline abgelehnt.</translation>
    </message>
    <message>
        <source>Outcome unknown: Magicline answered, but its answer could not be read, so it may have stored the message. Check with the member before sending it again.</source>
        <translation>Ergebnis unbekannt: Magicline hat geantwortet, aber die Antwort war nicht lesbar; die Nachricht ist also eventuell gespeichert. Fragen Sie beim Mitglied nach, bevor Sie sie erneut senden.</translation>
    </message>
    <message>
        <source>Outcome unknown: the connection was lost after sending, so Magicline may have received it. Check with the member before sending it again.</source>
        <translation>Ergebnis unbekannt: Die Verbindung brach nach dem Senden ab, Magicline hat die Nachricht eventuell erhalten. Fragen Sie beim Mitglied nach, bevor Sie sie erneut senden.</translation>
    </message>
    <message>
        <source>It was sent again as a later message (see below: {state}).</source>
        <translation>Sie wurde als spätere Nachricht erneut gesendet (siehe unten: {state}).</translation>
    </message>
    <message>
        <source>The compose area holds text you have not sent. Replace it with this message? Your text is then discarded.</source>
        <translation>Im Eingabefeld steht Text, den Sie noch nicht gesendet haben. Durch diese Nachricht ersetzen? Ihr Text wird dann verworfen.</translation>
    </message>
    <message>
        <source>Replace text</source>
        <translation>Text ersetzen</translation>
    </message>
    <message>
        <source>Magicline may already have received this message. Check with the member before sending it again, or they may get it twice.</source>
        <translation>Magicline hat diese Nachricht eventuell schon erhalten. Fragen Sie beim Mitglied nach, bevor Sie sie erneut senden, sonst erhält es sie womöglich doppelt.</translation>
    </message>
    <message>
        <source>Magicline refused this message. Sent unchanged, it may be refused again.</source>
        <translation>Magicline hat diese Nachricht abgelehnt. Unverändert gesendet, wird sie womöglich erneut abgelehnt.</translation>
    </message>
    <message>
        <source>This message was not sent.</source>
        <translation>Diese Nachricht wurde nicht gesendet.</translation>
    </message>
    <message>
        <source>Resend message</source>
        <translation>Nachricht erneut senden</translation>
    </message>
    <message>
        <source>Send it again now?</source>
        <translation>Jetzt erneut senden?</translation>
    </message>
    <message>
        <source>Resend</source>
        <translation>Erneut senden</translation>
    </message>
    <message>
        <source>Not sent again. {reason}</source>
        <translation>Nicht erneut gesendet. {reason}</translation>
    </message>
    <message>
        <source>Nothing can be sent: this member was deleted in Magicline.</source>
        <translation>Senden nicht möglich: Dieses Mitglied wurde in Magicline gelöscht.</translation>
    </message>
    <message>
        <source>Nothing can be sent: Magicline no longer gives out this member&apos;s data (access disabled).</source>
        <translation>Senden nicht möglich: Magicline gibt die Daten dieses Mitglieds nicht mehr heraus (Zugriff gesperrt).</translation>
    </message>
</context>
<context>
    <name>CustomerHeader</name>
    <message>
        <source>Member details</source>
        <translation>Mitgliedsdaten</translation>
    </message>
    <message>
        <source>Other desks at this member</source>
        <translation>Andere Plätze bei diesem Mitglied</translation>
    </message>
    <message>
        <source>{workstation}, {staff}</source>
        <translation>{workstation}, {staff}</translation>
    </message>
    <message>
        <source>{desk} (writing a new message)</source>
        <translation>{desk} (schreibt eine neue Nachricht)</translation>
    </message>
    <message>
        <source>Also open at {desks}</source>
        <translation>Auch geöffnet an {desks}</translation>
    </message>
    <message>
        <source>No member open</source>
        <translation>Kein Mitglied geöffnet</translation>
    </message>
    <message>
        <source>Search on the left and press Enter to open a member.</source>
        <translation>Suchen Sie links und drücken Sie die Eingabetaste, um ein Mitglied zu öffnen.</translation>
    </message>
    <message>
        <source>Customer no. {number}</source>
        <translation>Kundennr. {number}</translation>
    </message>
    <message>
        <source>mobile</source>
        <translation>mobil</translation>
    </message>
    <message>
        <source>home</source>
        <translation>privat</translation>
    </message>
    <message>
        <source>business mobile</source>
        <translation>geschäftlich mobil</translation>
    </message>
    <message>
        <source>business</source>
        <translation>geschäftlich</translation>
    </message>
    <message>
        <source>no email address</source>
        <translation>keine E-Mail-Adresse</translation>
    </message>
    <message>
        <source>Access refused: this person may not enter the studio at the moment.</source>
        <translation>Zutritt gesperrt: Diese Person darf das Studio derzeit nicht betreten.</translation>
    </message>
</context>
<context>
    <name>CustomerResultsModel</name>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Customer no.</source>
        <translation>Kundennr.</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <source>Date of birth</source>
        <translation>Geburtsdatum</translation>
    </message>
    <message>
        <source>Access refused: this person may not enter the studio at the moment.</source>
        <translation>Zutritt gesperrt: Diese Person darf das Studio derzeit nicht betreten.</translation>
    </message>
    <message>
        <source>Access refused</source>
        <translation>Zutritt gesperrt</translation>
    </message>
</context>
<context>
    <name>ErrorBanner</name>
    <message>
        <source>Error message</source>
        <translation>Fehlermeldung</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Dismiss error message</source>
        <translation>Fehlermeldung schließen</translation>
    </message>
    <message>
        <source>Trace id for support: {trace_id}</source>
        <translation>Trace-ID für den Support: {trace_id}</translation>
    </message>
    <message>
        <source>{sentence}
Magicline says: {message}</source>
        <translation>{sentence}
Magicline meldet: {message}</translation>
    </message>
    <message>
        <source>No system keyring is available on this computer, so the API key cannot be stored.</source>
        <translation>Auf diesem Computer ist kein Schlüsselbund verfügbar, daher kann der API-Schlüssel nicht gespeichert werden.</translation>
    </message>
    <message>
        <source>The system keyring is locked; unlock it to use the stored API key.</source>
        <translation>Der Schlüsselbund ist gesperrt; entsperren Sie ihn, um den gespeicherten API-Schlüssel zu verwenden.</translation>
    </message>
    <message>
        <source>The system keyring could not be used.</source>
        <translation>Der Schlüsselbund konnte nicht verwendet werden.</translation>
    </message>
    <message>
        <source>The studio&apos;s API key was refused. Check the key in the connection settings.</source>
        <translation>Der API-Schlüssel des Studios wurde abgelehnt. Prüfen Sie den Schlüssel in den Verbindungseinstellungen.</translation>
    </message>
    <message>
        <source>The studio&apos;s API key is not allowed to do this. Ask the studio to grant the permission.</source>
        <translation>Der API-Schlüssel des Studios hat dafür keine Berechtigung. Bitten Sie das Studio, sie freizugeben.</translation>
    </message>
    <message>
        <source>Magicline does not know this record; it may have been deleted.</source>
        <translation>Magicline kennt diesen Datensatz nicht; er wurde eventuell gelöscht.</translation>
    </message>
    <message>
        <source>Magicline did not accept the request.</source>
        <translation>Magicline hat die Anfrage nicht angenommen.</translation>
    </message>
    <message>
        <source>The record was changed elsewhere at the same time. Reload it and try again.</source>
        <translation>Der Datensatz wurde gleichzeitig anderswo geändert. Laden Sie ihn neu und versuchen Sie es noch einmal.</translation>
    </message>
    <message>
        <source>Too many requests within a minute; Magicline is refusing more for now. Wait a minute and try again.</source>
        <translation>Zu viele Anfragen innerhalb einer Minute; Magicline nimmt vorerst keine weiteren an. Warten Sie eine Minute und versuchen Sie es dann noch einmal.</translation>
    </message>
    <message>
        <source>Magicline had a problem on its side. Try again in a moment.</source>
        <translation>Bei Magicline ist ein Problem aufgetreten. Versuchen Sie es gleich noch einmal.</translation>
    </message>
    <message>
        <source>Magicline answered, but its answer could not be read.</source>
        <translation>Magicline hat geantwortet, aber die Antwort war nicht lesbar.</translation>
    </message>
    <message>
        <source>Could not connect to Magicline; nothing was sent. Check the network and try again.</source>
        <translation>Keine Verbindung zu Magicline; es wurde nichts gesendet. Prüfen Sie das Netzwerk und versuchen Sie es noch einmal.</translation>
    </message>
    <message>
        <source>The connection was lost after the request was sent; Magicline may or may not have carried it out.</source>
        <translation>Die Verbindung brach nach dem Senden der Anfrage ab; ob Magicline sie ausgeführt hat, ist unklar.</translation>
    </message>
    <message>
        <source>The connection to Magicline failed.</source>
        <translation>Die Verbindung zu Magicline ist fehlgeschlagen.</translation>
    </message>
    <message>
        <source>Magicline answered with an unexpected status.</source>
        <translation>Magicline hat mit einem unerwarteten Status geantwortet.</translation>
    </message>
    <message>
        <source>(HTTP status {status})</source>
        <translation>(HTTP-Status {status})</translation>
    </message>
    <message>
        <source>Field: {field}.</source>
        <translation>Feld: {field}.</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <source>Contract</source>
        <translation>Vertrag</translation>
    </message>
    <message>
        <source>General</source>
        <translation>Allgemein</translation>
    </message>
    <message>
        <source>Appointment</source>
        <translation>Termin</translation>
    </message>
    <message>
        <source>Newsletter</source>
        <translation>Newsletter</translation>
    </message>
    <message>
        <source>Loyalty programme</source>
        <translation>Bonusprogramm</translation>
    </message>
    <message>
        <source>Letter</source>
        <translation>Brief</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <source>Text message</source>
        <translation>SMS</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Telefon</translation>
    </message>
    <message>
        <source>Fax</source>
        <translation>Fax</translation>
    </message>
    <message>
        <source>Conversation</source>
        <translation>Gespräch</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>Chat</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>Sonstige</translation>
    </message>
    <message>
        <source>Outgoing</source>
        <translation>Ausgehend</translation>
    </message>
    <message>
        <source>Incoming</source>
        <translation>Eingehend</translation>
    </message>
    <message>
        <source>New</source>
        <translation>Neu</translation>
    </message>
    <message>
        <source>Ongoing</source>
        <translation>Laufend</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>Abgeschlossen</translation>
    </message>
    <message>
        <source>Member</source>
        <translation>Mitglied</translation>
    </message>
    <message>
        <source>Prospect</source>
        <translation>Interessent</translation>
    </message>
    <message>
        <source>Former member</source>
        <translation>Ehemaliges Mitglied</translation>
    </message>
    <message>
        <source>Not reached yet</source>
        <translation>Noch nicht erreicht</translation>
    </message>
    <message>
        <source>Sending</source>
        <translation>Wird gesendet</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Gesendet</translation>
    </message>
    <message>
        <source>Skipped: no consent</source>
        <translation>Übersprungen: keine Einwilligung</translation>
    </message>
    <message>
        <source>Skipped: cannot be read</source>
        <translation>Übersprungen: nicht lesbar</translation>
    </message>
    <message>
        <source>Skipped: text incomplete</source>
        <translation>Übersprungen: Text unvollständig</translation>
    </message>
    <message>
        <source>Not sent</source>
        <translation>Nicht gesendet</translation>
    </message>
    <message>
        <source>Outcome unknown</source>
        <translation>Ergebnis unbekannt</translation>
    </message>
    <message>
        <source>Not started</source>
        <translation>Nicht gestartet</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>Läuft</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>Angehalten</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>Abgeschlossen</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <source>paused by hand</source>
        <translation>von Hand angehalten</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>abgebrochen</translation>
    </message>
    <message>
        <source>paused itself: Magicline refused or did not answer several members in a row</source>
        <translation>selbst angehalten: Magicline hat mehrere Mitglieder nacheinander abgelehnt oder nicht beantwortet</translation>
    </message>
    <message>
        <source>paused itself: Magicline refused the API key</source>
        <translation>selbst angehalten: Magicline hat den API-Schlüssel abgelehnt</translation>
    </message>
    <message>
        <source>paused itself: the journal could not record what was sent</source>
        <translation>selbst angehalten: das Journal konnte das Gesendete nicht festhalten</translation>
    </message>
    <message>
        <source>stopped: another desk took the campaign over</source>
        <translation>beendet: ein anderer Arbeitsplatz hat die Kampagne übernommen</translation>
    </message>
    <message>
        <source>some members could not be sent to; Resume tries them again</source>
        <translation>an einige Mitglieder konnte nicht gesendet werden; Fortsetzen versucht es erneut</translation>
    </message>
    <message>
        <source>paused itself after an unexpected error</source>
        <translation>nach einem unerwarteten Fehler selbst angehalten</translation>
    </message>
    <message>
        <source>its last run stopped without finishing</source>
        <translation>der letzte Lauf endete vorzeitig</translation>
    </message>
    <message>
        <source>Unknown ({value})</source>
        <translation>Unbekannt ({value})</translation>
    </message>
    <message>
        <source>not offered</source>
        <translation>nicht angeboten</translation>
    </message>
    <message>
        <source>on</source>
        <translation>an</translation>
    </message>
    <message>
        <source>off</source>
        <translation>aus</translation>
    </message>
</context>
<context>
    <name>LanguageMenu</name>
    <message>
        <source>&amp;Language</source>
        <translation>Sp&amp;rache</translation>
    </message>
    <message>
        <source>As the system ({language})</source>
        <translation>Wie das System ({language})</translation>
    </message>
    <message>
        <source>Takes effect after a restart</source>
        <translation>Gilt nach einem Neustart</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <source>The new language applies when you start studio-comm again.</source>
        <translation>Die neue Sprache gilt, sobald Sie studio-comm neu starten.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>studio-comm main window</source>
        <translation>studio-comm Hauptfenster</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Connect to studio…</source>
        <translation>Mit Studio &amp;verbinden …</translation>
    </message>
    <message>
        <source>&amp;Switch studio</source>
        <translation>Studio &amp;wechseln</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Find customer</source>
        <translation>Mitglied &amp;suchen</translation>
    </message>
    <message>
        <source>&amp;Browse all members</source>
        <translation>&amp;Alle Mitglieder anzeigen</translation>
    </message>
    <message>
        <source>&amp;Refresh preferences</source>
        <translation>Einwilligungen &amp;neu laden</translation>
    </message>
    <message>
        <source>Consent &amp;history of this member…</source>
        <translation>Einwilligungs&amp;historie dieses Mitglieds …</translation>
    </message>
    <message>
        <source>&amp;Dismiss error message</source>
        <translation>&amp;Fehlermeldung schließen</translation>
    </message>
    <message>
        <source>&amp;Manager</source>
        <translation>&amp;Studioleitung</translation>
    </message>
    <message>
        <source>Consent &amp;review…</source>
        <translation>&amp;Einwilligungsübersicht …</translation>
    </message>
    <message>
        <source>&amp;Audit history…</source>
        <translation>Änderungs&amp;protokoll …</translation>
    </message>
    <message>
        <source>&amp;Campaigns…</source>
        <translation>&amp;Kampagnen …</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About studio-comm</source>
        <translation>&amp;Über studio-comm</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts…</source>
        <translation>&amp;Tastenkürzel …</translation>
    </message>
    <message>
        <source>Send the message</source>
        <translation>Nachricht senden</translation>
    </message>
    <message>
        <source>Start a new thread</source>
        <translation>Neuen Verlauf beginnen</translation>
    </message>
    <message>
        <source>No saved studios yet</source>
        <translation>Noch keine Studios gespeichert</translation>
    </message>
    <message>
        <source>About studio-comm</source>
        <translation>Über studio-comm</translation>
    </message>
    <message>
        <source>studio-comm {version}

Communication consent and member conversations for Magicline studios.</source>
        <translation>studio-comm {version}

Einwilligungen und Kommunikation mit Mitgliedern für Magicline-Studios.</translation>
    </message>
    <message>
        <source>Connecting to {profile}…</source>
        <translation>Verbindung zu {profile} wird hergestellt …</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>Nicht gespeicherte Änderungen</translation>
    </message>
    <message>
        <source>The preferences of {member} have changes that are not saved. Discard them?</source>
        <translation>Die Einwilligungen von {member} enthalten nicht gespeicherte Änderungen. Änderungen verwerfen?</translation>
    </message>
    <message>
        <source>Discard changes</source>
        <translation>Änderungen verwerfen</translation>
    </message>
    <message>
        <source>The journal did not answer in time.</source>
        <translation>Das Journal hat nicht rechtzeitig geantwortet.</translation>
    </message>
    <message>
        <source>Close studio-comm</source>
        <translation>studio-comm schließen</translation>
    </message>
    <message>
        <source>Close anyway?</source>
        <translation>Trotzdem schließen?</translation>
    </message>
    <message>
        <source>Close anyway</source>
        <translation>Trotzdem schließen</translation>
    </message>
</context>
<context>
    <name>OpenThreadsDialog</name>
    <message>
        <source>Open threads of the member</source>
        <translation>Offene Verläufe des Mitglieds</translation>
    </message>
    <message>
        <source>Open threads</source>
        <translation>Offene Verläufe</translation>
    </message>
    <message>
        <source>Explanation</source>
        <translation>Erläuterung</translation>
    </message>
    <message>
        <source>This member already has open threads. Follow up in one of them, or start a new thread if this is a different topic.</source>
        <translation>Dieses Mitglied hat bereits offene Verläufe. Schreiben Sie in einem davon weiter oder beginnen Sie einen neuen Verlauf, wenn es um ein anderes Thema geht.</translation>
    </message>
    <message>
        <source>Follow up in selected thread</source>
        <translation>Im ausgewählten Verlauf weiterschreiben</translation>
    </message>
    <message>
        <source>Start a new thread</source>
        <translation>Neuen Verlauf beginnen</translation>
    </message>
</context>
<context>
    <name>PreferencesMatrixModel</name>
    <message>
        <source>Not offered for this category</source>
        <translation>Für diese Kategorie nicht angeboten</translation>
    </message>
    <message>
        <source>{category} by {channel}: {state}</source>
        <translation>{category} per {channel}: {state}</translation>
    </message>
    <message>
        <source>Fixed by the studio: this channel cannot be changed here.</source>
        <translation>Vom Studio festgelegt: Dieser Kanal kann hier nicht geändert werden.</translation>
    </message>
    <message>
        <source>Changed, not saved yet (was {before}).</source>
        <translation>Geändert, noch nicht gespeichert (vorher {before}).</translation>
    </message>
</context>
<context>
    <name>PreferencesPanel</name>
    <message>
        <source>Communication preferences</source>
        <translation>Einwilligungen</translation>
    </message>
    <message>
        <source>Space or click toggles a channel. Changed cells stay highlighted until saved.</source>
        <translation>Leertaste oder Klick schaltet einen Kanal um. Geänderte Felder bleiben bis zum Speichern markiert.</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;Speichern</translation>
    </message>
    <message>
        <source>Save preferences</source>
        <translation>Einwilligungen speichern</translation>
    </message>
    <message>
        <source>Save the changed preferences (Ctrl+S)</source>
        <translation>Die geänderten Einwilligungen speichern (Strg+S)</translation>
    </message>
    <message>
        <source>&amp;Revert</source>
        <translation>&amp;Verwerfen</translation>
    </message>
    <message>
        <source>Revert preference changes</source>
        <translation>Änderungen verwerfen</translation>
    </message>
    <message>
        <source>Discard the changes you have not saved</source>
        <translation>Nicht gespeicherte Änderungen verwerfen</translation>
    </message>
    <message>
        <source>R&amp;efresh</source>
        <translation>&amp;Neu laden</translation>
    </message>
    <message>
        <source>Refresh preferences</source>
        <translation>Einwilligungen neu laden</translation>
    </message>
    <message>
        <source>Read the preferences from Magicline again</source>
        <translation>Die Einwilligungen erneut aus Magicline lesen</translation>
    </message>
    <message>
        <source>Preferences status</source>
        <translation>Status der Einwilligungen</translation>
    </message>
    <message>
        <source>Changes made elsewhere</source>
        <translation>Änderungen an anderer Stelle</translation>
    </message>
    <message>
        <source>Refreshing discards the changes you have not saved. Refresh anyway?</source>
        <translation>Beim Neuladen gehen nicht gespeicherte Änderungen verloren. Trotzdem neu laden?</translation>
    </message>
    <message>
        <source>Discard and refresh</source>
        <translation>Verwerfen und neu laden</translation>
    </message>
    <message>
        <source>Reading preferences…</source>
        <translation>Einwilligungen werden gelesen …</translation>
    </message>
    <message>
        <source>The preferences could not be read; see the message above.</source>
        <translation>Die Einwilligungen konnten nicht gelesen werden; siehe Meldung oben.</translation>
    </message>
    <message>
        <source>{workstation} by {staff}</source>
        <translation>{workstation} von {staff}</translation>
    </message>
    <message>
        <source>another desk</source>
        <translation>einem anderen Platz</translation>
    </message>
    <message>
        <source>Saved at {desk} at {time}</source>
        <translation>Gespeichert an {desk} um {time}</translation>
    </message>
    <message>
        <source>Changed outside studio-comm at {time}</source>
        <translation>Außerhalb von studio-comm geändert: {time}</translation>
    </message>
    <message>
        <source>Changed outside studio-comm while live updates were paused</source>
        <translation>Außerhalb von studio-comm geändert, während die Live-Aktualisierung unterbrochen war</translation>
    </message>
    <message>
        <source>This member was deleted in Magicline. The preferences shown are the last ones read; nothing can be changed here. The journal keeps its records.</source>
        <translation>Dieses Mitglied wurde in Magicline gelöscht. Angezeigt werden die zuletzt gelesenen Einwilligungen; hier lässt sich nichts mehr ändern. Das Journal behält seine Einträge.</translation>
    </message>
    <message>
        <source>Magicline no longer gives out this member&apos;s data (access disabled). The preferences shown are the last ones read; nothing can be changed here.</source>
        <translation>Magicline gibt die Daten dieses Mitglieds nicht mehr heraus (Zugriff gesperrt). Angezeigt werden die zuletzt gelesenen Einwilligungen; hier lässt sich nichts mehr ändern.</translation>
    </message>
    <message>
        <source>{cell} cannot be changed here.</source>
        <translation>{cell} kann hier nicht geändert werden.</translation>
    </message>
    <message numerus="yes">
        <source>%n unsaved change(s)</source>
        <translation>
            <numerusform>%n nicht gespeicherte Änderung</numerusform>
            <numerusform>%n nicht gespeicherte Änderungen</numerusform>
        </translation>
    </message>
    <message>
        <source>Not saved: say who is at the desk first. Your changes are kept.</source>
        <translation>Nicht gespeichert: Geben Sie zuerst an, wer am Empfang ist. Ihre Änderungen bleiben erhalten.</translation>
    </message>
    <message>
        <source>{staff} at {workstation}</source>
        <translation>{staff} an {workstation}</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Wird gespeichert …</translation>
    </message>
    <message>
        <source>Not saved; your changes are kept. See the message above.</source>
        <translation>Nicht gespeichert; Ihre Änderungen bleiben erhalten. Siehe Meldung oben.</translation>
    </message>
    <message>
        <source>Reading the preferences again confirmed that your changes are saved.</source>
        <translation>Erneutes Lesen der Einwilligungen hat bestätigt, dass Ihre Änderungen gespeichert sind.</translation>
    </message>
    <message>
        <source>Saved. Showing the preferences as Magicline has them now.</source>
        <translation>Gespeichert. Angezeigt werden die Einwilligungen, wie Magicline sie jetzt hat.</translation>
    </message>
    <message>
        <source>Reading the preferences again shows that only part of your changes is saved.</source>
        <translation>Erneutes Lesen der Einwilligungen zeigt, dass nur ein Teil Ihrer Änderungen gespeichert ist.</translation>
    </message>
    <message>
        <source>Saved: {changes}</source>
        <translation>Gespeichert: {changes}</translation>
    </message>
    <message>
        <source>Not saved, still marked here: {changes}. Save again to send them.</source>
        <translation>Nicht gespeichert, hier weiter markiert: {changes}. Speichern Sie erneut, um sie zu senden.</translation>
    </message>
    <message>
        <source>Reading the preferences again shows that nothing was saved. Your changes are still marked; save again.</source>
        <translation>Erneutes Lesen der Einwilligungen zeigt, dass nichts gespeichert wurde. Ihre Änderungen sind weiter markiert; speichern Sie erneut.</translation>
    </message>
    <message>
        <source>Reading the preferences again failed too, so it is not known whether your changes are saved. They are still marked here. Check with Refresh once Magicline answers again (it asks before discarding them), or save again.</source>
        <translation>Auch das erneute Lesen der Einwilligungen ist fehlgeschlagen; ob Ihre Änderungen gespeichert sind, ist daher unbekannt. Sie sind hier weiter markiert. Prüfen Sie mit „Neu laden“, sobald Magicline wieder antwortet (es fragt, bevor es sie verwirft), oder speichern Sie erneut.</translation>
    </message>
    <message>
        <source>{cell}: you chose {intended}, Magicline has {actual}</source>
        <translation>{cell}: Ihre Wahl {intended}, in Magicline {actual}</translation>
    </message>
    <message>
        <source>Saved, but Magicline did not apply everything as intended:</source>
        <translation>Gespeichert, aber Magicline hat nicht alles wie gewünscht übernommen:</translation>
    </message>
    <message>
        <source>Someone changed these preferences meanwhile; choose what to keep.</source>
        <translation>Jemand hat diese Einwilligungen inzwischen geändert; wählen Sie, was gelten soll.</translation>
    </message>
    <message>
        <source>Magicline answered, but its answer could not be read.</source>
        <translation>Magicline hat geantwortet, aber die Antwort war nicht lesbar.</translation>
    </message>
    <message>
        <source>The connection was lost before Magicline&apos;s answer arrived.</source>
        <translation>Die Verbindung brach ab, bevor die Antwort von Magicline ankam.</translation>
    </message>
    <message>
        <source>Nothing left to save: the other values were taken.</source>
        <translation>Nichts mehr zu speichern: Die anderen Werte wurden übernommen.</translation>
    </message>
</context>
<context>
    <name>Review</name>
    <message>
        <source>on (studio)</source>
        <translation>an (Studio)</translation>
    </message>
    <message>
        <source>off (studio)</source>
        <translation>aus (Studio)</translation>
    </message>
    <message>
        <source>not read</source>
        <translation>nicht gelesen</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Aktiv</translation>
    </message>
    <message>
        <source>Inactive</source>
        <translation>Inaktiv</translation>
    </message>
    <message>
        <source>Not offered for this member</source>
        <translation>Für dieses Mitglied nicht angeboten</translation>
    </message>
    <message>
        <source>Active, fixed by the studio</source>
        <translation>Aktiv, vom Studio festgelegt</translation>
    </message>
    <message>
        <source>Inactive, fixed by the studio</source>
        <translation>Inaktiv, vom Studio festgelegt</translation>
    </message>
    <message>
        <source>The preferences could not be read</source>
        <translation>Die Einwilligungen konnten nicht gelesen werden</translation>
    </message>
    <message>
        <source>Not found: the customer is gone or access is disabled</source>
        <translation>Nicht gefunden: Der Kunde wurde entfernt oder der Zugriff ist gesperrt</translation>
    </message>
    <message>
        <source>Access disabled: Magicline no longer gives out this customer&apos;s data</source>
        <translation>Zugriff gesperrt: Magicline gibt die Daten dieses Kunden nicht mehr heraus</translation>
    </message>
    <message>
        <source>Could not be read ({code})</source>
        <translation>Nicht lesbar ({code})</translation>
    </message>
    <message>
        <source>less than a minute</source>
        <translation>weniger als eine Minute</translation>
    </message>
</context>
<context>
    <name>ReviewModel</name>
    <message>
        <source>Number</source>
        <translation>Nummer</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Read at</source>
        <translation>Gelesen am</translation>
    </message>
    <message>
        <source>{time} (changed, reading again)</source>
        <translation>{time} (geändert, wird neu gelesen)</translation>
    </message>
    <message>
        <source>Changed outside studio-comm since this read; it is being read again.</source>
        <translation>Seit diesem Lesen außerhalb von studio-comm geändert; wird neu gelesen.</translation>
    </message>
</context>
<context>
    <name>ReviewWindow</name>
    <message numerus="yes">
        <source>%n minute(s)</source>
        <translation>
            <numerusform>%n Minute</numerusform>
            <numerusform>%n Minuten</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n hour(s)</source>
        <translation>
            <numerusform>%n Stunde</numerusform>
            <numerusform>%n Stunden</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n day(s)</source>
        <translation>
            <numerusform>%n Tag</numerusform>
            <numerusform>%n Tagen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n second(s)</source>
        <translation>
            <numerusform>%n Sekunde</numerusform>
            <numerusform>%n Sekunden</numerusform>
        </translation>
    </message>
    <message>
        <source>Consent review – studio-comm</source>
        <translation>Einwilligungsübersicht – studio-comm</translation>
    </message>
    <message>
        <source>Consent review</source>
        <translation>Einwilligungsübersicht</translation>
    </message>
    <message>
        <source>Members by category and channel</source>
        <translation>Mitglieder nach Kategorie und Kanal</translation>
    </message>
    <message>
        <source>Read:</source>
        <translation>Lesen:</translation>
    </message>
    <message>
        <source>Read all</source>
        <translation>Alle lesen</translation>
    </message>
    <message>
        <source>Read the preferences of every customer of the chosen kinds</source>
        <translation>Die Einwilligungen aller Kunden der gewählten Arten lesen</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <source>Continue the cancelled review without reading again what it has</source>
        <translation>Die abgebrochene Übersicht fortsetzen, ohne Gelesenes erneut zu lesen</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Maximum age</source>
        <translation>Maximales Alter</translation>
    </message>
    <message>
        <source>Unit of the maximum age</source>
        <translation>Einheit des maximalen Alters</translation>
    </message>
    <message>
        <source>hours</source>
        <translation>Stunden</translation>
    </message>
    <message>
        <source>days</source>
        <translation>Tage</translation>
    </message>
    <message>
        <source>Refresh older than</source>
        <translation>Neu laden, wenn älter als</translation>
    </message>
    <message>
        <source>Refresh selected member</source>
        <translation>Ausgewähltes Mitglied neu laden</translation>
    </message>
    <message>
        <source>Review progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>Kategorie</translation>
    </message>
    <message>
        <source>All categories</source>
        <translation>Alle Kategorien</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Kanal</translation>
    </message>
    <message>
        <source>All channels</source>
        <translation>Alle Kanäle</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Any state</source>
        <translation>Alle Zustände</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Aktiv</translation>
    </message>
    <message>
        <source>Inactive</source>
        <translation>Inaktiv</translation>
    </message>
    <message>
        <source>Not offered</source>
        <translation>Nicht angeboten</translation>
    </message>
    <message>
        <source>Fixed by the studio</source>
        <translation>Vom Studio festgelegt</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>All statuses</source>
        <translation>Alle Status</translation>
    </message>
    <message>
        <source>Name or number</source>
        <translation>Name oder Nummer</translation>
    </message>
    <message>
        <source>Export table…</source>
        <translation>Tabelle exportieren …</translation>
    </message>
    <message>
        <source>Export member data…</source>
        <translation>Mitgliedsdaten exportieren …</translation>
    </message>
    <message>
        <source>Everything studio-comm holds about the selected member, in one file (for a data-protection request)</source>
        <translation>Alles, was studio-comm über das ausgewählte Mitglied speichert, in einer Datei (für eine Datenschutzanfrage)</translation>
    </message>
    <message>
        <source>Separator:</source>
        <translation>Trennzeichen:</translation>
    </message>
    <message>
        <source>{shown} of {total} customers</source>
        <translation>{shown} von {total} Kunden</translation>
    </message>
    <message>
        <source>{count} could not be read</source>
        <translation>{count} nicht lesbar</translation>
    </message>
    <message>
        <source>No preferences read yet. Choose the kinds of customers and press “Read all”.</source>
        <translation>Noch keine Einwilligungen gelesen. Wählen Sie die Kundenarten und klicken Sie auf „Alle lesen“.</translation>
    </message>
    <message>
        <source>Read between {oldest} and {newest}: the oldest row is {age} old.</source>
        <translation>Gelesen zwischen {oldest} und {newest}: Die älteste Zeile ist {age} alt.</translation>
    </message>
    <message>
        <source>Listing customers…</source>
        <translation>Kunden werden aufgelistet …</translation>
    </message>
    <message>
        <source>The review stopped: {error}</source>
        <translation>Die Übersicht wurde abgebrochen: {error}</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>Abgebrochen.</translation>
    </message>
    <message>
        <source>{done} of {listed}+ customers</source>
        <translation>{done} von {listed}+ Kunden</translation>
    </message>
    <message>
        <source>{done} of {total} customers</source>
        <translation>{done} von {total} Kunden</translation>
    </message>
    <message>
        <source>{read} read, {skipped} already up to date, {failed} failed</source>
        <translation>{read} gelesen, {skipped} bereits aktuell, {failed} fehlgeschlagen</translation>
    </message>
    <message>
        <source>cancelled: “Resume” continues where it stopped</source>
        <translation>abgebrochen: „Fortsetzen“ macht an derselben Stelle weiter</translation>
    </message>
    <message>
        <source>finished</source>
        <translation>fertig</translation>
    </message>
    <message>
        <source>{rate} per minute</source>
        <translation>{rate} pro Minute</translation>
    </message>
    <message>
        <source>about {time} left</source>
        <translation>noch etwa {time}</translation>
    </message>
    <message>
        <source>Customer ID</source>
        <translation>Kunden-ID</translation>
    </message>
    <message>
        <source>Customer number</source>
        <translation>Kundennummer</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Read at (UTC)</source>
        <translation>Gelesen am (UTC)</translation>
    </message>
    <message>
        <source>Read error</source>
        <translation>Lesefehler</translation>
    </message>
    <message>
        <source>Exported {count} rows to {path}</source>
        <translation>{count} Zeilen nach {path} exportiert</translation>
    </message>
    <message>
        <source>Member data exported to {path}</source>
        <translation>Mitgliedsdaten nach {path} exportiert</translation>
    </message>
    <message>
        <source>Export consent review</source>
        <translation>Einwilligungsübersicht exportieren</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
        <source>Export member data</source>
        <translation>Mitgliedsdaten exportieren</translation>
    </message>
    <message>
        <source>JSON files (*.json)</source>
        <translation>JSON-Dateien (*.json)</translation>
    </message>
    <message>
        <source>Connect to a studio first.</source>
        <translation>Verbinden Sie sich zuerst mit einem Studio.</translation>
    </message>
</context>
<context>
    <name>SavedRepliesDialog</name>
    <message>
        <source>Saved replies</source>
        <translation>Textbausteine</translation>
    </message>
    <message>
        <source>Saved replies – studio-comm</source>
        <translation>Textbausteine – studio-comm</translation>
    </message>
    <message>
        <source>Filter saved replies</source>
        <translation>Textbausteine filtern</translation>
    </message>
    <message>
        <source>Filter by name, code or text</source>
        <translation>Nach Name, Kürzel oder Text filtern</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>Kürzel</translation>
    </message>
    <message>
        <source>Used</source>
        <translation>Verwendet</translation>
    </message>
    <message>
        <source>New</source>
        <translation>Neu</translation>
    </message>
    <message>
        <source>New saved reply</source>
        <translation>Neuer Textbaustein</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>Duplizieren</translation>
    </message>
    <message>
        <source>Duplicate the selected reply</source>
        <translation>Den gewählten Textbaustein duplizieren</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Löschen …</translation>
    </message>
    <message>
        <source>Delete the selected reply</source>
        <translation>Den gewählten Textbaustein löschen</translation>
    </message>
    <message>
        <source>e.g. kurs, typed as /kurs in the message</source>
        <translation>z. B. kurs, in der Nachricht als /kurs getippt</translation>
    </message>
    <message>
        <source>Message category</source>
        <translation>Nachrichtenkategorie</translation>
    </message>
    <message>
        <source>Unchanged when inserted</source>
        <translation>Beim Einfügen unverändert</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Kanal</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Betreff</translation>
    </message>
    <message>
        <source>Optional; taken when the message has no subject yet</source>
        <translation>Optional; wird übernommen, wenn die Nachricht noch keinen Betreff hat</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>Text</translation>
    </message>
    <message>
        <source>Insert a variable</source>
        <translation>Eine Variable einfügen</translation>
    </message>
    <message>
        <source>Insert variable</source>
        <translation>Variable einfügen</translation>
    </message>
    <message>
        <source>About variables</source>
        <translation>Zu den Variablen</translation>
    </message>
    <message>
        <source>Variables: {variables}. They are filled in when the reply is inserted. A fallback follows a bar, e.g. {example}; a variable with no value and no fallback stays marked in the message, which cannot be sent until it is replaced.</source>
        <translation>Variablen: {variables}. Sie werden beim Einfügen ausgefüllt. Ein Ersatztext folgt nach einem senkrechten Strich, z. B. {example}; eine Variable ohne Wert und ohne Ersatztext bleibt in der Nachricht markiert, und die Nachricht kann erst gesendet werden, wenn sie ersetzt ist.</translation>
    </message>
    <message>
        <source>How often the reply was used</source>
        <translation>Wie oft der Textbaustein verwendet wurde</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Speichern</translation>
    </message>
    <message>
        <source>Save the saved reply</source>
        <translation>Den Textbaustein speichern</translation>
    </message>
    <message>
        <source>What happened</source>
        <translation>Was geschehen ist</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>Importieren …</translation>
    </message>
    <message>
        <source>Import saved replies from a file</source>
        <translation>Textbausteine aus einer Datei importieren</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exportieren …</translation>
    </message>
    <message>
        <source>Export the saved replies to a file</source>
        <translation>Die Textbausteine in eine Datei exportieren</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Member&apos;s first name</source>
        <translation>Vorname des Mitglieds</translation>
    </message>
    <message>
        <source>Member&apos;s last name</source>
        <translation>Nachname des Mitglieds</translation>
    </message>
    <message>
        <source>Customer number</source>
        <translation>Kundennummer</translation>
    </message>
    <message>
        <source>Staff member at the desk</source>
        <translation>Mitarbeiter am Empfang</translation>
    </message>
    <message>
        <source>Studio name</source>
        <translation>Name des Studios</translation>
    </message>
    <message>
        <source>Give the reply a name (up to {count} characters).</source>
        <translation>Geben Sie dem Textbaustein einen Namen (bis zu {count} Zeichen).</translation>
    </message>
    <message>
        <source>The code is one short word of letters and digits (also - and _), up to {count} characters, e.g. kurs.</source>
        <translation>Das Kürzel ist ein kurzes Wort aus Buchstaben und Ziffern (auch - und _), bis zu {count} Zeichen, z. B. kurs.</translation>
    </message>
    <message>
        <source>The subject is too long.</source>
        <translation>Der Betreff ist zu lang.</translation>
    </message>
    <message>
        <source>Write the reply&apos;s text (up to {count} characters).</source>
        <translation>Schreiben Sie den Text des Textbausteins (bis zu {count} Zeichen).</translation>
    </message>
    <message>
        <source>There is no variable {variable}; the variables are listed below the text.</source>
        <translation>Die Variable {variable} gibt es nicht; die Variablen stehen unter dem Text.</translation>
    </message>
    <message>
        <source>This version does not know the message category “{value}”.</source>
        <translation>Diese Version kennt die Nachrichtenkategorie „{value}“ nicht.</translation>
    </message>
    <message>
        <source>This version does not know the channel “{value}”.</source>
        <translation>Diese Version kennt den Kanal „{value}“ nicht.</translation>
    </message>
    <message>
        <source>The text contains a NUL character; remove it.</source>
        <translation>Der Text enthält ein NUL-Zeichen; entfernen Sie es.</translation>
    </message>
    <message>
        <source>It is not a saved reply.</source>
        <translation>Er ist kein Textbaustein.</translation>
    </message>
    <message>
        <source>Reply {position} in the file (“{name}”) cannot be saved as written. {reason}</source>
        <translation>Textbaustein {position} der Datei („{name}“) kann so nicht gespeichert werden. {reason}</translation>
    </message>
    <message>
        <source>Reply {position} in the file cannot be saved as written. {reason}</source>
        <translation>Textbaustein {position} der Datei kann so nicht gespeichert werden. {reason}</translation>
    </message>
    <message>
        <source>The file cannot be read ({reason}).</source>
        <translation>Die Datei kann nicht gelesen werden ({reason}).</translation>
    </message>
    <message>
        <source>The file is too large for a set of saved replies.</source>
        <translation>Die Datei ist für eine Sammlung von Textbausteinen zu groß.</translation>
    </message>
    <message>
        <source>The file is damaged or not a JSON file.</source>
        <translation>Die Datei ist beschädigt oder keine JSON-Datei.</translation>
    </message>
    <message>
        <source>The file is not an export of saved replies from studio-comm.</source>
        <translation>Die Datei ist kein Export von Textbausteinen aus studio-comm.</translation>
    </message>
    <message>
        <source>The file was exported by a newer version of studio-comm; update studio-comm on this computer to import it.</source>
        <translation>Die Datei wurde von einer neueren Version von studio-comm exportiert; aktualisieren Sie studio-comm auf diesem Computer, um sie zu importieren.</translation>
    </message>
    <message>
        <source>The file is an export of saved replies, but its list of replies is missing or damaged.</source>
        <translation>Die Datei ist ein Export von Textbausteinen, aber ihre Liste der Textbausteine fehlt oder ist beschädigt.</translation>
    </message>
    <message>
        <source>Two replies in the file have the code /{code}; a code can stand for one reply only.</source>
        <translation>Zwei Textbausteine der Datei haben das Kürzel /{code}; ein Kürzel kann nur für einen Textbaustein stehen.</translation>
    </message>
    <message numerus="yes">
        <source>Inserted %n time(s)</source>
        <translation>
            <numerusform>%n-mal eingefügt</numerusform>
            <numerusform>%n-mal eingefügt</numerusform>
        </translation>
    </message>
    <message>
        <source>last on {when}</source>
        <translation>zuletzt am {when}</translation>
    </message>
    <message>
        <source>Last changed by {staff} at {workstation} on {when}</source>
        <translation>Zuletzt geändert von {staff} an {workstation} am {when}</translation>
    </message>
    <message>
        <source>(no name)</source>
        <translation>(ohne Namen)</translation>
    </message>
    <message>
        <source>Saved. Every desk of the studio offers it now.</source>
        <translation>Gespeichert. Jeder Empfang des Studios bietet ihn jetzt an.</translation>
    </message>
    <message>
        <source>Another reply of the studio has the code /{code}; choose another code.</source>
        <translation>Ein anderer Textbaustein des Studios hat das Kürzel /{code}; wählen Sie ein anderes Kürzel.</translation>
    </message>
    <message>
        <source>Not saved: this reply was deleted at another desk meanwhile. Save again to keep your text as a new reply.</source>
        <translation>Nicht gespeichert: Dieser Textbaustein wurde inzwischen an einem anderen Empfang gelöscht. Speichern Sie erneut, um Ihren Text als neuen Textbaustein zu behalten.</translation>
    </message>
    <message>
        <source>Not saved: this reply was changed at another desk meanwhile (see the list). Your text is still here; save again to replace that version with it.</source>
        <translation>Nicht gespeichert: Dieser Textbaustein wurde inzwischen an einem anderen Empfang geändert (siehe Liste). Ihr Text bleibt hier erhalten; speichern Sie erneut, um jene Fassung durch ihn zu ersetzen.</translation>
    </message>
    <message>
        <source>Not saved: {error}</source>
        <translation>Nicht gespeichert: {error}</translation>
    </message>
    <message>
        <source>Duplicated as /{code}; change its name, code and text as needed.</source>
        <translation>Als /{code} dupliziert; ändern Sie Name, Kürzel und Text nach Bedarf.</translation>
    </message>
    <message>
        <source>{name} (copy)</source>
        <translation>{name} (Kopie)</translation>
    </message>
    <message>
        <source>Not duplicated: {error}</source>
        <translation>Nicht dupliziert: {error}</translation>
    </message>
    <message>
        <source>Delete saved reply</source>
        <translation>Textbaustein löschen</translation>
    </message>
    <message>
        <source>Delete the saved reply “{name}” (/{code})? No desk of the studio will offer it any more.</source>
        <translation>Den Textbaustein „{name}“ (/{code}) löschen? Kein Empfang des Studios bietet ihn dann noch an.</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>Deleted “{name}”.</source>
        <translation>„{name}“ gelöscht.</translation>
    </message>
    <message>
        <source>Export saved replies</source>
        <translation>Textbausteine exportieren</translation>
    </message>
    <message>
        <source>saved-replies.json</source>
        <translation>Textbausteine.json</translation>
    </message>
    <message>
        <source>Saved replies (*.json)</source>
        <translation>Textbausteine (*.json)</translation>
    </message>
    <message>
        <source>Not exported: {error}</source>
        <translation>Nicht exportiert: {error}</translation>
    </message>
    <message numerus="yes">
        <source>%n saved reply(s) exported to {file}.</source>
        <translation>
            <numerusform>%n Textbaustein nach {file} exportiert.</numerusform>
            <numerusform>%n Textbausteine nach {file} exportiert.</numerusform>
        </translation>
    </message>
    <message>
        <source>Import saved replies</source>
        <translation>Textbausteine importieren</translation>
    </message>
    <message>
        <source>Nothing was imported. {reason}</source>
        <translation>Es wurde nichts importiert. {reason}</translation>
    </message>
    <message>
        <source>The file holds no saved replies; nothing was imported.</source>
        <translation>Die Datei enthält keine Textbausteine; es wurde nichts importiert.</translation>
    </message>
    <message numerus="yes">
        <source>The file has another text for %n of the studio&apos;s replies: {codes}. Importing replaces their texts at every desk.</source>
        <translation>
            <numerusform>Die Datei hat für %n Textbaustein des Studios einen anderen Text: {codes}. Der Import ersetzt seinen Text an jedem Empfang.</numerusform>
            <numerusform>Die Datei hat für %n Textbausteine des Studios einen anderen Text: {codes}. Der Import ersetzt ihre Texte an jedem Empfang.</numerusform>
        </translation>
    </message>
    <message>
        <source>Import and replace</source>
        <translation>Importieren und ersetzen</translation>
    </message>
    <message>
        <source>Nothing was imported.</source>
        <translation>Es wurde nichts importiert.</translation>
    </message>
    <message>
        <source>Nothing was imported: another desk changed the saved replies meanwhile. Import the file again.</source>
        <translation>Es wurde nichts importiert: Ein anderer Empfang hat die Textbausteine inzwischen geändert. Importieren Sie die Datei erneut.</translation>
    </message>
    <message>
        <source>Imported: {added} new, {updated} replaced, {unchanged} unchanged.</source>
        <translation>Importiert: {added} neu, {updated} ersetzt, {unchanged} unverändert.</translation>
    </message>
    <message>
        <source>Connect to a studio first.</source>
        <translation>Verbinden Sie sich zuerst mit einem Studio.</translation>
    </message>
</context>
<context>
    <name>SavedReplyHook</name>
    <message>
        <source>Saved reply notice</source>
        <translation>Hinweis zu Textbausteinen</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Bearbeiten</translation>
    </message>
    <message>
        <source>&amp;Insert saved reply…</source>
        <translation>Textbaustein &amp;einfügen …</translation>
    </message>
    <message>
        <source>&amp;Saved replies…</source>
        <translation>&amp;Textbausteine …</translation>
    </message>
    <message>
        <source>Connect to a studio first.</source>
        <translation>Verbinden Sie sich zuerst mit einem Studio.</translation>
    </message>
    <message>
        <source>Open a member first: a saved reply is inserted into a message to them.</source>
        <translation>Öffnen Sie zuerst ein Mitglied: Ein Textbaustein wird in eine Nachricht an das Mitglied eingefügt.</translation>
    </message>
    <message>
        <source>No saved reply has the code /{code}.</source>
        <translation>Kein Textbaustein hat das Kürzel /{code}.</translation>
    </message>
    <message>
        <source>Not ready to send: replace {variables} with the right text.</source>
        <translation>Noch nicht sendebereit: Ersetzen Sie {variables} durch den passenden Text.</translation>
    </message>
</context>
<context>
    <name>SavedReplyPicker</name>
    <message>
        <source>Insert saved reply</source>
        <translation>Textbaustein einfügen</translation>
    </message>
    <message>
        <source>Search saved replies</source>
        <translation>Textbausteine suchen</translation>
    </message>
    <message>
        <source>Search by name, code or text</source>
        <translation>Nach Name, Kürzel oder Text suchen</translation>
    </message>
    <message>
        <source>Saved replies</source>
        <translation>Textbausteine</translation>
    </message>
    <message>
        <source>Saved replies found</source>
        <translation>Gefundene Textbausteine</translation>
    </message>
    <message>
        <source>The reply as it will be inserted</source>
        <translation>Der Textbaustein, wie er eingefügt wird</translation>
    </message>
    <message>
        <source>Insert</source>
        <translation>Einfügen</translation>
    </message>
    <message>
        <source>Reading the saved replies…</source>
        <translation>Textbausteine werden gelesen …</translation>
    </message>
    <message>
        <source>The saved replies could not be read: {error}</source>
        <translation>Die Textbausteine konnten nicht gelesen werden: {error}</translation>
    </message>
    <message numerus="yes">
        <source>%n saved reply(s). Enter inserts the selected one.</source>
        <translation>
            <numerusform>%n Textbaustein. Die Eingabetaste fügt den gewählten ein.</numerusform>
            <numerusform>%n Textbausteine. Die Eingabetaste fügt den gewählten ein.</numerusform>
        </translation>
    </message>
    <message>
        <source>No saved reply matches.</source>
        <translation>Kein Textbaustein passt.</translation>
    </message>
    <message>
        <source>The studio has no saved replies yet. Create them under Edit ▸ Saved replies…</source>
        <translation>Das Studio hat noch keine Textbausteine. Legen Sie sie unter Bearbeiten ▸ Textbausteine … an.</translation>
    </message>
    <message>
        <source>Subject: {subject}</source>
        <translation>Betreff: {subject}</translation>
    </message>
    <message>
        <source>No value for {variables}: replace it in the text before sending.</source>
        <translation>Kein Wert für {variables}: Ersetzen Sie es im Text vor dem Senden.</translation>
    </message>
</context>
<context>
    <name>SearchPanel</name>
    <message>
        <source>Search customers</source>
        <translation>Mitglieder suchen</translation>
    </message>
    <message>
        <source>Name, email, customer no., card no. or birthday</source>
        <translation>Name, E-Mail, Kunden-/Kartennr. oder Geburtstag</translation>
    </message>
    <message>
        <source>Type a name (&quot;Anna Schmidt&quot; or &quot;Schm&quot;), an email address, a customer number,
a card number or a date of birth; the search starts when you pause typing.</source>
        <translation>Geben Sie einen Namen („Anna Schmidt“ oder „Schm“), eine E-Mail-Adresse, eine Kundennummer,
eine Kartennummer oder ein Geburtsdatum ein; die Suche beginnt, sobald Sie kurz innehalten.</translation>
    </message>
    <message>
        <source>Browse all</source>
        <translation>Alle anzeigen</translation>
    </message>
    <message>
        <source>Browse all members</source>
        <translation>Alle Mitglieder anzeigen</translation>
    </message>
    <message>
        <source>List all members, page by page as you scroll</source>
        <translation>Alle Mitglieder auflisten, seitenweise beim Scrollen</translation>
    </message>
    <message>
        <source>Customer search results</source>
        <translation>Suchergebnisse</translation>
    </message>
    <message>
        <source>Search status</source>
        <translation>Suchstatus</translation>
    </message>
    <message>
        <source>Connect to a studio to search.</source>
        <translation>Verbinden Sie sich mit einem Studio, um zu suchen.</translation>
    </message>
    <message>
        <source>“{text}” is searched as soon as the studio is connected.</source>
        <translation>„{text}“ wird gesucht, sobald das Studio verbunden ist.</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>Suche läuft …</translation>
    </message>
    <message numerus="yes">
        <source>%n customer(s) found</source>
        <translation>
            <numerusform>%n Treffer</numerusform>
            <numerusform>%n Treffer</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n customer(s) match: choose one and press Enter.</source>
        <translation>
            <numerusform>%n Treffer: Wählen Sie ihn aus und drücken Sie die Eingabetaste.</numerusform>
            <numerusform>%n Treffer: Wählen Sie einen aus und drücken Sie die Eingabetaste.</numerusform>
        </translation>
    </message>
    <message>
        <source>No customer found for “{text}”.</source>
        <translation>Kein Treffer für „{text}“.</translation>
    </message>
    <message>
        <source>The search failed; see the message above.</source>
        <translation>Die Suche ist fehlgeschlagen; siehe Meldung oben.</translation>
    </message>
    <message>
        <source>Loading members…</source>
        <translation>Mitglieder werden geladen …</translation>
    </message>
    <message numerus="yes">
        <source>%n member(s) listed</source>
        <translation>
            <numerusform>%n Mitglied aufgelistet</numerusform>
            <numerusform>%n Mitglieder aufgelistet</numerusform>
        </translation>
    </message>
    <message>
        <source>(scroll for more)</source>
        <translation>(weitere beim Scrollen)</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <source>Everything the keyboard does in this window. Enter in the search field opens the member a card, barcode or customer number finds.</source>
        <translation>Alles, was die Tastatur in diesem Fenster tut. Die Eingabetaste im Suchfeld öffnet das Mitglied, das eine Karten-, Barcode- oder Kundennummer findet.</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Tasten</translation>
    </message>
    <message>
        <source>What it does</source>
        <translation>Was sie tun</translation>
    </message>
</context>
<context>
    <name>StaffDialog</name>
    <message>
        <source>Who is at the desk?</source>
        <translation>Wer ist am Empfang?</translation>
    </message>
    <message>
        <source>Consent changes and messages are recorded with the name of the staff member who makes them. Choose your name or type it.</source>
        <translation>Änderungen der Einwilligungen und Nachrichten werden mit dem Namen des Mitarbeiters erfasst, der sie vornimmt. Wählen Sie Ihren Namen oder geben Sie ihn ein.</translation>
    </message>
    <message>
        <source>Your name</source>
        <translation>Ihr Name</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>Weiter</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <source>Status bar</source>
        <translation>Statusleiste</translation>
    </message>
    <message>
        <source>Studio connected to</source>
        <translation>Verbundenes Studio</translation>
    </message>
    <message>
        <source>At the desk:</source>
        <translation>Am Empfang:</translation>
    </message>
    <message>
        <source>Staff member at the desk</source>
        <translation>Mitarbeiter am Empfang</translation>
    </message>
    <message>
        <source>Your name</source>
        <translation>Ihr Name</translation>
    </message>
    <message>
        <source>Requests under way</source>
        <translation>Laufende Anfragen</translation>
    </message>
    <message>
        <source>Request limit</source>
        <translation>Anfragelimit</translation>
    </message>
    <message>
        <source>Live updates</source>
        <translation>Live-Aktualisierung</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Nicht verbunden</translation>
    </message>
    <message>
        <source>Connected to {studio} ({profile})</source>
        <translation>Verbunden mit {studio} ({profile})</translation>
    </message>
    <message>
        <source>Connected to {studio}</source>
        <translation>Verbunden mit {studio}</translation>
    </message>
    <message>
        <source>starting live updates…</source>
        <translation>Live-Aktualisierung startet …</translation>
    </message>
    <message>
        <source>live</source>
        <translation>live</translation>
    </message>
    <message>
        <source>Changes made elsewhere (the member app, Magicline, other desks) show here as they happen.</source>
        <translation>Änderungen an anderer Stelle (Mitglieder-App, Magicline, andere Empfangsplätze) erscheinen hier, sobald sie geschehen.</translation>
    </message>
    <message>
        <source>live updates paused, reconnecting</source>
        <translation>Live-Aktualisierung unterbrochen, neue Verbindung wird aufgebaut</translation>
    </message>
    <message>
        <source>The studio&apos;s event feed cannot be reached; what happened meanwhile shows once it is back.</source>
        <translation>Der Ereignis-Feed des Studios ist nicht erreichbar; was inzwischen geschah, erscheint, sobald er wieder da ist.</translation>
    </message>
    <message numerus="yes">
        <source>%n request(s) under way</source>
        <translation>
            <numerusform>%n Anfrage läuft</numerusform>
            <numerusform>%n Anfragen laufen</numerusform>
        </translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>Bereit</translation>
    </message>
    <message numerus="yes">
        <source>Waiting %n s: request limit reached</source>
        <translation>
            <numerusform>Anfragelimit erreicht, weiter in %n s</numerusform>
            <numerusform>Anfragelimit erreicht, weiter in %n s</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Tables</name>
    <message>
        <source>CSV separator</source>
        <translation>CSV-Trennzeichen</translation>
    </message>
    <message>
        <source>Comma</source>
        <translation>Komma</translation>
    </message>
    <message>
        <source>Semicolon (German Excel)</source>
        <translation>Semikolon (deutsches Excel)</translation>
    </message>
</context>
<context>
    <name>ThreadListModel</name>
    <message>
        <source>{names} is writing…</source>
        <translation>{names} schreibt…</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Betreff</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Last activity</source>
        <translation>Letzte Aktivität</translation>
    </message>
</context>
<context>
    <name>Timeline</name>
    <message>
        <source>Logging…</source>
        <translation>Wird erfasst …</translation>
    </message>
    <message>
        <source>Logged</source>
        <translation>Erfasst</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>Wird gesendet …</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Gesendet</translation>
    </message>
    <message>
        <source>Not sent</source>
        <translation>Nicht gesendet</translation>
    </message>
    <message>
        <source>Outcome unknown</source>
        <translation>Ergebnis unbekannt</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>Abgelehnt</translation>
    </message>
    <message>
        <source>Sent, not recorded yet</source>
        <translation>Gesendet, noch nicht erfasst</translation>
    </message>
</context>
<context>
    <name>TrafficCopDialog</name>
    <message>
        <source>Another desk was here first</source>
        <translation>Ein anderer Platz war schneller</translation>
    </message>
    <message>
        <source>What is new</source>
        <translation>Was neu ist</translation>
    </message>
    <message>
        <source>Edit first</source>
        <translation>Erst bearbeiten</translation>
    </message>
    <message>
        <source>Other desks wrote in this thread since you began your reply. Read what is new before you send: a colleague may have answered already.</source>
        <translation>Andere Plätze haben in diesem Verlauf geschrieben, seit Sie mit Ihrer Antwort begonnen haben. Lesen Sie das Neue, bevor Sie senden: Vielleicht hat schon jemand geantwortet.</translation>
    </message>
    <message>
        <source>{time} · {who}: {text}</source>
        <translation>{time} · {who}: {text}</translation>
    </message>
    <message>
        <source>Send anyway</source>
        <translation>Trotzdem senden</translation>
    </message>
    <message>
        <source>Discard my reply</source>
        <translation>Meine Antwort verwerfen</translation>
    </message>
    <message>
        <source>Another desk saved this member&apos;s consent since you opened the member. The matrix shows that save now, with your changes on top: check them against it before you save.</source>
        <translation>Ein anderer Platz hat die Einwilligungen dieses Mitglieds gespeichert, seit Sie das Mitglied geöffnet haben. Die Matrix zeigt jetzt diesen Stand, Ihre Änderungen darüber: Prüfen Sie sie daran, bevor Sie speichern.</translation>
    </message>
    <message>
        <source>{time} · saved by {who}</source>
        <translation>{time} · gespeichert von {who}</translation>
    </message>
    <message>
        <source>Save anyway</source>
        <translation>Trotzdem speichern</translation>
    </message>
    <message>
        <source>Discard my changes</source>
        <translation>Meine Änderungen verwerfen</translation>
    </message>
    <message>
        <source>{staff} at {workstation}</source>
        <translation>{staff} an {workstation}</translation>
    </message>
    <message>
        <source>another desk</source>
        <translation>einem anderen Platz</translation>
    </message>
</context>
<context>
    <name>app</name>
    <message>
        <source>The shared journal&apos;s password is part of the --journal address, where every user of this computer can see it. Keep it in a .pgpass file instead (see the README).</source>
        <translation>Das Passwort des gemeinsamen Journals steht in der --journal-Adresse, die jeder Benutzer dieses Computers sehen kann. Legen Sie es stattdessen in einer .pgpass-Datei ab (siehe README).</translation>
    </message>
    <message>
        <source>&amp;Demo</source>
        <translation>De&amp;mo</translation>
    </message>
    <message>
        <source>&amp;Simulate a change in the member app</source>
        <translation>Änderung in der Mitglieder-App &amp;simulieren</translation>
    </message>
    <message>
        <source>The open member switches a channel over in the member app; Magicline&apos;s webhook then updates this window.</source>
        <translation>Das geöffnete Mitglied schaltet in der Mitglieder-App einen Kanal um; der Webhook von Magicline aktualisiert dann dieses Fenster.</translation>
    </message>
    <message>
        <source>Open a member first: the change is made to the open member.</source>
        <translation>Öffnen Sie zuerst ein Mitglied: Die Änderung betrifft das geöffnete Mitglied.</translation>
    </message>
</context>
</TS>
