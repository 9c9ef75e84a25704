"""The weekly e-mail is recorded as being sent, with its Message-ID, before it goes; producers
remember since when they are owed one (a missed week is caught up)."""

from alembic import op

revision = "exports_0006"
down_revision = "exports_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE exports.producers "
               "ADD COLUMN IF NOT EXISTS created_at timestamptz NOT NULL DEFAULT now()")
    op.execute("ALTER TABLE exports.weekly_emails "
               "ADD COLUMN IF NOT EXISTS message_id varchar(200), "
               "ADD COLUMN IF NOT EXISTS claimed_until timestamptz")


def downgrade() -> None:
    op.execute("ALTER TABLE exports.weekly_emails DROP COLUMN message_id, "
               "DROP COLUMN claimed_until")
    op.execute("ALTER TABLE exports.producers DROP COLUMN created_at")
