"""Credit limits: each producer's default limit and what an order over a limit gets, and each
customer's own limit on its account (null: the producer's default). A limit is a positive
amount of cents the available balance may go down to below zero; no row, or null: no limit."""

from alembic import op

revision = "accounts_0009"
down_revision = "accounts_0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE TABLE IF NOT EXISTS accounts.credit_limits (
            producer_id varchar(64) PRIMARY KEY,
            default_limit_cents bigint,
            over_limit varchar(20) NOT NULL DEFAULT 'refuse',
            updated_at timestamp with time zone NOT NULL DEFAULT now(),
            CONSTRAINT credit_limits_default_is_an_amount CHECK (default_limit_cents >= 0),
            CONSTRAINT credit_limits_over_limit_is_a_choice
                CHECK (over_limit IN ('refuse', 'online_payment')))""")
    # nullable without a default: added at once, whatever the number of accounts
    op.execute("ALTER TABLE accounts.accounts ADD COLUMN IF NOT EXISTS credit_limit_cents bigint")
    op.execute("ALTER TABLE accounts.accounts DROP CONSTRAINT IF EXISTS "
               "accounts_credit_limit_is_an_amount")
    # every row is null: nothing to scan (NOT VALID), and new values are checked all the same
    op.execute("ALTER TABLE accounts.accounts ADD CONSTRAINT accounts_credit_limit_is_an_amount "
               "CHECK (credit_limit_cents >= 0) NOT VALID")


def downgrade() -> None:
    op.execute("""
        ALTER TABLE accounts.accounts
            DROP CONSTRAINT IF EXISTS accounts_credit_limit_is_an_amount,
            DROP COLUMN IF EXISTS credit_limit_cents""")
    op.execute("DROP TABLE IF EXISTS accounts.credit_limits")
