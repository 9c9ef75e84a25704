"""Refunds of online payments through SumUp: asked, then refunded or failed, each once."""

from alembic import op

revision = "payments_0010"
down_revision = "payments_0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE TABLE IF NOT EXISTS payments.refunds (
            producer_id varchar(64) NOT NULL,
            refund_id uuid NOT NULL,
            order_id uuid NOT NULL,
            checkout_id varchar(64) NOT NULL,
            transaction_id varchar(64) NOT NULL,
            amount_cents bigint NOT NULL,
            status varchar(10) NOT NULL,
            idempotency_key varchar(200),
            last_error varchar(500),
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (producer_id, refund_id))""")
    op.execute("CREATE INDEX IF NOT EXISTS refunds_of_order "
               "ON payments.refunds (producer_id, order_id)")
    op.execute("CREATE UNIQUE INDEX IF NOT EXISTS refunds_by_key "
               "ON payments.refunds (producer_id, idempotency_key) "
               "WHERE idempotency_key IS NOT NULL")
    op.execute("CREATE INDEX IF NOT EXISTS refunds_requested ON payments.refunds (created_at) "
               "WHERE status = 'requested'")


def downgrade() -> None:
    op.execute("DROP TABLE payments.refunds")
