"""Who did it (issue #23): each movement's author (null: the system), who last set a customer's
own credit limit and when, and who set the producer's credit limits and reminder rule (at their
`updated_at`). Nullable columns without a default: added at once, whatever the number of rows."""

from alembic import op

revision = "accounts_0011"
down_revision = "accounts_0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE accounts.movements ADD COLUMN IF NOT EXISTS recorded_by varchar(254)")
    op.execute("""
        ALTER TABLE accounts.accounts
            ADD COLUMN IF NOT EXISTS credit_limit_changed_by varchar(254),
            ADD COLUMN IF NOT EXISTS credit_limit_changed_at timestamp with time zone""")
    op.execute("ALTER TABLE accounts.credit_limits "
               "ADD COLUMN IF NOT EXISTS changed_by varchar(254)")
    op.execute("ALTER TABLE accounts.reminder_rules "
               "ADD COLUMN IF NOT EXISTS changed_by varchar(254)")


def downgrade() -> None:
    op.execute("ALTER TABLE accounts.reminder_rules DROP COLUMN IF EXISTS changed_by")
    op.execute("ALTER TABLE accounts.credit_limits DROP COLUMN IF EXISTS changed_by")
    op.execute("""
        ALTER TABLE accounts.accounts
            DROP COLUMN IF EXISTS credit_limit_changed_by,
            DROP COLUMN IF EXISTS credit_limit_changed_at""")
    op.execute("ALTER TABLE accounts.movements DROP COLUMN IF EXISTS recorded_by")
