"""Settings, settlements, credit notes and the orders/customers read models."""

from alembic import op

revision = "payments_0002"
down_revision = "payments_0001"
branch_labels = None
depends_on = None

UPGRADE = (
    """CREATE TABLE payments.settings (
    producer_id varchar(64) NOT NULL,
    payment_tracking boolean NOT NULL,
    accepted_modes varchar(20)[] NOT NULL,
    online_payment_required boolean NOT NULL,
    sumup_merchant_code varchar(64),
    PRIMARY KEY (producer_id))""",
    """CREATE TABLE payments.orders (
    producer_id varchar(64) NOT NULL,
    order_id uuid NOT NULL,
    customer_id varchar(64) NOT NULL,
    total_cents bigint NOT NULL,
    delivery_date date NOT NULL,
    PRIMARY KEY (producer_id, order_id))""",
    """CREATE INDEX orders_by_week ON payments.orders (producer_id, delivery_date)""",
    """CREATE TABLE payments.customers (
    producer_id varchar(64) NOT NULL,
    customer_id varchar(64) NOT NULL,
    name varchar(200) NOT NULL,
    PRIMARY KEY (producer_id, customer_id))""",
    """CREATE TABLE payments.settlements (
    producer_id varchar(64) NOT NULL,
    order_id uuid NOT NULL,
    mode varchar(20) NOT NULL,
    amount_paid_cents bigint NOT NULL,
    version integer NOT NULL,
    credit_note_number integer,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (producer_id, order_id))""",
    """CREATE TABLE payments.credit_notes (
    producer_id varchar(64) NOT NULL,
    number integer NOT NULL,
    order_id uuid NOT NULL,
    amount_cents bigint NOT NULL,
    status varchar(10) NOT NULL,
    issued_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (producer_id, number))""",
    """CREATE TABLE payments.credit_note_counters (
    producer_id varchar(64) NOT NULL,
    last_number integer NOT NULL,
    PRIMARY KEY (producer_id))""",
)


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TABLE payments.credit_note_counters")
    op.execute("DROP TABLE payments.credit_notes")
    op.execute("DROP TABLE payments.settlements")
    op.execute("DROP TABLE payments.customers")
    op.execute("DROP TABLE payments.orders")
    op.execute("DROP TABLE payments.settings")
