"""The read model keeps the money received for each order per mode; sales recorded before had
their amount paid received in their mode."""

from alembic import op

revision = "exports_0005"
down_revision = "exports_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE exports.sales "
               "ADD COLUMN IF NOT EXISTS received jsonb NOT NULL DEFAULT '{}'::jsonb")
    op.execute("UPDATE exports.sales SET received = jsonb_build_object(mode, amount_paid_cents) "
               "WHERE amount_paid_cents > 0 AND received = '{}'::jsonb "
               "AND mode IN ('cash', 'cheque', 'card', 'transfer', 'online')")


def downgrade() -> None:
    op.execute("ALTER TABLE exports.sales DROP COLUMN received")
