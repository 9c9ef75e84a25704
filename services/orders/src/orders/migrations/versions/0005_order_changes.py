"""Changes to what an order's page shows wake the readers waiting on it (NOTIFY at commit)."""

from alembic import op

from orders.adapters.order_changes import drop_trigger_sql, trigger_sql
from orders.adapters.orm import SCHEMA

revision = "orders_0005"
down_revision = "orders_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for statement in trigger_sql(SCHEMA):
        op.execute(statement)


def downgrade() -> None:
    for statement in drop_trigger_sql(SCHEMA):
        op.execute(statement)
