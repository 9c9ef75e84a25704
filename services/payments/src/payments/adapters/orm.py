"""Tables of the payments schema: settings, settlements, credit notes, and read models."""

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
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

from ardoise.changes import ACTOR_LENGTH
from ardoise.db import change_columns, schema_metadata
from ardoise.inbox import inbox_table
from ardoise.outbox import outbox_table

SCHEMA = "payments"
metadata = schema_metadata(SCHEMA)
outbox = outbox_table(metadata)
inbox = inbox_table(metadata)

settings = Table(
    "settings",
    metadata,
    Column("producer_id", String(64), primary_key=True),
    Column("payment_tracking", Boolean, nullable=False),
    Column("accepted_modes", ARRAY(String(20)), nullable=False),
    Column("online_payment_required", Boolean, nullable=False),
    Column("sumup_merchant_code", String(64)),
    # the API key of the producer's SumUp account, sealed (adapters/credentials.py)
    Column("sumup_api_key_sealed", Text),
    Column("time_zone", String(64), nullable=False, server_default="Europe/Paris"),
    *change_columns(),
)

orders = Table(
    "orders",
    metadata,
    Column("producer_id", String(64), primary_key=True),
    Column("order_id", UUID(as_uuid=True), primary_key=True),
    Column("customer_id", String(64), nullable=False),
    Column("total_cents", BigInteger, nullable=False),
    Column("delivery_date", Date, nullable=False),
    Index("orders_by_week", "producer_id", "delivery_date"),
)

customers = Table(
    "customers",
    metadata,
    Column("producer_id", String(64), primary_key=True),
    Column("customer_id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
)

settlements = Table(
    "settlements",
    metadata,
    Column("producer_id", String(64), primary_key=True),
    Column("order_id", UUID(as_uuid=True), primary_key=True),
    Column("mode", String(20), nullable=False),
    Column("amount_paid_cents", BigInteger, nullable=False),
    # what was received per mode (cash, ..., online less refunds): amount_paid_cents is its sum
    Column("received", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("balance_applied_cents", BigInteger, nullable=False, server_default="0"),
    Column("version", Integer, nullable=False),
    Column("credit_note_number", Integer),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # who recorded this version (an operator's name); null: the system (SumUp, a checkout)
    Column("recorded_by", String(ACTOR_LENGTH)),
)

credit_notes = Table(
    "credit_notes",
    metadata,
    Column("producer_id", String(64), primary_key=True),
    Column("number", Integer, primary_key=True),
    Column("order_id", UUID(as_uuid=True), nullable=False),
    Column("amount_cents", BigInteger, nullable=False),
    Column("status", String(10), nullable=False),
    Column("issued_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("issued_by", String(ACTOR_LENGTH)),  # who made the settlement that issued it
)

credit_note_counters = Table(
    "credit_note_counters",
    metadata,
    Column("producer_id", String(64), primary_key=True),
    Column("last_number", Integer, nullable=False),
)

checkouts = Table(
    "checkouts",
    metadata,
    Column("producer_id", String(64), primary_key=True),
    Column("order_id", UUID(as_uuid=True), primary_key=True),
    Column("attempt", Integer, primary_key=True),
    Column("checkout_id", String(64), unique=True),
    Column("customer_id", String(64), nullable=False),
    Column("total_cents", BigInteger, nullable=False),
    Column("applied_cents", BigInteger, nullable=False),
    Column("amount_due_cents", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("checkout_url", String(500)),
    Column("status", String(12), nullable=False),
    Column("valid_until", DateTime(timezone=True)),
    Column("transaction_id", String(64)),  # SumUp's paying transaction: what a refund names
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # when a still pending checkout is next read back from SumUp (webhooks can be lost)
    Column("next_check_at", DateTime(timezone=True), nullable=False,
           server_default=text("now() + interval '30 seconds'")),
    Index("checkouts_to_check", "status", "next_check_at"),
)

refunds = Table(
    "refunds",
    metadata,
    Column("producer_id", String(64), primary_key=True),
    Column("refund_id", UUID(as_uuid=True), primary_key=True),
    Column("order_id", UUID(as_uuid=True), nullable=False),
    Column("checkout_id", String(64), nullable=False),
    Column("transaction_id", String(64), nullable=False),
    Column("amount_cents", BigInteger, nullable=False),
    # requested (asked of SumUp, its answer not yet known), refunded, or failed (SumUp refused)
    Column("status", String(10), nullable=False),
    Column("idempotency_key", String(200)),
    Column("last_error", String(500)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("requested_by", String(ACTOR_LENGTH)),  # who asked for it
    Index("refunds_of_order", "producer_id", "order_id"),
    Index("refunds_by_key", "producer_id", "idempotency_key", unique=True,
          postgresql_where=text("idempotency_key IS NOT NULL")),
    Index("refunds_requested", "created_at", postgresql_where=text("status = 'requested'")),
)

money_movements = Table(
    "money_movements",
    metadata,
    Column("producer_id", String(64), primary_key=True),
    Column("movement_id", UUID(as_uuid=True), primary_key=True),
    Column("customer_id", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("amount_cents", BigInteger, nullable=False),
    Column("mode", String(20), nullable=False),
    Column("label", String(200), nullable=False),
    Column("recorded_by", String(ACTOR_LENGTH)),  # who recorded it (MovementRecorded.actor)
    Index("money_movements_by_time", "producer_id", "at"),
)
"""Top-ups and debits recorded by hand on customers' accounts with a mode: money that came in
or went out by it, beside the orders' (the accounts service's MovementRecorded)."""

bank_statements = Table(
    "bank_statements",
    metadata,
    Column("producer_id", String(64), primary_key=True),
    Column("import_id", UUID(as_uuid=True), primary_key=True),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("format", String(20), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("lines", Integer, nullable=False),
    Column("new", Integer, nullable=False),
    Column("duplicates", Integer, nullable=False),
)
"""Each statement file imported: its lines, how many were new, how many already known."""

bank_transactions = Table(
    "bank_transactions",
    metadata,
    Column("producer_id", String(64), primary_key=True),
    Column("transaction_id", UUID(as_uuid=True), primary_key=True),
    Column("key", String(300), nullable=False),
    Column("import_id", UUID(as_uuid=True), nullable=False),
    Column("line", JSONB, nullable=False),
    Column("booking_date", Date, nullable=False),
    Column("amount_cents", BigInteger, nullable=False),
    Column("status", String(10), nullable=False),
    Column("customer_id", String(64)),
    Column("order_id", UUID(as_uuid=True)),
    Column("score", Integer),
    Column("reasons", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("producer_id", "key", name="bank_transactions_once"),
    Index("bank_transactions_by_status", "producer_id", "status", "booking_date"),
)
"""Each bank line kept once per producer (its key: the bank's reference, or a hash), and its
current match."""

bank_applications = Table(
    "bank_applications",
    metadata,
    Column("producer_id", String(64), primary_key=True),
    Column("transaction_id", UUID(as_uuid=True), primary_key=True),
    Column("entry", Integer, primary_key=True, autoincrement=False),
    Column("customer_id", String(64), nullable=False),
    Column("order_id", UUID(as_uuid=True)),
    Column("amount_cents", BigInteger, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)
"""What each transaction's money did, in order: applications and their counter-entries (never
changed, never removed)."""

top_ups = Table(
    "top_ups",
    metadata,
    Column("producer_id", String(64), primary_key=True),
    Column("top_up_id", UUID(as_uuid=True), primary_key=True),
    Column("customer_id", String(64), nullable=False),
    Column("amount_cents", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("checkout_id", String(64), nullable=False, unique=True),
    Column("checkout_url", String(500)),
    Column("status", String(12), nullable=False),
    Column("valid_until", DateTime(timezone=True), nullable=False),
    Column("transaction_id", String(64)),
    Column("idempotency_key", String(200)),
    Column("fingerprint", String(64)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("closed_at", DateTime(timezone=True)),
    # when a still pending checkout is next read back from SumUp (webhooks can be lost)
    Column("next_check_at", DateTime(timezone=True), nullable=False,
           server_default=text("now() + interval '30 seconds'")),
    Index("top_ups_to_check", "status", "next_check_at"),
    Index("top_ups_of_customer", "producer_id", "customer_id", "created_at"),
    Index("top_ups_by_key", "producer_id", "customer_id", "idempotency_key", unique=True,
          postgresql_where=text("idempotency_key IS NOT NULL")),
)
"""Customers' online top-ups (a debt paid, credit added), each with its SumUp checkout; a paid
one told once (OnlineTopUpPaid) as it is closed."""
