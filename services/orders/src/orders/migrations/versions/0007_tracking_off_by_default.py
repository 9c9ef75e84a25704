"""Payment tracking is off for a producer not heard of: those already at work keep it on.

Until now a producer whose payment settings were never heard of printed its balances (tracking
on by default). Each producer with orders and no settings heard gets a row saying so."""

from alembic import op

revision = "orders_0007"
down_revision = "orders_0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        INSERT INTO orders.producers (producer_id, payment_tracking, online_payment_required)
        SELECT DISTINCT producer_id, true, false FROM orders.orders
        ON CONFLICT (producer_id) DO NOTHING""")


def downgrade() -> None:
    """Nothing to undo: the rows state what those producers had."""
