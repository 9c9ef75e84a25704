"""The producer's time zone comes from its payment settings, no longer from the exports settings."""

from alembic import op

revision = "exports_0004"
down_revision = "exports_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE TABLE IF NOT EXISTS exports.time_zones ("
               "producer_id varchar(64) PRIMARY KEY, time_zone varchar(64) NOT NULL)")
    op.execute("ALTER TABLE exports.producers DROP COLUMN IF EXISTS time_zone")


def downgrade() -> None:
    op.execute("ALTER TABLE exports.producers "
               "ADD COLUMN IF NOT EXISTS time_zone varchar(64) NOT NULL DEFAULT 'Europe/Paris'")
    op.execute("DROP TABLE exports.time_zones")
