"""The relay's key file: which webhook key each studio's events must carry.

One line per studio, `STUDIO_ID WEBHOOK_KEY`; blank lines and `#` comments (a whole line,
or after the key, separated by a space) are ignored. The relay refuses the file when
group or others may read or write it, when a key is shorter than `MIN_KEY_LENGTH`, or when
a line is not of that form; the message names the file and the line, never a key.

Only SHA-256 digests of the keys are kept. A presented key is hashed and compared with
`hmac.compare_digest`, against a stand-in digest for a studio the file does not list, so
neither the key's content, its length nor whether a studio exists shows in the time taken.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import stat
from pathlib import Path

MIN_KEY_LENGTH = 16
_STUDIO = re.compile(r"[0-9]{1,19}")
_INT64_MAX = 2**63 - 1


class KeyFileError(Exception):
    """The key file cannot be used; the message says why (and holds no key)."""


def _digest(key: bytes) -> bytes:
    return hashlib.sha256(key).digest()


def studio_id(text: str) -> int | None:
    """A studio id as written in a URL path or the key file; None when it is not one."""
    if not _STUDIO.fullmatch(text):
        return None
    value = int(text)
    return value if 0 < value <= _INT64_MAX else None


class WebhookKeys:
    def __init__(self, keys: dict[int, str]) -> None:
        self._digests = {studio: _digest(key.encode("utf-8")) for studio, key in keys.items()}
        self._stand_in = _digest(secrets.token_bytes(32))

    def __repr__(self) -> str:
        return f"WebhookKeys(studios={sorted(self._digests)})"

    @property
    def studios(self) -> list[int]:
        return sorted(self._digests)

    def check(self, studio: str, presented: bytes | None) -> int | None:
        """The studio's id when `presented` (the X-API-KEY header's bytes) is its key."""
        studio_number = studio_id(studio)
        expected = self._digests.get(studio_number, self._stand_in) if studio_number else self._stand_in
        given = _digest(presented if presented is not None else b"")
        if hmac.compare_digest(given, expected) and presented is not None and expected is not self._stand_in:
            return studio_number
        return None

    @classmethod
    def load(cls, path: str | Path) -> WebhookKeys:
        path = Path(path)
        try:
            info = path.stat()
        except OSError as exc:
            raise KeyFileError(f"cannot read the key file {path}: {exc.strerror}") from None
        if not stat.S_ISREG(info.st_mode):
            raise KeyFileError(f"the key file {path} is not a regular file")
        # Windows has no such mode bits (its ACLs decide); everywhere else the file must be
        # the relay's alone.
        if os.name != "nt" and info.st_mode & 0o077:
            raise KeyFileError(
                f"the key file {path} is open to group or others (mode {stat.S_IMODE(info.st_mode):04o}); "
                f"make it readable by the relay's user only: chmod 600 {path}")
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise KeyFileError(f"cannot read the key file {path}: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise KeyFileError(f"the key file {path} is not UTF-8 text") from None
        return cls(parse(text, str(path)))


def parse(text: str, name: str = "the key file") -> dict[int, str]:
    keys: dict[int, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        fields = line.split()
        for i, field in enumerate(fields):  # a comment runs to the end of the line
            if field.startswith("#"):
                fields = fields[:i]
                break
        if not fields:
            continue
        where = f"{name}, line {number}"
        if len(fields) != 2:
            raise KeyFileError(f"{where}: expected 'STUDIO_ID WEBHOOK_KEY'")
        studio = studio_id(fields[0])
        if studio is None:
            raise KeyFileError(f"{where}: the studio id must be a positive whole number")
        if studio in keys:
            raise KeyFileError(f"{where}: studio {studio} is listed twice")
        if len(fields[1]) < MIN_KEY_LENGTH:
            raise KeyFileError(f"{where}: the key of studio {studio} is shorter than {MIN_KEY_LENGTH} characters")
        keys[studio] = fields[1]
    if not keys:
        raise KeyFileError(f"{name} lists no studio")
    return keys
