"""The sandbox's state in SQLite: customers (seeded, read-only), preferences, threads.

Customers are bulk-inserted once with their JSON bodies ready to send. Preferences start
at `demo_data.default_preferences` and only changed ones are stored, so `reset()` (back to
the seeded state) is cheap and a fresh test costs no regeneration. One connection, used
under a lock: the server handles requests on one event loop, admin calls included.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
import threading
from collections.abc import Iterable

from studio_comm.sandbox import demo_data

_SCHEMA = """
CREATE TABLE customer (
    id INTEGER PRIMARY KEY, customer_number TEXT, first_key TEXT, last_key TEXT,
    email_key TEXT, date_of_birth TEXT, status TEXT, card_number TEXT, barcode TEXT,
    debtor_id TEXT, body TEXT NOT NULL);
CREATE TABLE preferences (customer_id INTEGER PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE thread (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, status TEXT NOT NULL);
CREATE TABLE communication (
    id INTEGER PRIMARY KEY, thread_id INTEGER NOT NULL, body TEXT NOT NULL);
"""
_INDEXES = """
CREATE INDEX customer_status ON customer (status, id);
CREATE INDEX customer_number ON customer (customer_number);
CREATE INDEX customer_last ON customer (last_key);
CREATE INDEX customer_first ON customer (first_key);
CREATE INDEX customer_email ON customer (email_key);
CREATE INDEX customer_dob ON customer (date_of_birth);
CREATE INDEX customer_card ON customer (card_number);
CREATE INDEX customer_barcode ON customer (barcode);
CREATE INDEX customer_debtor ON customer (debtor_id);
"""
# Thread and communication ids start high and apart, like real int64 ids, so a client that
# mixes them up is caught.
FIRST_THREAD_ID = 70_000_000_001
FIRST_COMMUNICATION_ID = 90_000_000_001


class Store:
    def __init__(self, customers: int, seed: int) -> None:
        self.seed = seed
        self._lock = threading.Lock()
        # Ids keep increasing across reset(), like a real server's: a client's journal
        # that outlives one test never sees an id reused.
        self._thread_ids = itertools.count(FIRST_THREAD_ID)
        self._communication_ids = itertools.count(FIRST_COMMUNICATION_ID)
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.executescript(_SCHEMA)
        rows = ((r.id, r.customer_number, r.first_key, r.last_key, r.email_key,
                 r.date_of_birth, r.status, r.card_number, r.barcode, r.debtor_id, r.body)
                for r in demo_data.customers(customers, seed))
        with self._db:
            self._db.executemany("INSERT INTO customer VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
        self._db.executescript(_INDEXES)

    def reset(self) -> None:
        """Back to the seeded state: seeded preferences, no threads."""
        with self._lock, self._db:
            self._db.execute("DELETE FROM preferences")
            self._db.execute("DELETE FROM thread")
            self._db.execute("DELETE FROM communication")

    def _bodies(self, sql: str, args: Iterable) -> list[str]:
        with self._lock:
            return [row[0] for row in self._db.execute(sql, tuple(args))]

    # customers -------------------------------------------------------------------------
    def customer(self, customer_id: int) -> str | None:
        rows = self._bodies("SELECT body FROM customer WHERE id = ?", [customer_id])
        return rows[0] if rows else None

    def exists(self, customer_id: int) -> bool:
        with self._lock:
            return self._db.execute(
                "SELECT 1 FROM customer WHERE id = ?", (customer_id,)).fetchone() is not None

    def customer_slice(self, status: str, after_id: int, size: int) -> tuple[list[str], bool]:
        """Up to `size` bodies with id > after_id, and whether more follow."""
        rows = self._bodies(
            "SELECT body FROM customer WHERE status = ? AND id > ? ORDER BY id LIMIT ?",
            [status, after_id, size + 1])
        return rows[:size], len(rows) > size

    def customers_by(self, criteria: dict[str, str]) -> list[str]:
        """Customers matching every given column exactly (columns are trusted names)."""
        where = " AND ".join(f"{column} = ?" for column in criteria)
        return self._bodies(f"SELECT body FROM customer WHERE {where} ORDER BY id",
                            criteria.values())

    def search(self, first: str | None, last: str | None, email: str | None,
               date_of_birth: str | None) -> list[str]:
        """Names match as case-insensitive prefixes; email and birthday exactly."""
        clauses, args = [], []
        for column, prefix in (("first_key", first), ("last_key", last)):
            if prefix is not None:
                # A range on the folded key uses the index and treats % and _ literally.
                clauses.append(f"{column} >= ? AND {column} < ?")
                key = prefix.casefold()
                args += [key, key + "\U0010ffff"]
        if email is not None:
            clauses.append("email_key = ?")
            args.append(email.casefold())
        if date_of_birth is not None:
            clauses.append("date_of_birth = ?")
            args.append(date_of_birth)
        return self._bodies(
            f"SELECT body FROM customer WHERE {' AND '.join(clauses)} ORDER BY id", args)

    # preferences -----------------------------------------------------------------------
    def preferences(self, customer_id: int) -> list[dict]:
        rows = self._bodies("SELECT body FROM preferences WHERE customer_id = ?", [customer_id])
        if rows:
            return json.loads(rows[0])
        return demo_data.default_preferences(customer_id, self.seed)

    def set_preferences(self, customer_id: int, prefs: list[dict]) -> None:
        with self._lock, self._db:
            self._db.execute("INSERT OR REPLACE INTO preferences VALUES (?, ?)",
                             (customer_id, json.dumps(prefs)))

    # threads ---------------------------------------------------------------------------
    def add_communication(self, customer_id: int, thread_id: int | None,
                          message: dict) -> tuple[int, int] | None:
        """Store a message in a new (thread_id None) or existing thread of this customer.

        Returns (thread_id, communication_id), or None when the thread is unknown or
        belongs to another customer.
        """
        status = message["communicationThreadStatus"]
        with self._lock, self._db:
            if thread_id is None:
                thread_id = next(self._thread_ids)
                self._db.execute("INSERT INTO thread VALUES (?, ?, ?)",
                                 (thread_id, customer_id, status))
            else:
                owner = self._db.execute(
                    "SELECT customer_id FROM thread WHERE id = ?", (thread_id,)).fetchone()
                if owner is None or owner[0] != customer_id:
                    return None
                self._db.execute("UPDATE thread SET status = ? WHERE id = ?",
                                 (status, thread_id))
            communication_id = next(self._communication_ids)
            self._db.execute("INSERT INTO communication VALUES (?, ?, ?)",
                             (communication_id, thread_id, json.dumps(message)))
        return thread_id, communication_id

    def threads(self, customer_id: int) -> list[dict]:
        """A customer's threads with their messages (for admin inspection)."""
        with self._lock:
            threads = self._db.execute(
                "SELECT id, status FROM thread WHERE customer_id = ? ORDER BY id",
                (customer_id,)).fetchall()
            result = []
            for thread_id, status in threads:
                messages = self._db.execute(
                    "SELECT id, body FROM communication WHERE thread_id = ? ORDER BY id",
                    (thread_id,)).fetchall()
                result.append({
                    "threadId": thread_id, "status": status,
                    "communications": [{"communicationId": cid, **json.loads(body)}
                                       for cid, body in messages]})
            return result
