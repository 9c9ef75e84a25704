"""A checkout's validity (sent to SumUp; past it, an unpaid checkout is deactivated) and the
SumUp transaction that paid it (what a refund names)."""

from alembic import op

revision = "payments_0009"
down_revision = "payments_0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE payments.checkouts ADD COLUMN IF NOT EXISTS valid_until timestamptz, "
               "ADD COLUMN IF NOT EXISTS transaction_id varchar(64)")


def downgrade() -> None:
    op.execute("ALTER TABLE payments.checkouts DROP COLUMN valid_until, "
               "DROP COLUMN transaction_id")
