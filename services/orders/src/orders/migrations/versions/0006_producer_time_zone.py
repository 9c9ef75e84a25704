"""The producer's time zone, as the payments service's settings name it."""

from alembic import op

revision = "orders_0006"
down_revision = "orders_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE orders.producers ADD COLUMN IF NOT EXISTS time_zone varchar(64)")


def downgrade() -> None:
    op.execute("ALTER TABLE orders.producers DROP COLUMN time_zone")
