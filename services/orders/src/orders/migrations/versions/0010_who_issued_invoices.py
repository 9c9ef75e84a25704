"""Who issued each invoice and facture d'avoir (an operator's name); null for those the
system issued (invoicing on delivery) and for those issued before it was recorded. A column
added: the documents themselves stay as issued (the trigger refuses any UPDATE of them)."""

from alembic import op

revision = "orders_0010"
down_revision = "orders_0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE orders.invoices ADD COLUMN IF NOT EXISTS issued_by varchar(254)")


def downgrade() -> None:
    op.execute("ALTER TABLE orders.invoices DROP COLUMN IF EXISTS issued_by")
