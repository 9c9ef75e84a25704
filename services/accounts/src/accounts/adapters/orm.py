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

from ardoise.changes import ACTOR_LENGTH
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
    # the customer's own credit limit (domain/limits.py); null: the producer's default
    Column("credit_limit_cents", BigInteger),
    # who last set it, and when (null: no one since issue #23)
    Column("credit_limit_changed_by", String(ACTOR_LENGTH)),
    Column("credit_limit_changed_at", DateTime(timezone=True)),
    CheckConstraint("NOT professional OR siren IS NOT NULL",
                    name="accounts_professional_has_siren"),
    CheckConstraint("credit_limit_cents >= 0", name="accounts_credit_limit_is_an_amount"),
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
    # who made it (an operator's name); null: the system, from an event naming no one
    Column("recorded_by", String(ACTOR_LENGTH)),
    Index("movements_history", "producer_id", "customer_id", "id"),
)
# balances on a date (balances_at.py): an account's last movement up to an instant, read from
# the index alone; and the movements in balance order, walked for the page sorted by balance
Index("movements_at_a_date", movements.c.producer_id, movements.c.customer_id,
      movements.c.at.desc(), movements.c.id.desc(), postgresql_include=["balance_after_cents"])
Index("movements_by_balance_after", movements.c.producer_id, movements.c.balance_after_cents,
      movements.c.customer_id, postgresql_include=["at", "id"])

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
    Column("time_zone", String(64)),
)
"""Whether the producer tracks payments, as its payment settings last said (off until heard),
and its time zone as they said it (null: not heard since it was kept, Europe/Paris)."""

credit_limits = Table(
    "credit_limits",
    metadata,
    Column("producer_id", String(64), primary_key=True),
    Column("default_limit_cents", BigInteger),
    Column("over_limit", String(20), nullable=False, server_default="refuse"),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("changed_by", String(ACTOR_LENGTH)),  # who set them at updated_at (null: unknown)
    CheckConstraint("default_limit_cents >= 0", name="credit_limits_default_is_an_amount"),
    CheckConstraint("over_limit IN ('refuse', 'online_payment')",
                    name="credit_limits_over_limit_is_a_choice"),
)
"""A producer's default credit limit (null: none) and what an order over a limit gets
(domain/limits.py); no row: no limit, refused."""

reminder_rules = Table(
    "reminder_rules",
    metadata,
    Column("producer_id", String(64), primary_key=True),
    Column("enabled", Boolean, nullable=False, server_default=text("false")),
    Column("below_cents", BigInteger, nullable=False),
    Column("for_days", Integer, nullable=False),
    Column("every_days", Integer, nullable=False),
    Column("farm_name", String(200)),
    Column("reply_to", String(254)),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("changed_by", String(ACTOR_LENGTH)),  # who set it at updated_at (null: unknown)
    CheckConstraint("below_cents <= 0", name="reminder_rules_below_is_a_debt"),
    CheckConstraint("for_days BETWEEN 0 AND 365 AND every_days BETWEEN 1 AND 365",
                    name="reminder_rules_days_are_days"),
)
"""A producer's rule for reminders of debts (domain/reminders.py); no row: off."""

reminders = Table(
    "reminders",
    metadata,
    Column("reminder_id", UUID(as_uuid=True), primary_key=True),
    Column("producer_id", String(64), nullable=False),
    Column("customer_id", String(64), nullable=False),
    Column("status", String(10), nullable=False),
    Column("manual", Boolean, nullable=False, server_default=text("false")),
    Column("email", String(254), nullable=False),
    Column("balance_cents", BigInteger, nullable=False),
    Column("message_id", String(200), nullable=False),
    Column("attempts", Integer, nullable=False, server_default="1"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("claimed_until", DateTime(timezone=True)),
    Column("next_attempt_at", DateTime(timezone=True)),
    Column("sent_at", DateTime(timezone=True)),
    Column("error", String(500)),
    CheckConstraint("status IN ('sending', 'sent', 'refused', 'failed', 'cancelled')",
                    name="reminders_status_is_known"),
    Index("reminders_history", "producer_id", "customer_id", "created_at"),
    # two senders never send one customer a reminder at once, whatever they decided
    Index("reminders_one_sending_per_customer", "producer_id", "customer_id", unique=True,
          postgresql_where=text("status = 'sending'")),
)
"""Every reminder sent or tried, on the customer's history (domain/reminders.py)."""
