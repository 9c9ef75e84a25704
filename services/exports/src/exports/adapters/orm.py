"""Tables of the exports schema: its own read model of orders, settlements, customers and
invoices."""

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
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from ardoise.changes import ACTOR_LENGTH
from ardoise.db import change_columns, schema_metadata
from ardoise.inbox import inbox_table
from ardoise.outbox import outbox_table

SCHEMA = "exports"
metadata = schema_metadata(SCHEMA)
outbox = outbox_table(metadata)
inbox = inbox_table(metadata)

customers = Table(
    "customers",
    metadata,
    Column("producer_id", String(64), primary_key=True),
    Column("customer_id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
)

sales = Table(
    "sales",
    metadata,
    Column("producer_id", String(64), primary_key=True),
    Column("order_id", UUID(as_uuid=True), primary_key=True),
    Column("customer_id", String(64), nullable=False),
    Column("delivery_date", Date, nullable=False),
    Column("total_cents", BigInteger, nullable=False),
    Column("mode", String(20), nullable=False, server_default="not_delivered"),
    Column("amount_paid_cents", BigInteger, nullable=False, server_default="0"),
    Column("credit_note_cents", BigInteger, nullable=False, server_default="0"),
    Column("received", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("settlement_version", Integer, nullable=False, server_default="0"),
    # who recorded the settlement (SettlementChanged.actor); null: the system, or not told
    Column("recorded_by", String(ACTOR_LENGTH)),
    Index("sales_by_date", "producer_id", "delivery_date", "order_id"),
)

movements = Table(
    "movements",
    metadata,
    Column("producer_id", String(64), primary_key=True),
    Column("movement_id", UUID(as_uuid=True), primary_key=True),
    Column("customer_id", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("amount_cents", BigInteger, nullable=False),
    Column("mode", String(20), nullable=False),
    Column("label", String(200), nullable=False),
    Column("recorded_by", String(ACTOR_LENGTH)),  # MovementRecorded.actor
    Column("order_id", UUID(as_uuid=True)),  # a refund's order; null: recorded by hand
    Index("movements_by_time", "producer_id", "at"),
    Index("movements_of_orders", "producer_id", "order_id",
          postgresql_where=text("order_id IS NOT NULL")),
)
"""Top-ups and debits recorded by hand with a mode (the accounts service's MovementRecorded),
and online refunds on the day SumUp made them (payments' OnlineRefundMade, named by the refund,
negative, with their order)."""

invoices = Table(
    "invoices",
    metadata,
    Column("producer_id", String(64), primary_key=True),
    Column("number", String(64), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("issue_date", Date, nullable=False),
    Column("customer_id", String(64), nullable=False),
    Column("customer_name", String(200), nullable=False),
    Column("order_id", UUID(as_uuid=True), nullable=False),
    Column("corrects", String(64)),
    Column("total_ht_cents", BigInteger, nullable=False),
    Column("total_vat_cents", BigInteger, nullable=False),
    Column("total_cents", BigInteger, nullable=False),
    Column("vat", JSONB, nullable=False),
    Column("issued_by", String(ACTOR_LENGTH)),  # null: the system, or told before
    Index("invoices_by_date", "producer_id", "issue_date"),
)
"""Each invoice and facture d'avoir as issued (the orders service's InvoiceIssued), once per
number: `vat` lists its rates, `[{"rate", "base_cents", "vat_cents", "total_cents"}]`."""

producers = Table(
    "producers",
    metadata,
    Column("producer_id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("email", String(254), nullable=False),
    # from when weekly e-mails are owed: a week missed (the service down) is caught up since
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    *change_columns(),
)

time_zones = Table(
    "time_zones",
    metadata,
    Column("producer_id", String(64), primary_key=True),
    Column("time_zone", String(64), nullable=False),
    Column("payment_tracking", Boolean),
)
"""The producer's time zone, as its payment settings name it (Europe/Paris until they do), and
whether it tracks payments (off until they say it is on)."""

DEFAULT_TIME_ZONE = "Europe/Paris"

weekly_emails = Table(
    "weekly_emails",
    metadata,
    Column("producer_id", String(64), primary_key=True),
    Column("week", String(8), primary_key=True),
    # pending, sending (recorded before the message goes: claimed until claimed_until),
    # sent, failed (retried from next_attempt_at)
    Column("status", String(10), nullable=False),
    Column("message_id", String(200)),
    Column("claimed_until", DateTime(timezone=True)),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("last_error", String(500)),
    Column("next_attempt_at", DateTime(timezone=True)),
    Column("sent_at", DateTime(timezone=True)),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # who asked for its last sending (POST …/weekly-email); null: the Monday timer
    Column("asked_by", String(ACTOR_LENGTH)),
)

export_requests = Table(
    "export_requests",
    metadata,
    Column("request_id", UUID(as_uuid=True), primary_key=True),
    Column("producer_id", String(64), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("asked_by", String(ACTOR_LENGTH)),
    Column("asked_at", DateTime(timezone=True), nullable=False),
    Column("detail", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Index("export_requests_by_time", "producer_id", "asked_at"),
)
"""Every export asked for (a workbook downloaded, the weekly e-mail sent by hand): which
(`kind`), when, by whom, and what it covered (`detail`: the period, the week, how many orders
and movements)."""
