"""The read model keeps each invoice and facture d'avoir as issued, once per number: the
invoices workbook of a period lists them with their VAT per rate."""

from alembic import op

revision = "exports_0009"
down_revision = "exports_0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE TABLE IF NOT EXISTS exports.invoices (
            producer_id varchar(64) NOT NULL,
            number varchar(64) NOT NULL,
            kind varchar(20) NOT NULL,
            issued_at timestamptz NOT NULL,
            issue_date date NOT NULL,
            customer_id varchar(64) NOT NULL,
            customer_name varchar(200) NOT NULL,
            order_id uuid NOT NULL,
            corrects varchar(64),
            total_ht_cents bigint NOT NULL,
            total_vat_cents bigint NOT NULL,
            total_cents bigint NOT NULL,
            vat jsonb NOT NULL,
            PRIMARY KEY (producer_id, number))""")
    op.execute("CREATE INDEX IF NOT EXISTS invoices_by_date "
               "ON exports.invoices (producer_id, issue_date)")


def downgrade() -> None:
    op.execute("DROP TABLE exports.invoices")
