"""Each producer's own SumUp account: the API key, sealed, beside its merchant code."""

from alembic import op

revision = "payments_0008"
down_revision = "payments_0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE payments.settings ADD COLUMN IF NOT EXISTS sumup_api_key_sealed text")


def downgrade() -> None:
    op.execute("ALTER TABLE payments.settings DROP COLUMN sumup_api_key_sealed")
