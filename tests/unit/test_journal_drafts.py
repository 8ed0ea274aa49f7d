"""Drafts in the journal: one unsent text per member, thread and desk, kept across a restart."""

from __future__ import annotations

from studio_comm.journal import Journal

STUDIO = 11


def test_a_draft_per_member_thread_and_desk_survives_reopening(journal_target):
    journal = Journal.open(journal_target)
    journal.save_draft(STUDIO, 7, None, "desk-1", subject="Kündigung", content="Liebe Anna,\u00a0",
                       fields={"channel": "EMAIL"})
    journal.save_draft(STUDIO, 7, 3, "desk-1", subject="", content="Follow-up text")
    journal.save_draft(STUDIO, 7, None, "desk-2", subject="", content="the other desk's")
    journal.save_draft(STUDIO, 8, None, "desk-1", subject="", content="another member")
    journal.close()

    journal = Journal.open(journal_target)  # as after a crash and a new start
    new_thread = journal.draft(STUDIO, 7, None, "desk-1")
    assert (new_thread.subject, new_thread.content, new_thread.fields) == (
        "Kündigung", "Liebe Anna,\u00a0", {"channel": "EMAIL"})
    assert new_thread.thread_id is None
    assert journal.draft(STUDIO, 7, 3, "desk-1").content == "Follow-up text"
    assert journal.draft(STUDIO, 7, None, "desk-2").content == "the other desk's"
    assert [d.customer_id for d in journal.drafts(STUDIO, "desk-1")] == [8, 7, 7]
    journal.close()


def test_saving_again_replaces_and_an_empty_text_discards(journal):
    journal.save_draft(STUDIO, 7, 3, "desk-1", subject="", content="first")
    journal.save_draft(STUDIO, 7, 3, "desk-1", subject="", content="second")
    assert journal.draft(STUDIO, 7, 3, "desk-1").content == "second"
    assert journal.save_draft(STUDIO, 7, 3, "desk-1", subject=" ", content="\n") is None
    assert journal.draft(STUDIO, 7, 3, "desk-1") is None
    journal.save_draft(STUDIO, 7, 3, "desk-1", subject="", content="third")
    journal.discard_draft(STUDIO, 7, 3, "desk-1")
    assert journal.drafts(STUDIO, "desk-1") == []
