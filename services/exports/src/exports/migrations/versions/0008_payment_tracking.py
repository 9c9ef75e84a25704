"""Whether each producer tracks payments, as its payment settings say: its workbooks have no
payment column while it does not. Off for a producer not heard of; those already known keep
their payment columns, as they had them."""

from alembic import op

revision = "exports_0008"
down_revision = "exports_0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE exports.time_zones ADD COLUMN IF NOT EXISTS payment_tracking boolean")
    op.execute("UPDATE exports.time_zones SET payment_tracking = true "
               "WHERE payment_tracking IS NULL")
    op.execute("""
        INSERT INTO exports.time_zones (producer_id, time_zone, payment_tracking)
        SELECT DISTINCT producer_id, 'Europe/Paris', true FROM exports.sales
        ON CONFLICT (producer_id) DO NOTHING""")


def downgrade() -> None:
    op.execute("ALTER TABLE exports.time_zones DROP COLUMN payment_tracking")
