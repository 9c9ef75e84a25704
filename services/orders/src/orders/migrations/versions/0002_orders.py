"""Orders with their lines, the settlements read model and producers' payment settings."""

from alembic import op

from orders.adapters.orm import orders, producers, settlements

revision = "orders_0002"
down_revision = "orders_0001"
branch_labels = None
depends_on = None

TABLES = (orders, settlements, producers)


def upgrade() -> None:
    for table in TABLES:
        table.create(op.get_bind())


def downgrade() -> None:
    for table in reversed(TABLES):
        table.drop(op.get_bind())
