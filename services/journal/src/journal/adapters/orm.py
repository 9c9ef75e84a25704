"""Tables of the journal schema: three chains (entries, closings, technical events), each
chain's head, the producers' settings, and what the journal keeps of orders to know what
changed."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from ardoise.db import change_columns, schema_metadata
from ardoise.inbox import inbox_table
from ardoise.outbox import outbox_table

SCHEMA = "journal"
metadata = schema_metadata(SCHEMA)
outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
HASH = String(64)

chains = Table(
    "chains",
    metadata,
    Column("producer_id", String(64), primary_key=True),
    Column("chain", String(20), primary_key=True),
    Column("last_seq", BigInteger, nullable=False),
    Column("last_hash", HASH, nullable=False),
    Column("closed_through", Date),
)
"""Each chain's head: locked while a record is added, so numbers have no gap, and compared with
the chain's last record by `verify` (a record removed from the end is seen). The entries
chain's `closed_through` is the last day closed: no entry is recorded into it or before."""

entries = Table(
    "entries",
    metadata,
    Column("producer_id", String(64), primary_key=True),
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("kind", String(20), nullable=False),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("day", Date, nullable=False),
    Column("source", String(200), nullable=False),
    Column("content", JSONB, nullable=False),
    Column("previous_hash", HASH, nullable=False),
    Column("hash", HASH, nullable=False),
    UniqueConstraint("producer_id", "source", name="entries_source_once"),
    Index("entries_by_day", "producer_id", "day", "seq"),
)

closings = Table(
    "closings",
    metadata,
    Column("producer_id", String(64), primary_key=True),
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("period", String(10), nullable=False),
    Column("start", Date, nullable=False),
    Column("end", Date, nullable=False),
    Column("closed_at", DateTime(timezone=True), nullable=False),
    Column("content", JSONB, nullable=False),
    Column("previous_hash", HASH, nullable=False),
    Column("hash", HASH, nullable=False),
    UniqueConstraint("producer_id", "period", "start", name="closings_once"),
)

technical_events = Table(
    "technical_events",
    metadata,
    Column("producer_id", String(64), primary_key=True),
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("content", JSONB, nullable=False),
    Column("previous_hash", HASH, nullable=False),
    Column("hash", HASH, nullable=False),
)
"""Closings made, exports and archives handed out, verifications and their result, migrations
applied (producer `*`)."""

settings = Table(
    "settings",
    metadata,
    Column("producer_id", String(64), primary_key=True),
    Column("time_zone", String(64), nullable=False, server_default="Europe/Paris"),
    Column("fiscal_year_start", String(5), nullable=False, server_default="01-01"),
    Column("fec_variant", String(20), nullable=False, server_default="standard"),
    Column("chart", JSONB, nullable=False, server_default="{}"),
    Column("siren", String(9)),
    Column("legal_name", String(200)),
    Column("vat_regime", String(40), nullable=False, server_default="vat"),
    *change_columns(),  # who last changed them by PUT …/journal/settings, and when
)

customers = Table(
    "customers",
    metadata,
    Column("producer_id", String(64), primary_key=True),
    Column("customer_id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
)

orders = Table(
    "orders",
    metadata,
    Column("producer_id", String(64), primary_key=True),
    Column("order_id", UUID(as_uuid=True), primary_key=True),
    Column("customer_id", String(64), nullable=False),
    Column("online_payment", Boolean, nullable=False, server_default="false"),
    Column("settlement_version", Integer, nullable=False, server_default="0"),
    Column("received", JSONB, nullable=False, server_default="{}"),
    Column("credit_note_number", Integer),
    Column("credit_note_cents", BigInteger, nullable=False, server_default="0"),
)
"""What the journal last knew of each order: the next settlement's payments are the difference."""
