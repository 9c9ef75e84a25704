"""Tables of the orders schema: orders and their lines, and what it hears of payments."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Integer,
    String,
    Table,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from ardoise.db import schema_metadata
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
