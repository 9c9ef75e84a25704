"""Online payment attempts of orders, as the payments service reports them."""

from alembic import op

from orders.adapters.orm import payments

revision = "orders_0003"
down_revision = "orders_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    payments.create(op.get_bind())


def downgrade() -> None:
    payments.drop(op.get_bind())
