"""The journal's PostgreSQL advisory locks: one class per purpose, in the two-integer key
space (class, object), apart from the one-bigint key the migrations lock
(`migrations._PG_LOCK_KEY`). Advisory locks are per database: journals in several
schemas of one database share them, which can make them wait for each other, never
break one.
"""

from __future__ import annotations

FEED_ORDER = 0x4645_4544  # "FEED": a studio's appends commit in seq order (journal.feed)
THREAD_FIRST_POST = 0x5448_5244  # "THRD": one desk at a time POSTs a thread (journal.thread_lock)


def key(value: int) -> int:
    """An id as the signed 32-bit object of a key; ids beyond that share a key with
    another, which makes them wait for each other and nothing worse."""
    low = value & 0xFFFF_FFFF
    return low - 2**32 if low >= 2**31 else low
