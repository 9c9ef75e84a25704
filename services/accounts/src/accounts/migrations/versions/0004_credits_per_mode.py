"""An order's position keeps the money received for it per mode (paid by hand and online both),
not one amount in one mode: what each position said before is carried over."""

from alembic import op

revision = "accounts_0004"
down_revision = "accounts_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE accounts.order_positions "
               "ADD COLUMN IF NOT EXISTS credits jsonb NOT NULL DEFAULT '{}'::jsonb")
    op.execute("UPDATE accounts.order_positions SET credits = jsonb_build_object(credit_mode, "
               "credited_cents), credit_mode = NULL "
               "WHERE credit_mode IS NOT NULL AND credited_cents <> 0")


def downgrade() -> None:
    op.execute("ALTER TABLE accounts.order_positions DROP COLUMN credits")
