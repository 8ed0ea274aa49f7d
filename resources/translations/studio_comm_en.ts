<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>AuditWindow</name>
    <message numerus="yes">
        <source>%n entries</source>
        <translation>
            <numerusform>%n entry</numerusform>
            <numerusform>%n entries</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ConsentHistoryWindow</name>
    <message numerus="yes">
        <source>%n consent change(s)</source>
        <translation>
            <numerusform>%n consent change</numerusform>
            <numerusform>%n consent changes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Exported %n change(s) to {path}</source>
        <translation>
            <numerusform>Exported %n change to {path}</numerusform>
            <numerusform>Exported %n changes to {path}</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ConversationPanel</name>
    <message numerus="yes">
        <source>%n sent message(s) could not be recorded in the journal: the next start shows them as outcome unknown, although Magicline has them.</source>
        <translation>
            <numerusform>%n sent message could not be recorded in the journal: the next start shows it as outcome unknown, although Magicline has it.</numerusform>
            <numerusform>%n sent messages could not be recorded in the journal: the next start shows them as outcome unknown, although Magicline has them.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PreferencesPanel</name>
    <message numerus="yes">
        <source>%n unsaved change(s)</source>
        <translation>
            <numerusform>%n unsaved change</numerusform>
            <numerusform>%n unsaved changes</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ReviewWindow</name>
    <message numerus="yes">
        <source>%n minute(s)</source>
        <translation>
            <numerusform>%n minute</numerusform>
            <numerusform>%n minutes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n hour(s)</source>
        <translation>
            <numerusform>%n hour</numerusform>
            <numerusform>%n hours</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n day(s)</source>
        <translation>
            <numerusform>%n day</numerusform>
            <numerusform>%n days</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n second(s)</source>
        <translation>
            <numerusform>%n second</numerusform>
            <numerusform>%n seconds</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SavedRepliesDialog</name>
    <message numerus="yes">
        <source>Inserted %n time(s)</source>
        <translation>
            <numerusform>Inserted %n time</numerusform>
            <numerusform>Inserted %n times</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n saved reply(s) exported to {file}.</source>
        <translation>
            <numerusform>%n saved reply exported to {file}.</numerusform>
            <numerusform>%n saved replies exported to {file}.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The file has another text for %n of the studio&apos;s replies: {codes}. Importing replaces their texts at every desk.</source>
        <translation>
            <numerusform>The file has another text for %n of the studio&apos;s replies: {codes}. Importing replaces its text at every desk.</numerusform>
            <numerusform>The file has another text for %n of the studio&apos;s replies: {codes}. Importing replaces their texts at every desk.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SavedReplyPicker</name>
    <message numerus="yes">
        <source>%n saved reply(s). Enter inserts the selected one.</source>
        <translation>
            <numerusform>%n saved reply. Enter inserts the selected one.</numerusform>
            <numerusform>%n saved replies. Enter inserts the selected one.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SearchPanel</name>
    <message numerus="yes">
        <source>%n customer(s) found</source>
        <translation>
            <numerusform>%n customer found</numerusform>
            <numerusform>%n customers found</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n customer(s) match: choose one and press Enter.</source>
        <translation>
            <numerusform>%n customer matches: choose one and press Enter.</numerusform>
            <numerusform>%n customers match: choose one and press Enter.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n member(s) listed</source>
        <translation>
            <numerusform>%n member listed</numerusform>
            <numerusform>%n members listed</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message numerus="yes">
        <source>%n request(s) under way</source>
        <translation>
            <numerusform>%n request under way</numerusform>
            <numerusform>%n requests under way</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Waiting %n s: request limit reached</source>
        <translation>
            <numerusform>Waiting %n s: request limit reached</numerusform>
            <numerusform>Waiting %n s: request limit reached</numerusform>
        </translation>
    </message>
</context>
</TS>
