"""Online payment attempts of orders, as the payments service reports them."""

from alembic import op

revision = "orders_0003"
down_revision = "orders_0002"
branch_labels = None
depends_on = None

UPGRADE = (
    """CREATE TABLE orders.payments (
    producer_id varchar(64) NOT NULL,
    order_id uuid NOT NULL,
    attempt integer NOT NULL,
    balance_applied_cents bigint NOT NULL,
    amount_due_cents bigint NOT NULL,
    checkout_id varchar(64),
    checkout_url varchar(500),
    status varchar(12) NOT NULL,
    PRIMARY KEY (producer_id, order_id, attempt))""",
)


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TABLE orders.payments")
