"""The journal's tables (SQLAlchemy Core), one schema for SQLite and PostgreSQL.

Ids are 64-bit (customer and thread ids are int64 in the API). Local primary keys are
INTEGER on SQLite because only an INTEGER PRIMARY KEY is an auto-incrementing rowid there.
What the server or a member sends (trace ids, statuses, customer numbers, texts) goes into
Text columns: the API gives no length for them, and PostgreSQL, unlike SQLite, refuses a
value longer than a String(n). String(n) is for values this program makes itself.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator

from studio_comm.journal.records import Activity, CampaignOutcome, CampaignStatus, MessageState

metadata = MetaData()

RowId = BigInteger().with_variant(Integer, "sqlite")
Json = JSON().with_variant(JSONB(), "postgresql")


class UtcDateTime(TypeDecorator):
    """Aware UTC datetimes in and out. SQLite keeps no zone, so everything is stored as UTC
    (which also keeps its text timestamps ordered); a naive value is refused, not guessed."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("The journal stores timezone-aware datetimes only.")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_now() -> datetime:
    return datetime.now(UTC)


schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("applied_at", UtcDateTime, nullable=False),
)

profiles = Table(
    "profiles",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("base_url", Text, nullable=False),
    Column("studio_id", BigInteger),
    Column("studio_name", Text),
    Column("updated_at", UtcDateTime, nullable=False),
)

threads = Table(
    "threads",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("studio_id", BigInteger, nullable=False),
    Column("customer_id", BigInteger, nullable=False),
    Column("remote_thread_id", BigInteger),
    Column("subject", Text, nullable=False),
    Column("status", Text, nullable=False),  # the server's communicationThreadStatus
    Column("category", String(40)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_threads_customer", "studio_id", "customer_id", "updated_at"),
)

messages = Table(
    "messages",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("request_id", String(64), nullable=False, unique=True),
    Column("thread_id", RowId, ForeignKey("threads.id"), nullable=False),
    Column("studio_id", BigInteger, nullable=False),
    Column("customer_id", BigInteger, nullable=False),
    Column("direction", String(40), nullable=False),
    Column("channel", String(40), nullable=False),
    Column("category", String(40)),
    Column("subject", Text, nullable=False),
    Column("content", Text, nullable=False),
    Column("agent", Text),
    Column("communication_time", UtcDateTime),
    Column("thread_status", String(40)),
    Column("state", String(16), nullable=False),
    Column("communication_id", BigInteger),
    Column("error", Text),
    Column("http_status", Integer),
    Column("trace_id", Text),
    Column("workstation", String(200)),
    Column("staff", Text),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("resend_of", String(64)),
    CheckConstraint(
        "state IN (" + ", ".join(f"'{s}'" for s in MessageState) + ")", name="ck_messages_state"
    ),
    # A thread's timeline, oldest first, without sorting 10,000 rows.
    Index("ix_messages_thread", "thread_id", "created_at", "id"),
    # The start-up sweep of this workstation's pending messages.
    Index("ix_messages_state", "state", "workstation"),
)

audit = Table(
    "audit",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("request_id", String(64)),
    Column("action", String(64), nullable=False),
    Column("studio_id", BigInteger),
    Column("customer_id", BigInteger),
    Column("staff", Text),
    Column("workstation", String(200)),
    Column("before", Json),
    Column("after", Json),
    Column("intent", Json),
    Column("outcome", String(40)),
    Column("http_status", Integer),
    Column("trace_id", Text),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_audit_studio_time", "studio_id", "created_at"),
    Index("ix_audit_customer", "studio_id", "customer_id", "created_at"),
)

preference_cache = Table(
    "preference_cache",
    metadata,
    Column("studio_id", BigInteger, primary_key=True, autoincrement=False),
    Column("customer_id", BigInteger, primary_key=True, autoincrement=False),
    Column("customer_number", Text),
    Column("name", Text),
    Column("status", Text),  # the server's customer status
    Column("preferences", Json),
    Column("error", String(100)),
    Column("read_at", UtcDateTime, nullable=False),
    Index("ix_preference_cache_status", "studio_id", "status"),
)

drafts = Table(
    "drafts",
    metadata,
    # One unsent text per member, thread and desk; kept in the journal so a crash keeps it.
    Column("studio_id", BigInteger, primary_key=True, autoincrement=False),
    Column("customer_id", BigInteger, primary_key=True, autoincrement=False),
    Column("thread_id", BigInteger, primary_key=True, autoincrement=False),  # local id; 0 = a new thread
    Column("workstation", String(200), primary_key=True),
    Column("subject", Text, nullable=False),
    Column("content", Text, nullable=False),
    Column("fields", Json),  # direction, channel, category, status as chosen
    Column("updated_at", UtcDateTime, nullable=False),
)

# The studio's event feed (studio_comm.journal.feed): Magicline's webhooks as the relay
# stored them, and the desks' own events. `seq` orders the feed; on SQLite AUTOINCREMENT
# keeps a number from ever being handed out twice. `xid` is the PostgreSQL transaction
# that wrote the row (NULL on SQLite), which lets a reader find rows that committed after
# a higher seq was read. `content` is plain JSON, not JSONB: JSONB refuses some strings
# the vendor may send (\u0000, lone surrogates) and does not keep the object as sent.
events = Table(
    "events",
    metadata,
    Column("seq", RowId, primary_key=True, autoincrement=True),
    Column("studio_id", BigInteger, nullable=False),
    Column("source", String(16), nullable=False),
    Column("type", Text, nullable=False),  # the vendor's event type (no length given)
    Column("entity_id", BigInteger),
    Column("uuid", Text),
    Column("part", Integer, nullable=False),
    Column("timestamp_ms", BigInteger),
    Column("received_at", UtcDateTime, nullable=False),
    Column("content", JSON(none_as_null=True)),
    Column("xid", BigInteger),
    # A webhook delivered twice (same uuid) is stored once; desk events have no uuid.
    UniqueConstraint("studio_id", "uuid", "part", name="uq_events_uuid"),
    Index("ix_events_studio_seq", "studio_id", "seq"),
    Index("ix_events_xid", "xid"),
    sqlite_autoincrement=True,
)


def _one_of(column: str, values) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


# A campaign: one message to every targeted member who agreed (core/campaign.py). The
# lease columns name the run that holds it (one at a time across desks), until
# lease_expires_at unless that run renews it.
campaigns = Table(
    "campaigns",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("studio_id", BigInteger, nullable=False),
    Column("name", String(200), nullable=False),
    Column("category", String(40), nullable=False),
    Column("channel", String(40), nullable=False),
    Column("statuses", Json, nullable=False),
    Column("subject", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("created_by", Text),
    Column("created_workstation", String(200)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("targeted_at", UtcDateTime),
    Column("status", String(16), nullable=False),
    Column("reason", String(40)),
    Column("reason_detail", Text),
    Column("lease_token", String(64)),
    Column("lease_workstation", String(200)),
    Column("lease_staff", Text),
    Column("lease_host", String(255)),
    Column("lease_pid", BigInteger),
    Column("lease_started_at", UtcDateTime),
    Column("lease_expires_at", UtcDateTime),
    Column("updated_at", UtcDateTime, nullable=False),
    UniqueConstraint("studio_id", "name", name="uq_campaigns_name"),
    CheckConstraint(_one_of("status", CampaignStatus), name="ck_campaigns_status"),
)

# One row per (campaign, member), written when the campaign's targets are listed, so a
# run resumes from what is recorded here, never from a position in a listing.
campaign_ledger = Table(
    "campaign_ledger",
    metadata,
    Column("campaign_id", RowId, ForeignKey("campaigns.id"), primary_key=True, autoincrement=False),
    Column("customer_id", BigInteger, primary_key=True, autoincrement=False),
    Column("customer_number", Text),
    Column("first_name", Text),
    Column("last_name", Text),
    Column("customer_status", Text),
    Column("outcome", String(24), nullable=False),
    Column("request_id", String(64)),
    Column("thread_id", RowId),
    Column("remote_thread_id", BigInteger),
    Column("detail", Text),
    Column("http_status", Integer),
    Column("workstation", String(200)),
    Column("updated_at", UtcDateTime, nullable=False),
    CheckConstraint(_one_of("outcome", CampaignOutcome), name="ck_campaign_ledger_outcome"),
    Index("ix_campaign_ledger_outcome", "campaign_id", "outcome"),
)

# A studio's saved replies (Textbausteine), shared by every desk on the journal. `code` is
# stored casefolded (core checks its shape), so "/Kurs" and "/kurs" are one code. Name,
# subject and body are what staff type: Text. `revision` counts the edits, so an edit made
# on an older reading of a reply (another desk changed it meanwhile) is refused, not lost.
saved_replies = Table(
    "saved_replies",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("studio_id", BigInteger, nullable=False),
    Column("name", Text, nullable=False),
    Column("code", String(64), nullable=False),
    Column("category", String(40)),  # a default for the compose area; NULL keeps its choice
    Column("channel", String(40)),
    Column("subject", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("usage_count", BigInteger, nullable=False),
    Column("last_used_at", UtcDateTime),
    Column("revision", Integer, nullable=False),
    Column("created_by", Text),
    Column("created_workstation", String(200)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_by", Text),
    Column("updated_workstation", String(200)),
    Column("updated_at", UtcDateTime, nullable=False),
    UniqueConstraint("studio_id", "code", name="uq_saved_replies_code"),
)

# (Schema step 7 adds the index ix_events_entity on events (studio_id, entity_id, seq): a
# member's events without reading the whole feed. It is not declared on the events table,
# which step 4 creates as it was then.)

# Who settled an event of the feed, so that what an event means for the consent history is
# written once however many desks react to it. The first desk to claim an event holds it
# for a lease (`claimed_at`); it settles it once (`settled_at`, `outcome`) and writes the
# audit entry, if any, in that same transaction. A claim never settled (its desk quit or
# crashed) may be taken over by another desk once the lease ran out. `holder` names one
# run of one desk (two desks may share a workstation name).
event_settlements = Table(
    "event_settlements",
    metadata,
    Column("seq", RowId, ForeignKey("events.seq"), primary_key=True, autoincrement=False),
    Column("studio_id", BigInteger, nullable=False),
    Column("holder", String(64), nullable=False),
    Column("workstation", String(200)),
    Column("claimed_at", UtcDateTime, nullable=False),
    Column("settled_at", UtcDateTime),
    Column("outcome", String(40)),
    Column("audit_id", RowId),
)

# Which member each desk has open, and whether its user is writing in one of the member's
# threads (studio_comm.journal.presence). One row per desk; `seen_at` is the database's
# clock at the desk's last announcement or heartbeat, so desks whose clocks differ agree
# on when a row expired.
presence = Table(
    "presence",
    metadata,
    Column("studio_id", BigInteger, primary_key=True, autoincrement=False),
    Column("workstation", String(200), primary_key=True),
    Column("staff", Text),
    Column("customer_id", BigInteger, nullable=False),
    Column("thread_id", RowId),  # the local thread written in; None: none, or a new thread
    Column("activity", String(16), nullable=False),
    Column("seen_at", UtcDateTime, nullable=False),
    CheckConstraint(_one_of("activity", Activity), name="ck_presence_activity"),
    Index("ix_presence_customer", "studio_id", "customer_id"),
)
