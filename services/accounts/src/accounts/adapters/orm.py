"""Tables of the accounts schema: accounts, their movements, order positions, holds."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from ardoise.db import schema_metadata
from ardoise.inbox import inbox_table
from ardoise.outbox import outbox_table

SCHEMA = "accounts"
metadata = schema_metadata(SCHEMA)
outbox = outbox_table(metadata)
inbox = inbox_table(metadata)

accounts = Table(
    "accounts",
    metadata,
    Column("producer_id", String(64), primary_key=True),
    Column("customer_id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    # the name without accents, case or extra spaces (domain/search.py): what `q=` searches
    Column("search_name", String(400), nullable=False, server_default=""),
    Column("email", String(254)),
    Column("balance_cents", BigInteger, nullable=False, server_default="0"),
    Column("held_cents", BigInteger, nullable=False, server_default="0"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # how invoices name the customer (domain/identity.py): a postal address of up to 5 lines,
    # and for a business its SIREN and VAT number
    Column("address", String(300)),
    Column("professional", Boolean, nullable=False, server_default=text("false")),
    Column("siren", String(9)),
    Column("vat_number", String(20)),
    CheckConstraint("NOT professional OR siren IS NOT NULL",
                    name="accounts_professional_has_siren"),
    Index("accounts_by_balance", "producer_id", "balance_cents", "customer_id"),
    Index("accounts_by_name", "producer_id", "name", "customer_id"),
    Index("accounts_search", "search_name", postgresql_using="gin",
          postgresql_ops={"search_name": "gin_trgm_ops"}),
)

movements = Table(
    "movements",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("movement_id", UUID(as_uuid=True), nullable=False, unique=True),
    Column("producer_id", String(64), nullable=False),
    Column("customer_id", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("amount_cents", BigInteger, nullable=False),
    Column("balance_after_cents", BigInteger, nullable=False),
    Column("label", String(200), nullable=False),
    Column("order_id", UUID(as_uuid=True)),
    Column("mode", String(20)),
    Index("movements_history", "producer_id", "customer_id", "id"),
)

order_positions = Table(
    "order_positions",
    metadata,
    Column("producer_id", String(64), primary_key=True),
    Column("order_id", UUID(as_uuid=True), primary_key=True),
    Column("customer_id", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("debited_cents", BigInteger, nullable=False),
    Column("credited_cents", BigInteger, nullable=False),
    Column("credit_mode", String(20)),  # before credits per mode; kept empty since
    Column("credits", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
)

holds = Table(
    "holds",
    metadata,
    Column("hold_id", UUID(as_uuid=True), primary_key=True),
    Column("producer_id", String(64), nullable=False),
    Column("customer_id", String(64), nullable=False),
    Column("order_id", UUID(as_uuid=True), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("amount_cents", BigInteger, nullable=False),
    Column("status", String(10), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("closed_at", DateTime(timezone=True)),
    Column("reason", String(100)),
    UniqueConstraint("producer_id", "order_id", "attempt", name="holds_one_per_attempt"),
    Index("holds_pending_by_expiry", "expires_at", postgresql_where="status = 'pending'"),
    Index("holds_by_order", "producer_id", "order_id"),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("producer_id", String(64), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("response", JSONB, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

producers = Table(
    "producers",
    metadata,
    Column("producer_id", String(64), primary_key=True),
    Column("payment_tracking", Boolean, nullable=False),
)
"""Whether the producer tracks payments, as its payment settings last said (off until heard)."""
