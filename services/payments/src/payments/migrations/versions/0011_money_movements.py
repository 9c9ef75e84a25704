"""Top-ups and debits recorded by hand with a mode, for the week's totals per mode."""

from alembic import op

revision = "payments_0011"
down_revision = "payments_0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE TABLE IF NOT EXISTS payments.money_movements (
            producer_id varchar(64) NOT NULL,
            movement_id uuid NOT NULL,
            customer_id varchar(64) NOT NULL,
            at timestamptz NOT NULL,
            amount_cents bigint NOT NULL,
            mode varchar(20) NOT NULL,
            label varchar(200) NOT NULL,
            PRIMARY KEY (producer_id, movement_id))""")
    op.execute("CREATE INDEX IF NOT EXISTS money_movements_by_time "
               "ON payments.money_movements (producer_id, at)")


def downgrade() -> None:
    op.execute("DROP TABLE payments.money_movements")
