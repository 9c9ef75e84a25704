"""Checkouts opened for orders paid online, one per payment attempt."""

from alembic import op

revision = "payments_0003"
down_revision = "payments_0002"
branch_labels = None
depends_on = None

UPGRADE = (
    """CREATE TABLE payments.checkouts (
    producer_id varchar(64) NOT NULL,
    order_id uuid NOT NULL,
    attempt integer NOT NULL,
    checkout_id varchar(64),
    customer_id varchar(64) NOT NULL,
    total_cents bigint NOT NULL,
    applied_cents bigint NOT NULL,
    amount_due_cents bigint NOT NULL,
    currency varchar(3) NOT NULL,
    checkout_url varchar(500),
    status varchar(12) NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (producer_id, order_id, attempt),
    UNIQUE (checkout_id))""",
    """CREATE INDEX checkouts_open ON payments.checkouts (status, created_at)""",
)


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TABLE payments.checkouts")
