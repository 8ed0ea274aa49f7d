"""A studio's saved replies (Textbausteine): the use case behind the compose area's picker,
`/code` typed in the message text, and the dialog that manages them.

A saved reply is a name, a short code (typed as `/code`), a message category and channel
the compose area takes as defaults, and a subject and body with variables
(`core.templates`). The set lives in the journal, per studio, so every desk on a shared
journal offers the same replies. Variables are filled in when a reply is inserted, with
the member who is open, the staff member at the desk and the studio: staff then see
exactly what goes out, and a variable with no value stays marked in the text.

A set travels between studios as a JSON file (`document`, `read_document`): a file that
is not JSON, not such an export, from a newer version, or with one reply that could not
be saved as written is refused as a whole, with the reason, and changes nothing.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from studio_comm.api.enums import Channel, MessageCategory
from studio_comm.api.models import Customer, StudioInformation
from studio_comm.core.desk import Desk
from studio_comm.core.templates import VARIABLES, Rendered, render, unfilled, values_for
from studio_comm.journal import AsyncJournal
from studio_comm.journal import saved_replies as stored
from studio_comm.journal.records import SavedReplyRecord
from studio_comm.journal.schema import utc_now

MAX_NAME = 200
MAX_CODE = 32
MAX_SUBJECT = 1_000
MAX_BODY = 20_000
MAX_FILE_BYTES = 2 * 1024 * 1024  # a set of a thousand long replies fits; a wrong file is refused unread
MAX_REPLIES = 1_000

FORMAT = "studio-comm saved replies"  # what an export says it is
FORMAT_VERSION = 1

# A code: letters and digits of any script, "-" and "_", starting with a letter or digit.
_CODE = re.compile(r"[^\W_][\w-]*")
_LINE_BREAK = re.compile(r"\r\n?|\n")


def normalize_code(text: str) -> str:
    """A code as stored and compared: without the "/" staff type before it, casefolded."""
    return text.strip().removeprefix("/").strip().casefold()


def is_code(text: str) -> bool:
    """Whether `text` (without the "/") has the shape of a code."""
    return len(text) <= MAX_CODE and _CODE.fullmatch(text) is not None


class Problem(StrEnum):
    """Why a reply cannot be saved as written (the UI words each one)."""

    NAME = "name"  # empty or longer than MAX_NAME
    CODE = "code"  # empty, longer than MAX_CODE, or characters other than letters, digits, - and _
    SUBJECT = "subject"  # longer than MAX_SUBJECT
    BODY = "body"  # empty or longer than MAX_BODY
    VARIABLE = "variable"  # a {{name}} that is not one of VARIABLES (the detail names it)
    CATEGORY = "category"  # a message category this version does not know (the detail)
    CHANNEL = "channel"  # likewise a channel
    NUL = "nul"  # a NUL character, which neither the journal nor Magicline takes


class FileProblem(StrEnum):
    """Why a file cannot be imported (the UI words each one)."""

    UNREADABLE = "unreadable"  # the file cannot be read (the detail says why)
    TOO_LARGE = "too_large"  # over MAX_FILE_BYTES, or more than MAX_REPLIES replies
    NOT_JSON = "not_json"  # not JSON text (the detail names the line)
    FOREIGN = "foreign"  # JSON, but not an export of saved replies
    NEWER = "newer"  # an export of a newer version (the detail is its version)
    MALFORMED = "malformed"  # an export whose list of replies is missing or not a list
    INVALID_REPLY = "invalid_reply"  # one reply could not be saved as written (position, reply_problem)
    DUPLICATE_CODE = "duplicate_code"  # two replies with one code (position of the second, detail: the code)


class SavedReplyError(Exception):
    """A saved reply cannot be saved, found or imported as asked. The message is English
    (logs, the command line); the UI words each subclass and problem itself."""


class ReplyTextError(SavedReplyError, ValueError):
    def __init__(self, problem: Problem, detail: str | None = None) -> None:
        self.problem = problem
        self.detail = detail
        super().__init__(f"The saved reply cannot be saved: {problem.value}" + (f" ({detail})" if detail else ""))


class CodeTakenError(SavedReplyError):
    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(f"The studio already has a saved reply with the code /{code}.")


class ReplyChangedError(SavedReplyError):
    """The reply was edited or deleted (at another desk) since it was read."""

    def __init__(self, current: SavedReplyRecord | None) -> None:
        self.current = current  # None: deleted
        super().__init__("The saved reply was " + ("changed" if current else "deleted") + " meanwhile.")


class ImportFileError(SavedReplyError):
    def __init__(self, problem: FileProblem, detail: str | None = None, *, position: int | None = None,
                 name: str | None = None, reply_problem: Problem | None = None) -> None:
        self.problem = problem
        self.detail = detail
        self.position = position  # 1-based, of the reply in the file
        self.name = name  # that reply's name, when it has one
        self.reply_problem = reply_problem
        where = f" (reply {position})" if position is not None else ""
        super().__init__(f"The file cannot be imported: {problem.value}{where}" + (f": {detail}" if detail else ""))


@dataclass(frozen=True)
class ReplyText:
    """What a person writes of a saved reply."""

    name: str
    code: str
    subject: str
    body: str
    category: MessageCategory | None = None
    channel: Channel | None = None

    @classmethod
    def of(cls, record: SavedReplyRecord) -> ReplyText:
        return cls(record.name, record.code, record.subject, record.body,
                   MessageCategory(record.category) if record.category else None,
                   Channel(record.channel) if record.channel else None)

    def checked(self) -> ReplyText:
        """The text normalised (name trimmed, code casefolded without its "/", line breaks
        as "\n", a subject on one line), or ReplyTextError saying what cannot be saved."""
        name, code = self.name.strip(), normalize_code(self.code)
        body = _LINE_BREAK.sub("\n", self.body)
        subject = _LINE_BREAK.sub(" ", self.subject)
        if "\x00" in self.name + self.code + self.subject + self.body:
            raise ReplyTextError(Problem.NUL)
        if not name or len(name) > MAX_NAME:
            raise ReplyTextError(Problem.NAME)
        if not is_code(code):
            raise ReplyTextError(Problem.CODE, code or None)
        if len(subject) > MAX_SUBJECT:
            raise ReplyTextError(Problem.SUBJECT)
        if not body.strip() or len(body) > MAX_BODY:
            raise ReplyTextError(Problem.BODY)
        unknown = [v for v in unfilled(subject + "\n" + body) if v not in VARIABLES]
        if unknown:
            raise ReplyTextError(Problem.VARIABLE, unknown[0])
        for value, problem in ((self.category, Problem.CATEGORY), (self.channel, Problem.CHANNEL)):
            if value is not None and not value.known:
                raise ReplyTextError(problem, str(value))
        return replace(self, name=name, code=code, subject=subject, body=body)

    def values(self) -> dict[str, str | None]:
        """The journal's columns (wire values for category and channel)."""
        return {"name": self.name, "code": self.code, "subject": self.subject, "body": self.body,
                "category": self.category.value if self.category else None,
                "channel": self.channel.value if self.channel else None}


@dataclass(frozen=True)
class FilledReply:
    """A reply with its variables filled in for one member, as it is inserted."""

    reply: SavedReplyRecord
    subject: Rendered
    body: Rendered

    @property
    def unfilled(self) -> tuple[str, ...]:
        """The variables that had no value, each once, in order."""
        return tuple(dict.fromkeys(self.subject.unfilled + self.body.unfilled))


@dataclass(frozen=True)
class ImportPreview:
    """What importing a file would do, before anything is written."""

    texts: list[ReplyText]
    new: list[str]  # codes the studio does not have
    replacing: list[str]  # codes the studio has with another text: their texts would be replaced
    unchanged: list[str]


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    unchanged: int


def sort_key(reply: SavedReplyRecord) -> tuple[str, str]:
    """By name as a person reads a list: Ö with O, not after Z (accents set aside)."""
    letters = unicodedata.normalize("NFKD", reply.name.casefold())
    return "".join(c for c in letters if not unicodedata.combining(c)), reply.code


def matching(replies: Iterable[SavedReplyRecord], query: str) -> list[SavedReplyRecord]:
    """The replies that match `query` by code, name or text, best first.

    Every word of the query must occur in the reply. A code that is the first word comes
    first, then codes that start with it, then names that hold every word, then the
    others; within each, the most used first. A "/" before a word is the one typed
    before a code in the body. An empty query lists every reply, most used first."""
    words = [w.removeprefix("/") for w in query.casefold().split()]
    code_query = words[0] if words else ""
    ranked: list[tuple[int, int, tuple[str, str], SavedReplyRecord]] = []
    for reply in replies:
        name = reply.name.casefold()
        text = " ".join((reply.code, name, reply.subject.casefold(), reply.body.casefold()))
        if not all(w in text for w in words):
            continue
        if not words or reply.code == code_query:
            rank = 0
        elif reply.code.startswith(code_query):
            rank = 1
        elif all(w in name for w in words):
            rank = 2
        else:
            rank = 3
        ranked.append((rank, -reply.usage_count, sort_key(reply), reply))
    ranked.sort(key=lambda entry: entry[:3])
    return [entry[3] for entry in ranked]


def document(replies: Iterable[SavedReplyRecord], *, studio_name: str | None, exported_at: datetime) -> dict[str, Any]:
    """The export of a set of replies: what `read_document` takes in, at another studio too."""
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "studio": studio_name,
        "exported_at": exported_at.isoformat(timespec="seconds"),
        "replies": [{"name": r.name, "code": r.code, "category": r.category, "channel": r.channel,
                     "subject": r.subject, "body": r.body} for r in sorted(replies, key=sort_key)],
    }


def read_document(data: bytes) -> list[ReplyText]:
    """The replies of an export, each checked; ImportFileError for anything else."""
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(FileProblem.TOO_LARGE, f"{len(data)} bytes")
    try:
        parsed = json.loads(data.decode("utf-8-sig"))  # a BOM, as some Windows editors write it
    except UnicodeDecodeError as exc:
        raise ImportFileError(FileProblem.NOT_JSON, f"not UTF-8 text at byte {exc.start}") from exc
    except json.JSONDecodeError as exc:
        raise ImportFileError(FileProblem.NOT_JSON, f"line {exc.lineno}, column {exc.colno}: {exc.msg}") from exc
    except RecursionError as exc:
        raise ImportFileError(FileProblem.NOT_JSON, "nested too deeply") from exc
    if not isinstance(parsed, dict) or parsed.get("format") != FORMAT:
        raise ImportFileError(FileProblem.FOREIGN)
    version = parsed.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ImportFileError(FileProblem.FOREIGN)
    if version > FORMAT_VERSION:
        raise ImportFileError(FileProblem.NEWER, str(version))
    entries = parsed.get("replies")
    if not isinstance(entries, list):
        raise ImportFileError(FileProblem.MALFORMED, "no list of replies")
    if len(entries) > MAX_REPLIES:
        raise ImportFileError(FileProblem.TOO_LARGE, f"{len(entries)} replies")
    texts: list[ReplyText] = []
    seen: set[str] = set()
    for position, entry in enumerate(entries, start=1):
        text = _entry(entry, position)
        if text.code in seen:
            raise ImportFileError(FileProblem.DUPLICATE_CODE, text.code, position=position, name=text.name)
        seen.add(text.code)
        texts.append(text)
    return texts


def _entry(entry: object, position: int) -> ReplyText:
    if not isinstance(entry, dict):
        raise ImportFileError(FileProblem.INVALID_REPLY, "not an object", position=position)
    name = entry.get("name")
    shown = name.strip() if isinstance(name, str) and name.strip() else None

    def invalid(problem: Problem, detail: str | None = None) -> ImportFileError:
        return ImportFileError(FileProblem.INVALID_REPLY, detail, position=position, name=shown,
                               reply_problem=problem)

    fields: dict[str, str] = {}
    for key, problem, default in (("name", Problem.NAME, None), ("code", Problem.CODE, None),
                                  ("subject", Problem.SUBJECT, ""), ("body", Problem.BODY, None)):
        value = entry.get(key, default)
        if not isinstance(value, str):
            raise invalid(problem)
        fields[key] = value
    choices: dict[str, Any] = {}
    for key, enum, problem in (("category", MessageCategory, Problem.CATEGORY), ("channel", Channel, Problem.CHANNEL)):
        value = entry.get(key)
        if value is None:
            choices[key] = None
        elif isinstance(value, str) and value and enum(value).known:
            choices[key] = enum(value)
        else:
            raise invalid(problem, str(value))
    try:
        return ReplyText(fields["name"], fields["code"], fields["subject"], fields["body"], choices["category"],
                         choices["channel"]).checked()
    except ReplyTextError as exc:
        raise invalid(exc.problem, exc.detail) from exc


def _read_file(path: Path) -> bytes:
    try:
        with path.open("rb") as file:
            return file.read(MAX_FILE_BYTES + 1)  # enough to tell that it is too large
    except OSError as exc:
        raise ImportFileError(FileProblem.UNREADABLE, exc.strerror or type(exc).__name__) from exc


def _write_file(path: Path, content: str) -> None:
    # A new file beside the old one, then renamed over it: an export that failed halfway
    # (a full disk) never leaves a truncated file where a good one was.
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class SavedReplies:
    """One studio's saved replies. `desk` names who creates and edits them, and whose name
    `{{staff.name}}` is at the moment a reply is inserted."""

    def __init__(self, journal: AsyncJournal, studio: StudioInformation, desk: Desk) -> None:
        self.journal = journal
        self.studio = studio
        self.desk = desk

    @property
    def studio_id(self) -> int:
        return self.studio.studio_id

    async def replies(self) -> list[SavedReplyRecord]:
        """The studio's replies by name, as the journal has them now (every desk's)."""
        return sorted(await self.journal.saved_replies(self.studio_id), key=sort_key)

    async def find_code(self, code: str) -> SavedReplyRecord | None:
        """The reply of a code as typed (`/Kurs`, `kurs`); None when the studio has none."""
        code = normalize_code(code)
        return await self.journal.saved_reply_by_code(self.studio_id, code) if is_code(code) else None

    async def create(self, text: ReplyText) -> SavedReplyRecord:
        """Save a new reply; ReplyTextError or CodeTakenError when it cannot be."""
        checked = text.checked()
        try:
            return await self.journal.add_saved_reply(self.studio_id, checked.values(), staff=self.desk.staff,
                                                      workstation=self.desk.workstation)
        except stored.CodeTakenError as exc:
            raise CodeTakenError(exc.code) from exc

    async def update(self, reply: SavedReplyRecord, text: ReplyText) -> SavedReplyRecord:
        """Save an edit of `reply` as it was read; ReplyChangedError when another desk
        changed or deleted it since (nothing is overwritten), ReplyTextError, CodeTakenError."""
        checked = text.checked()
        try:
            return await self.journal.update_saved_reply(reply.id, reply.revision, checked.values(),
                                                         staff=self.desk.staff, workstation=self.desk.workstation)
        except stored.StaleReplyError as exc:
            raise ReplyChangedError(exc.current) from exc
        except stored.CodeTakenError as exc:
            raise CodeTakenError(exc.code) from exc

    async def duplicate(self, reply: SavedReplyRecord, name: str) -> SavedReplyRecord:
        """A copy of `reply` named `name`, with the first free code of the form `code-2`."""
        taken = {r.code for r in await self.journal.saved_replies(self.studio_id)}
        stem = reply.code[:MAX_CODE - 4]
        number = 2
        while f"{stem}-{number}" in taken:
            number += 1
        text = replace(ReplyText.of(reply), name=name[:MAX_NAME], code=f"{stem}-{number}")
        return await self.create(text)

    async def delete(self, reply: SavedReplyRecord) -> bool:
        """Delete the reply; False when it was gone already."""
        return await self.journal.delete_saved_reply(reply.id)

    def fill(self, reply: SavedReplyRecord, customer: Customer | None) -> FilledReply:
        """The reply's subject and body for `customer`, from the desk's staff member and the studio now."""
        values = values_for(customer, staff=self.desk.staff, studio=self.studio)
        return FilledReply(reply, render(reply.subject, values), render(reply.body, values))

    async def used(self, reply: SavedReplyRecord) -> None:
        """Count one insertion of the reply (a reply deleted meanwhile counts nothing)."""
        await self.journal.count_saved_reply_use(reply.id)

    async def export_to(self, path: Path) -> int:
        """Write the studio's replies to `path` as JSON; how many."""
        replies = await self.journal.saved_replies(self.studio_id)
        content = json.dumps(document(replies, studio_name=self.studio.name, exported_at=utc_now()),
                             ensure_ascii=False, indent=2) + "\n"
        await asyncio.to_thread(_write_file, path, content)
        return len(replies)

    async def preview_import(self, path: Path) -> ImportPreview:
        """Read and check a file, and compare it with the studio's replies; nothing is written."""
        texts = read_document(await asyncio.to_thread(_read_file, path))
        current = {r.code: ReplyText.of(r) for r in await self.journal.saved_replies(self.studio_id)}
        new = [t.code for t in texts if t.code not in current]
        replacing = [t.code for t in texts if t.code in current and current[t.code] != t]
        unchanged = [t.code for t in texts if current.get(t.code) == t]
        return ImportPreview(texts, new, replacing, unchanged)

    async def import_replies(self, texts: Sequence[ReplyText]) -> ImportResult:
        """Take checked replies in (see `preview_import`), by code, all in one transaction."""
        rows = [t.checked().values() for t in texts]
        try:
            added, updated, unchanged = await self.journal.merge_saved_replies(
                self.studio_id, rows, staff=self.desk.staff, workstation=self.desk.workstation)
        except stored.CodeTakenError as exc:
            raise CodeTakenError(exc.code) from exc
        return ImportResult(added, updated, unchanged)

    async def add_samples(self, texts: Sequence[ReplyText]) -> int:
        """Add `texts` when the studio has no saved replies yet (the demo's samples); how many."""
        rows = [t.checked().values() for t in texts]
        return await self.journal.add_saved_replies_if_none(self.studio_id, rows, staff=self.desk.staff,
                                                            workstation=self.desk.workstation)
