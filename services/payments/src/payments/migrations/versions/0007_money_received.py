"""What was received for each order, per mode, beside its settlement's mode; and the balance its
online payment took into account. Settlements recorded before keep what they said: their amount
paid was received in their mode."""

from alembic import op

revision = "payments_0007"
down_revision = "payments_0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE payments.settlements "
               "ADD COLUMN IF NOT EXISTS received jsonb NOT NULL DEFAULT '{}'::jsonb, "
               "ADD COLUMN IF NOT EXISTS balance_applied_cents bigint NOT NULL DEFAULT 0")
    op.execute("UPDATE payments.settlements SET received = jsonb_build_object(mode, "
               "amount_paid_cents) WHERE amount_paid_cents > 0 AND received = '{}'::jsonb "
               "AND mode IN ('cash', 'cheque', 'card', 'transfer', 'online')")
    op.execute("UPDATE payments.settlements s SET balance_applied_cents = c.applied_cents "
               "FROM payments.checkouts c WHERE c.producer_id = s.producer_id "
               "AND c.order_id = s.order_id AND c.status = 'PAID' AND s.mode = 'online'")


def downgrade() -> None:
    op.execute("ALTER TABLE payments.settlements DROP COLUMN received, "
               "DROP COLUMN balance_applied_cents")
