"""Balances on any date: two indexes on the movements, and the producer's time zone.

`movements_at_a_date` finds an account's last movement up to an instant from the index alone
(its balance after is the balance then); `movements_by_balance_after` lets the customers page
sorted by balance at a date walk the movements in balance order and stop at the page. Each is
built in about 6 s per 2 000 000 movements, during which movements wait to be written (reads
go on). The time zone comes with the payment settings (PaymentSettingsChanged); a producer
not heard of since is read in Europe/Paris.
"""

from alembic import op

revision = "accounts_0008"
down_revision = "accounts_0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE accounts.producers ADD COLUMN IF NOT EXISTS time_zone varchar(64)")
    op.execute("CREATE INDEX IF NOT EXISTS movements_at_a_date ON accounts.movements "
               "(producer_id, customer_id, at DESC, id DESC) INCLUDE (balance_after_cents)")
    op.execute("CREATE INDEX IF NOT EXISTS movements_by_balance_after ON accounts.movements "
               "(producer_id, balance_after_cents, customer_id) INCLUDE (at, id)")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS accounts.movements_by_balance_after")
    op.execute("DROP INDEX IF EXISTS accounts.movements_at_a_date")
    op.execute("ALTER TABLE accounts.producers DROP COLUMN IF EXISTS time_zone")
