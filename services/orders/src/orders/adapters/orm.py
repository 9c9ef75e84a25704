"""Tables of the orders schema: orders and their lines, and what it hears of payments."""

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
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from ardoise.changes import ACTOR_LENGTH
from ardoise.db import change_columns, schema_metadata
from ardoise.inbox import inbox_table
from ardoise.outbox import outbox_table

SCHEMA = "orders"
metadata = schema_metadata(SCHEMA)
outbox = outbox_table(metadata)
inbox = inbox_table(metadata)

orders = Table(
    "orders",
    metadata,
    Column("producer_id", String(64), primary_key=True),
    Column("order_id", UUID(as_uuid=True), primary_key=True),
    Column("customer_id", String(64), nullable=False),
    Column("delivery_date", Date, nullable=False),
    Column("lines", JSONB, nullable=False),
    Column("total_cents", BigInteger, nullable=False),
    Column("status", String(20), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

settlements = Table(
    "settlements",
    metadata,
    Column("producer_id", String(64), primary_key=True),
    Column("order_id", UUID(as_uuid=True), primary_key=True),
    Column("mode", String(20), nullable=False),
    Column("amount_paid_cents", BigInteger, nullable=False),
    Column("credit_note_cents", BigInteger, nullable=False),
    Column("credit_note_number", Integer),
    Column("version", Integer, nullable=False),
)

producers = Table(
    "producers",
    metadata,
    Column("producer_id", String(64), primary_key=True),
    Column("payment_tracking", Boolean, nullable=False),
    Column("online_payment_required", Boolean, nullable=False),
    Column("time_zone", String(64)),
)

payments = Table(
    "payments",
    metadata,
    Column("producer_id", String(64), primary_key=True),
    Column("order_id", UUID(as_uuid=True), primary_key=True),
    Column("attempt", Integer, primary_key=True),
    Column("balance_applied_cents", BigInteger, nullable=False),
    Column("amount_due_cents", BigInteger, nullable=False),
    Column("checkout_id", String(64)),
    Column("checkout_url", String(500)),
    Column("status", String(12), nullable=False),
)

invoicing = Table(
    "invoicing",
    metadata,
    Column("producer_id", String(64), primary_key=True),
    Column("legal_name", String(200)),
    Column("address", String(400)),
    Column("siret", String(14)),
    Column("vat_number", String(20)),
    Column("vat_regime", String(30), nullable=False),
    Column("default_vat_rate", String(4), nullable=False),
    Column("legal_form", String(60)),
    Column("share_capital_cents", BigInteger),
    Column("registration", String(120)),
    Column("email", String(254)),
    Column("phone", String(30)),
    Column("logo_data_url", Text),
    Column("payment_terms", String(300), nullable=False),
    Column("invoice_on_delivery", Boolean, nullable=False),
    Column("receipt_shows_available", Boolean, nullable=False),
    *change_columns(),  # who last changed them by PUT …/invoicing, and when
)

invoice_series = Table(
    "invoice_series",
    metadata,
    Column("producer_id", String(64), primary_key=True),
    Column("kind", String(20), primary_key=True),
    Column("last_sequence", Integer, nullable=False),
    Column("last_issued_at", DateTime(timezone=True)),
)
"""The last number of each of a producer's series: locked while a number is given, so numbers
follow each other without a gap, in the order of their issue."""

invoices = Table(
    "invoices",
    metadata,
    Column("producer_id", String(64), primary_key=True),
    Column("number", String(16), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("order_id", UUID(as_uuid=True), nullable=False),
    Column("customer_id", String(64), nullable=False),
    Column("corrects", String(16)),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("document", JSONB, nullable=False),
    # who issued it (an operator's name); null: the system (invoicing on delivery), or before
    Column("issued_by", String(ACTOR_LENGTH)),
    UniqueConstraint("producer_id", "kind", "sequence"),
    Index("invoices_by_order", "producer_id", "order_id"),
    Index("invoices_by_date", "producer_id", "issued_at"),
    Index("invoices_cancelled_once", "producer_id", "corrects", unique=True,
          postgresql_where=text("corrects IS NOT NULL")),
)
"""Issued documents: written once, never updated or deleted (a trigger refuses both)."""
