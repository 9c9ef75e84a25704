"""Online refunds kept as money that went out on their own day (payments' OnlineRefundMade): a
row of the movements, named by its refund and carrying its order (`order_id`, null for the
top-ups and debits recorded by hand), so that the order's money is counted in the order's week
as it was received, and the refund in the week it was made. A nullable column: added at once."""

from alembic import op

revision = "exports_0012"
down_revision = "exports_0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE exports.movements ADD COLUMN IF NOT EXISTS order_id uuid")
    op.execute("CREATE INDEX IF NOT EXISTS movements_of_orders ON exports.movements "
               "(producer_id, order_id) WHERE order_id IS NOT NULL")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS exports.movements_of_orders")
    op.execute("ALTER TABLE exports.movements DROP COLUMN IF EXISTS order_id")
