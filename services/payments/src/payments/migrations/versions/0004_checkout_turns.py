"""Pending checkouts are read back from SumUp in turns (next_check_at), not all every round;
the index the old round used (status, created_at) goes."""

from alembic import op

from payments.adapters.orm import SCHEMA

revision = "payments_0004"
down_revision = "payments_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # 0003 creates the table as the code of the day describes it: a fresh schema has both already
    op.execute(f"ALTER TABLE {SCHEMA}.checkouts ADD COLUMN IF NOT EXISTS next_check_at"
               " timestamptz NOT NULL DEFAULT now() + interval '30 seconds'")
    op.execute(f"CREATE INDEX IF NOT EXISTS checkouts_to_check"
               f" ON {SCHEMA}.checkouts (status, next_check_at)")
    op.execute(f"DROP INDEX IF EXISTS {SCHEMA}.checkouts_open")  # the poll's order before turns


def downgrade() -> None:
    op.execute(f"CREATE INDEX IF NOT EXISTS checkouts_open ON {SCHEMA}.checkouts (status, created_at)")
    op.execute(f"DROP INDEX IF EXISTS {SCHEMA}.checkouts_to_check")
    op.execute(f"ALTER TABLE {SCHEMA}.checkouts DROP COLUMN IF EXISTS next_check_at")
