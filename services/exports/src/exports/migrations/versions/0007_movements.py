"""The read model keeps the top-ups and debits recorded by hand with a mode: the workbooks count
them with the orders' money, per mode."""

from alembic import op

revision = "exports_0007"
down_revision = "exports_0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE TABLE IF NOT EXISTS exports.movements (
            producer_id varchar(64) NOT NULL,
            movement_id uuid NOT NULL,
            customer_id varchar(64) NOT NULL,
            at timestamptz NOT NULL,
            amount_cents bigint NOT NULL,
            mode varchar(20) NOT NULL,
            label varchar(200) NOT NULL,
            PRIMARY KEY (producer_id, movement_id))""")
    op.execute("CREATE INDEX IF NOT EXISTS movements_by_time "
               "ON exports.movements (producer_id, at)")


def downgrade() -> None:
    op.execute("DROP TABLE exports.movements")
