"""The sandbox's state in SQLite: customers, preferences, threads.

Customers are bulk-inserted once with their JSON bodies ready to send. Preferences start
at `demo_data.default_preferences` and only changed ones are stored; a seeded customer's
row is copied aside before its first change (an update, a deletion, access disabled).
So `reset()` (back to the seeded state) is cheap and a fresh test costs no regeneration.
One connection, used under a lock: the server handles requests on one event loop, admin
calls included.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
import threading
import uuid
from collections.abc import Iterable

from studio_comm.sandbox import demo_data

_COLUMNS = ("id, customer_number, first_key, last_key, email_key, date_of_birth, status, "
            "card_number, barcode, debtor_id, body")
_SCHEMA = """
CREATE TABLE customer (
    id INTEGER PRIMARY KEY, customer_number TEXT, first_key TEXT, last_key TEXT,
    email_key TEXT, date_of_birth TEXT, status TEXT, card_number TEXT, barcode TEXT,
    debtor_id TEXT, body TEXT NOT NULL, access_disabled INTEGER NOT NULL DEFAULT 0);
CREATE TABLE seeded_customer AS SELECT * FROM customer WHERE 0;
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
# What the API may do with a customer (`Store.standing`); a deleted one has no standing.
ACTIVE = "active"
ACCESS_DISABLED = "access disabled"
# The API's reads see only customers whose data may be requested.
_READABLE = "NOT access_disabled"


class Store:
    def __init__(self, customers: int, seed: int) -> None:
        self.seed = seed
        self._lock = threading.Lock()
        # Ids keep increasing across reset(), like a real server's: a client's journal
        # that outlives one test never sees an id reused.
        self._thread_ids = itertools.count(FIRST_THREAD_ID)
        self._communication_ids = itertools.count(FIRST_COMMUNICATION_ID)
        self._last_seeded_id = demo_data.FIRST_CUSTOMER_ID + customers - 1
        self._customer_ids = itertools.count(self._last_seeded_id + 1)
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.executescript(_SCHEMA)
        with self._db:
            self._db.executemany(f"INSERT INTO customer ({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                                 (_values(r) for r in demo_data.customers(customers, seed)))
        self._db.executescript(_INDEXES)

    def reset(self) -> None:
        """Back to the seeded state: the seeded customers as they were, seeded preferences,
        no threads."""
        with self._lock, self._db:
            self._db.execute("DELETE FROM customer WHERE id > ? OR id IN "
                             "(SELECT id FROM seeded_customer)", (self._last_seeded_id,))
            self._db.execute("INSERT INTO customer SELECT * FROM seeded_customer")
            self._db.execute("DELETE FROM seeded_customer")
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

    def standing(self, customer_id: int) -> str | None:
        """ACTIVE, ACCESS_DISABLED, or None when there is no such customer (or no longer)."""
        with self._lock:
            row = self._db.execute("SELECT access_disabled FROM customer WHERE id = ?",
                                   (customer_id,)).fetchone()
        return None if row is None else ACCESS_DISABLED if row[0] else ACTIVE

    def customer_slice(self, status: str, after_id: int, size: int) -> tuple[list[str], bool]:
        """Up to `size` readable bodies with id > after_id, and whether more follow."""
        rows = self._bodies(
            f"SELECT body FROM customer WHERE status = ? AND id > ? AND {_READABLE} "
            "ORDER BY id LIMIT ?", [status, after_id, size + 1])
        return rows[:size], len(rows) > size

    def customers_by(self, criteria: dict[str, str]) -> list[str]:
        """Readable customers matching every given column exactly (columns are trusted names)."""
        where = " AND ".join(f"{column} = ?" for column in criteria)
        return self._bodies(f"SELECT body FROM customer WHERE {where} AND {_READABLE} ORDER BY id",
                            criteria.values())

    def search(self, first: str | None, last: str | None, email: str | None,
               date_of_birth: str | None) -> list[str]:
        """Readable customers; names match as case-insensitive prefixes, email and birthday
        exactly."""
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
        clauses.append(_READABLE)
        return self._bodies(
            f"SELECT body FROM customer WHERE {' AND '.join(clauses)} ORDER BY id", args)

    def create_customer(self, fields: dict) -> dict:
        """A new customer with `fields` (validated by the caller); returns its body."""
        customer_id = next(self._customer_ids)
        body = {"id": customer_id,
                "customerNumber": str(10000 + customer_id - demo_data.FIRST_CUSTOMER_ID),
                "status": "MEMBER", **fields, "accessRefusal": False,
                "studioId": demo_data.STUDIO_ID, "uuid": uuid.uuid4().hex,
                "preferredLanguage": {"languageCode": "de", "countryCode": "DE"},
                "accessMediums": []}
        with self._lock, self._db:
            self._db.execute(f"INSERT INTO customer ({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                             _values(demo_data.customer_row(body)))
        return body

    def update_customer(self, customer_id: int, changes: dict) -> dict | None:
        """Set the fields in `changes` (None removes one); returns the new body, or None
        when there is no such customer."""
        with self._lock, self._db:
            row = self._db.execute("SELECT body FROM customer WHERE id = ?",
                                   (customer_id,)).fetchone()
            if row is None:
                return None
            body = json.loads(row[0])
            for name, value in changes.items():
                if value is None:
                    body.pop(name, None)
                else:
                    body[name] = value
            values = _values(demo_data.customer_row(body))
            self._keep_seeded(customer_id)
            assignments = ", ".join(f"{c.strip()} = ?" for c in _COLUMNS.split(",")[1:])
            self._db.execute(f"UPDATE customer SET {assignments} WHERE id = ?",
                             (*values[1:], customer_id))
        return body

    def disable_access(self, customer_id: int) -> bool:
        """From now on the customer's data may not be requested; False if there is none."""
        with self._lock, self._db:
            self._keep_seeded(customer_id)
            return self._db.execute("UPDATE customer SET access_disabled = 1 WHERE id = ?",
                                    (customer_id,)).rowcount == 1

    def delete_customer(self, customer_id: int) -> bool:
        """The customer and everything stored for them is gone; False if there was none."""
        with self._lock, self._db:
            self._keep_seeded(customer_id)
            gone = self._db.execute("DELETE FROM customer WHERE id = ?",
                                    (customer_id,)).rowcount == 1
            self._db.execute("DELETE FROM preferences WHERE customer_id = ?", (customer_id,))
            self._db.execute("DELETE FROM communication WHERE thread_id IN "
                             "(SELECT id FROM thread WHERE customer_id = ?)", (customer_id,))
            self._db.execute("DELETE FROM thread WHERE customer_id = ?", (customer_id,))
        return gone

    def _keep_seeded(self, customer_id: int) -> None:
        """Copy a seeded customer's row aside before its first change (under the lock)."""
        if customer_id <= self._last_seeded_id:
            self._db.execute("INSERT INTO seeded_customer SELECT * FROM customer WHERE id = ? "
                             "AND id NOT IN (SELECT id FROM seeded_customer)", (customer_id,))

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


def _values(row: demo_data.CustomerRow) -> tuple:
    return (row.id, row.customer_number, row.first_key, row.last_key, row.email_key,
            row.date_of_birth, row.status, row.card_number, row.barcode, row.debtor_id, row.body)
