"""The producer's time zone, beside its payment settings."""

from alembic import op

revision = "payments_0006"
down_revision = "payments_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE payments.settings "
               "ADD COLUMN IF NOT EXISTS time_zone varchar(64) NOT NULL DEFAULT 'Europe/Paris'")


def downgrade() -> None:
    op.execute("ALTER TABLE payments.settings DROP COLUMN IF EXISTS time_zone")
