"""Reminders of debts: each producer's rule (off unless set), and every reminder sent or tried,
on the customer's history. At most one reminder of a customer is being sent at a time (a
partial unique index), whatever the number of workers."""

from alembic import op

revision = "accounts_0010"
down_revision = "accounts_0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE TABLE IF NOT EXISTS accounts.reminder_rules (
            producer_id varchar(64) PRIMARY KEY,
            enabled boolean NOT NULL DEFAULT false,
            below_cents bigint NOT NULL,
            for_days integer NOT NULL,
            every_days integer NOT NULL,
            farm_name varchar(200),
            reply_to varchar(254),
            updated_at timestamp with time zone NOT NULL DEFAULT now(),
            CONSTRAINT reminder_rules_below_is_a_debt CHECK (below_cents <= 0),
            CONSTRAINT reminder_rules_days_are_days
                CHECK (for_days BETWEEN 0 AND 365 AND every_days BETWEEN 1 AND 365))""")
    op.execute("""
        CREATE TABLE IF NOT EXISTS accounts.reminders (
            reminder_id uuid PRIMARY KEY,
            producer_id varchar(64) NOT NULL,
            customer_id varchar(64) NOT NULL,
            status varchar(10) NOT NULL,
            manual boolean NOT NULL DEFAULT false,
            email varchar(254) NOT NULL,
            balance_cents bigint NOT NULL,
            message_id varchar(200) NOT NULL,
            attempts integer NOT NULL DEFAULT 1,
            created_at timestamp with time zone NOT NULL,
            claimed_until timestamp with time zone,
            next_attempt_at timestamp with time zone,
            sent_at timestamp with time zone,
            error varchar(500),
            CONSTRAINT reminders_status_is_known
                CHECK (status IN ('sending', 'sent', 'refused', 'failed', 'cancelled')))""")
    op.execute("CREATE INDEX IF NOT EXISTS reminders_history "
               "ON accounts.reminders (producer_id, customer_id, created_at)")
    op.execute("CREATE UNIQUE INDEX IF NOT EXISTS reminders_one_sending_per_customer "
               "ON accounts.reminders (producer_id, customer_id) WHERE status = 'sending'")


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS accounts.reminders")
    op.execute("DROP TABLE IF EXISTS accounts.reminder_rules")
