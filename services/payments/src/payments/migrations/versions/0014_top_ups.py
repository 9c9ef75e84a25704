"""Customers' online top-ups, each with its SumUp checkout, read back until it ends."""

from alembic import op

revision = "payments_0014"
down_revision = "payments_0013"
branch_labels = None
depends_on = None

UPGRADE = (
    """CREATE TABLE payments.top_ups (
    producer_id varchar(64) NOT NULL,
    top_up_id uuid NOT NULL,
    customer_id varchar(64) NOT NULL,
    amount_cents bigint NOT NULL,
    currency varchar(3) NOT NULL,
    checkout_id varchar(64) NOT NULL UNIQUE,
    checkout_url varchar(500),
    status varchar(12) NOT NULL,
    valid_until timestamptz NOT NULL,
    transaction_id varchar(64),
    idempotency_key varchar(200),
    fingerprint varchar(64),
    created_at timestamptz NOT NULL DEFAULT now(),
    closed_at timestamptz,
    next_check_at timestamptz NOT NULL DEFAULT now() + interval '30 seconds',
    PRIMARY KEY (producer_id, top_up_id))""",
    "CREATE INDEX top_ups_to_check ON payments.top_ups (status, next_check_at)",
    "CREATE INDEX top_ups_of_customer ON payments.top_ups (producer_id, customer_id, created_at)",
    "CREATE UNIQUE INDEX top_ups_by_key ON payments.top_ups "
    "(producer_id, customer_id, idempotency_key) WHERE idempotency_key IS NOT NULL",
)


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TABLE payments.top_ups")
