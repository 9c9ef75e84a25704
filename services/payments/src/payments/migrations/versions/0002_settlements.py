"""Settings, settlements, credit notes and the orders/customers read models."""

from alembic import op

from payments.adapters.orm import (
    credit_note_counters,
    credit_notes,
    customers,
    orders,
    settings,
    settlements,
)

revision = "payments_0002"
down_revision = "payments_0001"
branch_labels = None
depends_on = None

TABLES = (settings, orders, customers, settlements, credit_notes, credit_note_counters)
# later tables (checkouts) have migrations of their own


def upgrade() -> None:
    for table in TABLES:
        table.create(op.get_bind())


def downgrade() -> None:
    for table in reversed(TABLES):
        table.drop(op.get_bind())
