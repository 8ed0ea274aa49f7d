"""Saved replies (core/saved_replies.py) over real journals, SQLite and PostgreSQL: one set
per studio shared by its desks, codes unique per studio, edits that never overwrite another
desk's, usage counted at every desk, variables filled at insertion, the picker's ranking,
and the JSON export and import, whose refusals change nothing."""

from __future__ import annotations

import asyncio
import json
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import pytest

from studio_comm.api.models import Channel, Customer, MessageCategory, StudioInformation
from studio_comm.core.desk import Desk
from studio_comm.core.saved_replies import (
    FORMAT,
    MAX_FILE_BYTES,
    CodeTakenError,
    FileProblem,
    ImportFileError,
    Problem,
    ReplyChangedError,
    ReplyText,
    ReplyTextError,
    SavedReplies,
    document,
    matching,
    read_document,
)
from studio_comm.journal import AsyncJournal, Journal

STUDIO = StudioInformation.model_validate({"studioId": 7, "name": "Kraftwerk Berlin"})
OTHER_STUDIO = StudioInformation.model_validate({"studioId": 8, "name": "Kraftwerk Köln"})
ANNA = Customer.model_validate({"id": 1_000_001, "status": "MEMBER", "accessRefusal": False, "firstName": "Anna",
                                "lastName": "Müller", "customerNumber": "1001"})

COURSES = ReplyText("Kursplan", "/Kurs", "Kursplan für {{member.first_name}}",
                    "Hallo {{member.first_name|zusammen}} {{member.last_name}} ({{member.customer_number}}),\n"
                    "anbei der Kursplan. Viele Grüße, {{staff.name}}, {{studio.name}}",
                    MessageCategory.GENERAL, Channel.EMAIL)
PAUSE = ReplyText("Vertragspause", "pause", "", "Ihre Pause ist eingetragen.", MessageCategory.CONTRACT)
SAUNA = ReplyText("Sauna-Zeiten", "sauna", "Sauna", "Die Sauna ist täglich ab 10 Uhr geöffnet.")


@asynccontextmanager
async def desk(target, name: str = "Theke 1", staff: str | None = "Aylin D.", studio: StudioInformation = STUDIO):
    """One desk: its own journal connection to `target`, its own workstation and staff."""
    journal = AsyncJournal(await asyncio.to_thread(Journal.open, target))
    try:
        yield SavedReplies(journal, studio, Desk(name, staff))
    finally:
        await journal.aclose()


def test_a_reply_is_found_by_its_code_however_typed_and_codes_are_unique_per_studio(journal_target):
    async def main():
        async with desk(journal_target) as replies, desk(journal_target, studio=OTHER_STUDIO) as other:
            created = await replies.create(COURSES)
            assert (created.name, created.code, created.category, created.channel) == (
                "Kursplan", "kurs", "GENERAL", "EMAIL")
            assert (created.usage_count, created.revision, created.created_by, created.created_workstation) == (
                0, 1, "Aylin D.", "Theke 1")
            for typed in ("/Kurs", "kurs", " KURS ", "/kurs"):
                assert await replies.find_code(typed) == created
            assert await replies.find_code("kur") is None
            assert await replies.find_code("/no such code!") is None

            with pytest.raises(CodeTakenError) as taken:
                await replies.create(ReplyText("Kurse neu", "KURS", "", "anderer Text"))
            assert taken.value.code == "kurs"
            assert [r.name for r in await replies.replies()] == ["Kursplan"]

            # Another studio on the same journal has a set of its own.
            assert await other.replies() == []
            assert (await other.create(ReplyText("Kurse Köln", "kurs", "", "Kölner Kurse"))).code == "kurs"
            assert await replies.find_code("kurs") == created

    asyncio.run(main())


@pytest.mark.parametrize(("text", "problem", "detail"), [
    (ReplyText(" ", "x", "", "text"), Problem.NAME, None),
    (ReplyText("n" * 201, "x", "", "text"), Problem.NAME, None),
    (ReplyText("Name", "", "", "text"), Problem.CODE, None),
    (ReplyText("Name", "/", "", "text"), Problem.CODE, None),
    (ReplyText("Name", "zwei worte", "", "text"), Problem.CODE, "zwei worte"),
    (ReplyText("Name", "-start", "", "text"), Problem.CODE, "-start"),
    (ReplyText("Name", "c" * 33, "", "text"), Problem.CODE, "c" * 33),
    (ReplyText("Name", "x", "s" * 1001, "text"), Problem.SUBJECT, None),
    (ReplyText("Name", "x", "", " \n "), Problem.BODY, None),
    (ReplyText("Name", "x", "", "Hallo {{member.firstname}}"), Problem.VARIABLE, "member.firstname"),
    (ReplyText("Name", "x", "{{studio.adresse|hier}}", "text"), Problem.VARIABLE, "studio.adresse"),
    (ReplyText("Name", "x", "", "text", MessageCategory("SPAM")), Problem.CATEGORY, "SPAM"),
    (ReplyText("Name", "x", "", "text", None, Channel("PIGEON")), Problem.CHANNEL, "PIGEON"),
    (ReplyText("Name", "x", "", "te\x00xt"), Problem.NUL, None),
])
def test_a_reply_that_cannot_be_saved_as_written_says_why(text, problem, detail):
    with pytest.raises(ReplyTextError) as refused:
        text.checked()
    assert (refused.value.problem, refused.value.detail) == (problem, detail)


def test_line_breaks_are_kept_as_newlines_and_a_subject_stays_on_one_line():
    checked = ReplyText("Name", "x", "Kurs\r\nplan", "Zeile 1\r\nZeile 2\rZeile 3\n").checked()
    assert (checked.subject, checked.body) == ("Kurs plan", "Zeile 1\nZeile 2\nZeile 3\n")


def test_codes_of_any_script_are_codes():
    assert ReplyText("Öffnungszeiten", "/Öffnung_24-7", "", "text").checked().code == "öffnung_24-7"


def test_an_edit_made_on_an_older_reading_is_refused_and_the_other_desks_edit_stays(journal_target):
    async def main():
        async with desk(journal_target) as first, desk(journal_target, "Theke 2", "Ben K.") as second:
            read_at_first = await first.create(COURSES)
            read_at_second = (await second.replies())[0]
            edited = await second.update(read_at_second, ReplyText("Kursplan Winter", "kurs", "", "Winterkurse"))
            assert (edited.revision, edited.updated_by, edited.updated_workstation) == (2, "Ben K.", "Theke 2")

            with pytest.raises(ReplyChangedError) as changed:
                await first.update(read_at_first, ReplyText("Kursplan Sommer", "kurs", "", "Sommerkurse"))
            assert changed.value.current == edited
            assert await first.find_code("kurs") == edited

            other = await first.create(PAUSE)
            with pytest.raises(CodeTakenError):
                await first.update(other, replace_code(PAUSE, "kurs"))
            assert (await first.find_code("pause")) == other

            assert await second.delete(edited)
            with pytest.raises(ReplyChangedError) as gone:
                await first.update(edited, COURSES)
            assert gone.value.current is None
            assert not await first.delete(edited)

    asyncio.run(main())


def replace_code(text: ReplyText, code: str) -> ReplyText:
    return ReplyText(text.name, code, text.subject, text.body, text.category, text.channel)


def test_uses_at_two_desks_at_once_all_count(journal_target):
    async def main():
        async with desk(journal_target) as first, desk(journal_target, "Theke 2") as second:
            reply = await first.create(SAUNA)
            await asyncio.gather(*(d.used(reply) for d in (first, second) for _ in range(10)))
            (counted,) = await second.replies()
            assert counted.usage_count == 20
            assert counted.last_used_at is not None and counted.last_used_at.tzinfo is not None

    asyncio.run(main())


def test_a_duplicate_takes_the_next_free_code_and_starts_unused(journal_target):
    async def main():
        async with desk(journal_target) as replies:
            original = await replies.create(COURSES)
            await replies.used(original)
            copy = await replies.duplicate(original, "Kursplan (Kopie)")
            again = await replies.duplicate(original, "Kursplan (Kopie)")
            assert [(r.name, r.code, r.usage_count) for r in (copy, again)] == [
                ("Kursplan (Kopie)", "kurs-2", 0), ("Kursplan (Kopie)", "kurs-3", 0)]
            assert (copy.subject, copy.body, copy.category, copy.channel) == (
                original.subject, original.body, original.category, original.channel)

    asyncio.run(main())


def test_filling_puts_every_variable_in_and_reads_the_staff_member_at_that_moment(journal_target):
    async def main():
        async with desk(journal_target) as replies:
            reply = await replies.create(COURSES)
            filled = replies.fill(reply, ANNA)
            assert filled.subject.text == "Kursplan für Anna"
            assert filled.body.text == ("Hallo Anna Müller (1001),\n"
                                        "anbei der Kursplan. Viele Grüße, Aylin D., Kraftwerk Berlin")
            assert filled.unfilled == ()

            replies.desk.staff = None  # nobody named at the desk: the staff variable stays marked
            nobody = replies.fill(reply, None)
            assert nobody.body.text.startswith("Hallo zusammen {{member.last_name}} ({{member.customer_number}})")
            assert nobody.unfilled == ("member.first_name", "member.last_name", "member.customer_number",
                                       "staff.name")

    asyncio.run(main())


def record(name: str, code: str, body: str = "", subject: str = "", used: int = 0):
    from studio_comm.journal.records import SavedReplyRecord

    now = datetime(2026, 12, 1, tzinfo=UTC)
    return SavedReplyRecord(0, 7, name, code, None, None, subject, body, used, None, 1, None, None, now, None,
                            None, now)


def test_the_picker_ranks_codes_then_names_then_texts_and_needs_every_word():
    replies = [
        record("Sauna-Zeiten", "sauna", "Die Sauna öffnet um 10 Uhr."),
        record("Kursplan", "kurs", "Der Kursplan hängt an der Theke.", used=3),
        record("Kurs abgesagt", "ausfall", "Ihr Kurs fällt heute aus.", used=9),
        record("Kündigung", "kuendigung", "Wir bestätigen Ihre Kündigung zum Monatsende.", used=1),
        record("Öffnungszeiten", "zeiten", "Wir haben 24/7 geöffnet, die Sauna ab 10 Uhr."),
    ]
    names = lambda query: [r.name for r in matching(replies, query)]  # noqa: E731
    assert names("") == ["Kurs abgesagt", "Kursplan", "Kündigung", "Öffnungszeiten", "Sauna-Zeiten"]
    assert names("kurs") == ["Kursplan", "Kurs abgesagt"]  # the code, then the name
    assert names("/ku") == ["Kursplan", "Kündigung", "Kurs abgesagt"]  # codes first, most used first
    assert names("sauna") == ["Sauna-Zeiten", "Öffnungszeiten"]  # code, then the text
    assert names("SAUNA 10 uhr") == ["Sauna-Zeiten", "Öffnungszeiten"]
    assert names("sauna kündigung") == []
    assert names("  zeiten ") == ["Öffnungszeiten", "Sauna-Zeiten"]


def test_export_then_import_into_a_fresh_journal_gives_the_same_set(journal_target, tmp_path):
    path = tmp_path / "Textbausteine.json"

    async def main():
        async with desk(journal_target) as replies:
            for text in (COURSES, PAUSE, SAUNA):
                await replies.used(await replies.create(text))
            assert await replies.export_to(path) == 3
            return [ReplyText.of(r) for r in await replies.replies()]

    exported = asyncio.run(main())
    content = json.loads(path.read_text(encoding="utf-8"))
    assert (content["format"], content["version"], content["studio"]) == (FORMAT, 1, "Kraftwerk Berlin")
    assert "usage_count" not in content["replies"][0]  # a count is the studio's own
    assert "Grüße" in path.read_text(encoding="utf-8")  # readable UTF-8, not \\u escapes

    async def into_fresh():
        async with desk(tmp_path / "fresh.sqlite", "Theke Köln", "Carla", OTHER_STUDIO) as fresh:
            preview = await fresh.preview_import(path)
            assert (preview.new, preview.replacing, preview.unchanged) == (["kurs", "sauna", "pause"], [], [])
            result = await fresh.import_replies(preview.texts)
            assert (result.added, result.updated, result.unchanged) == (3, 0, 0)
            imported = await fresh.replies()
            assert [ReplyText.of(r) for r in imported] == exported
            assert {(r.usage_count, r.created_by, r.created_workstation) for r in imported} == {
                (0, "Carla", "Theke Köln")}

            # Again: nothing changes. A changed text replaces the one of that code, its count stays.
            again = await fresh.preview_import(path)
            assert (again.new, again.replacing, again.unchanged) == ([], [], ["kurs", "sauna", "pause"])
            await fresh.used(imported[0])
            changed = json.loads(path.read_text(encoding="utf-8"))
            changed["replies"][0]["body"] = "Neuer Kursplan ab Januar."
            changed["replies"].append({"name": "Parken", "code": "parken", "body": "Parkplätze im Hof."})
            path.write_text(json.dumps(changed), encoding="utf-8")
            preview = await fresh.preview_import(path)
            assert (preview.new, preview.replacing) == (["parken"], ["kurs"])
            result = await fresh.import_replies(preview.texts)
            assert (result.added, result.updated, result.unchanged) == (1, 1, 2)
            course = await fresh.find_code("kurs")
            assert (course.body, course.usage_count, course.revision) == ("Neuer Kursplan ab Januar.", 1, 2)

    asyncio.run(into_fresh())


def export_with(**changes) -> bytes:
    content = document([record("Kursplan", "kurs", "Der Kursplan.")], studio_name="Kraftwerk Berlin",
                       exported_at=datetime(2026, 12, 1, tzinfo=UTC))
    content.update(changes)
    return json.dumps(content).encode()


def with_reply(**fields) -> bytes:
    return export_with(replies=[{"name": "Kursplan", "code": "kurs", "subject": "", "body": "Text", **fields}])


@pytest.mark.parametrize(("data", "problem", "position", "reply_problem"), [
    (b"{\"format\": \"studio-comm saved replies\", \"version\": 1, \"replies\": [", FileProblem.NOT_JSON, None, None),
    (b"Name;Code;Text\nKursplan;kurs;Der Kursplan\n", FileProblem.NOT_JSON, None, None),
    ("Kursplan".encode("utf-16"), FileProblem.NOT_JSON, None, None),
    (b"[" * 100_000, FileProblem.NOT_JSON, None, None),
    (b"[]", FileProblem.FOREIGN, None, None),
    (json.dumps({"campaign": "Sommer", "body": "Hallo"}).encode(), FileProblem.FOREIGN, None, None),
    (export_with(format="studio-comm campaigns"), FileProblem.FOREIGN, None, None),
    (export_with(version="1"), FileProblem.FOREIGN, None, None),
    (export_with(version=2), FileProblem.NEWER, None, None),
    (export_with(replies={"kurs": "Der Kursplan"}), FileProblem.MALFORMED, None, None),
    (export_with(replies=[{"name": "Kursplan"} for _ in range(1001)]), FileProblem.TOO_LARGE, None, None),
    (b" " * (MAX_FILE_BYTES + 1), FileProblem.TOO_LARGE, None, None),
    (export_with(replies=["Kursplan"]), FileProblem.INVALID_REPLY, 1, None),
    (with_reply(code="zwei worte"), FileProblem.INVALID_REPLY, 1, Problem.CODE),
    (with_reply(body=7), FileProblem.INVALID_REPLY, 1, Problem.BODY),
    (with_reply(body="Hallo {{kunde.vorname}}"), FileProblem.INVALID_REPLY, 1, Problem.VARIABLE),
    (with_reply(channel="PIGEON"), FileProblem.INVALID_REPLY, 1, Problem.CHANNEL),
    (with_reply(category=3), FileProblem.INVALID_REPLY, 1, Problem.CATEGORY),
    (export_with(replies=[{"name": "A", "code": "kurs", "body": "a"}, {"name": "B", "code": "/KURS", "body": "b"}]),
     FileProblem.DUPLICATE_CODE, 2, None),
])
def test_a_broken_or_foreign_file_is_refused_with_the_reason(data, problem, position, reply_problem):
    with pytest.raises(ImportFileError) as refused:
        read_document(data)
    assert (refused.value.problem, refused.value.position, refused.value.reply_problem) == (
        problem, position, reply_problem)


def test_a_file_with_a_byte_order_mark_and_without_optional_fields_is_read():
    data = b"\xef\xbb\xbf" + export_with(replies=[{"name": " Parken ", "code": "/Parken", "body": "Im Hof."}])
    assert read_document(data) == [ReplyText("Parken", "parken", "", "Im Hof.")]


def test_a_refused_file_changes_nothing(journal_target, tmp_path):
    good = [{"name": "Neu", "code": "neu", "body": "Neuer Text"},
            {"name": "Kursplan", "code": "kurs", "body": "überschrieben"}]
    bad = export_with(replies=[*good, {"name": "Kaputt", "code": "kaputt", "body": "{{member.vorname}}"}])
    path = tmp_path / "kaputt.json"
    path.write_bytes(bad)

    async def main():
        async with desk(journal_target) as replies:
            await replies.create(COURSES)
            before = await replies.replies()
            with pytest.raises(ImportFileError) as refused:
                await replies.preview_import(path)
            assert (refused.value.position, refused.value.name, refused.value.detail) == (
                3, "Kaputt", "member.vorname")
            with pytest.raises(ImportFileError) as missing:
                await replies.preview_import(tmp_path / "nowhere.json")
            assert missing.value.problem is FileProblem.UNREADABLE
            assert await replies.replies() == before

    asyncio.run(main())


def test_samples_are_added_only_to_a_studio_without_replies(journal_target):
    async def main():
        async with desk(journal_target) as replies:
            assert await replies.add_samples([PAUSE, SAUNA]) == 2
            assert await replies.add_samples([COURSES]) == 0
            assert [r.code for r in await replies.replies()] == ["sauna", "pause"]

    asyncio.run(main())
