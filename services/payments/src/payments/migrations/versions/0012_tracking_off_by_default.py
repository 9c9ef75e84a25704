"""Payment tracking is off for a new producer: those already at work keep it on.

A producer that never saved its settings had tracking on by default; from now the default is
off. Every producer the payments service already knows (an order, a settlement or a movement)
without a settings row gets one stating what it had: tracking on, the manual modes, Paris."""

from alembic import op

revision = "payments_0012"
down_revision = "payments_0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        INSERT INTO payments.settings (producer_id, payment_tracking, accepted_modes,
                                       online_payment_required, time_zone)
        SELECT known.producer_id, true, ARRAY['account', 'cash', 'cheque', 'card', 'transfer'],
               false, 'Europe/Paris'
        FROM (SELECT producer_id FROM payments.orders
              UNION SELECT producer_id FROM payments.settlements
              UNION SELECT producer_id FROM payments.money_movements) AS known
        ON CONFLICT (producer_id) DO NOTHING""")


def downgrade() -> None:
    """Nothing to undo: the rows state what those producers had."""
