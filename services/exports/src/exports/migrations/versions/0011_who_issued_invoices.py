"""Who issued each invoice and facture d'avoir (an operator's name, as InvoiceIssued tells it
since orders_0010); null for those the system issued and for those told before."""

from alembic import op

revision = "exports_0011"
down_revision = "exports_0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE exports.invoices ADD COLUMN IF NOT EXISTS issued_by varchar(254)")


def downgrade() -> None:
    op.execute("ALTER TABLE exports.invoices DROP COLUMN IF EXISTS issued_by")
