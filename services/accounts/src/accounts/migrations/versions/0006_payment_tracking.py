"""Whether each producer tracks payments, as its payment settings say: no movement is recorded
while it is off. Off for a producer not heard of; those with accounts already keep it on, as
they had it."""

from alembic import op

revision = "accounts_0006"
down_revision = "accounts_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE TABLE IF NOT EXISTS accounts.producers (
            producer_id varchar(64) PRIMARY KEY,
            payment_tracking boolean NOT NULL)""")
    op.execute("""
        INSERT INTO accounts.producers (producer_id, payment_tracking)
        SELECT DISTINCT producer_id, true FROM accounts.accounts
        ON CONFLICT (producer_id) DO NOTHING""")


def downgrade() -> None:
    op.execute("DROP TABLE accounts.producers")
