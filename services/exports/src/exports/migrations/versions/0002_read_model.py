"""The exports read model, producer mailing settings and the record of weekly e-mails."""

from alembic import op

revision = "exports_0002"
down_revision = "exports_0001"
branch_labels = None
depends_on = None

UPGRADE = (
    """CREATE TABLE exports.customers (
    producer_id varchar(64) NOT NULL,
    customer_id varchar(64) NOT NULL,
    name varchar(200) NOT NULL,
    PRIMARY KEY (producer_id, customer_id))""",
    """CREATE TABLE exports.sales (
    producer_id varchar(64) NOT NULL,
    order_id uuid NOT NULL,
    customer_id varchar(64) NOT NULL,
    delivery_date date NOT NULL,
    total_cents bigint NOT NULL,
    mode varchar(20) NOT NULL DEFAULT 'not_delivered',
    amount_paid_cents bigint NOT NULL DEFAULT 0,
    credit_note_cents bigint NOT NULL DEFAULT 0,
    settlement_version integer NOT NULL DEFAULT 0,
    PRIMARY KEY (producer_id, order_id))""",
    """CREATE INDEX sales_by_date ON exports.sales (producer_id, delivery_date, order_id)""",
    """CREATE TABLE exports.producers (
    producer_id varchar(64) NOT NULL,
    name varchar(200) NOT NULL,
    email varchar(254) NOT NULL,
    time_zone varchar(64) NOT NULL DEFAULT 'Europe/Paris',
    PRIMARY KEY (producer_id))""",
    """CREATE TABLE exports.weekly_emails (
    producer_id varchar(64) NOT NULL,
    week varchar(8) NOT NULL,
    status varchar(10) NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    last_error varchar(500),
    next_attempt_at timestamptz,
    sent_at timestamptz,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (producer_id, week))""",
)


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TABLE exports.weekly_emails")
    op.execute("DROP TABLE exports.producers")
    op.execute("DROP TABLE exports.sales")
    op.execute("DROP TABLE exports.customers")
