"""Invoices: the producer's identity on its documents, numbered series, issued documents."""

from alembic import op

revision = "orders_0008"
down_revision = "orders_0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE TABLE orders.invoicing (
            producer_id varchar(64) PRIMARY KEY,
            legal_name varchar(200), address varchar(400), siret varchar(14),
            vat_number varchar(20),
            vat_regime varchar(30) NOT NULL DEFAULT 'vat',
            default_vat_rate varchar(4) NOT NULL DEFAULT '5.5',
            legal_form varchar(60), share_capital_cents bigint, registration varchar(120),
            email varchar(254), phone varchar(30), logo_data_url text,
            payment_terms varchar(300) NOT NULL DEFAULT 'Paiement à réception',
            invoice_on_delivery boolean NOT NULL DEFAULT false,
            receipt_shows_available boolean NOT NULL DEFAULT false
        )""")
    op.execute("""
        CREATE TABLE orders.invoice_series (
            producer_id varchar(64) NOT NULL, kind varchar(20) NOT NULL,
            last_sequence integer NOT NULL, last_issued_at timestamptz,
            PRIMARY KEY (producer_id, kind)
        )""")
    op.execute("""
        CREATE TABLE orders.invoices (
            producer_id varchar(64) NOT NULL, number varchar(16) NOT NULL,
            kind varchar(20) NOT NULL, sequence integer NOT NULL,
            order_id uuid NOT NULL, customer_id varchar(64) NOT NULL,
            corrects varchar(16), issued_at timestamptz NOT NULL, document jsonb NOT NULL,
            PRIMARY KEY (producer_id, number),
            UNIQUE (producer_id, kind, sequence)
        )""")
    op.execute("CREATE INDEX invoices_by_order ON orders.invoices (producer_id, order_id)")
    op.execute("CREATE INDEX invoices_by_date ON orders.invoices (producer_id, issued_at)")
    op.execute("CREATE UNIQUE INDEX invoices_cancelled_once ON orders.invoices "
               "(producer_id, corrects) WHERE corrects IS NOT NULL")
    # an issued document is never changed nor taken back: a facture d'avoir corrects it
    op.execute("""
        CREATE FUNCTION orders.invoices_are_final() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'an issued invoice is never changed or deleted (%)', OLD.number
                USING ERRCODE = 'integrity_constraint_violation';
        END $$""")
    op.execute("CREATE TRIGGER invoices_are_final BEFORE UPDATE OR DELETE ON orders.invoices "
               "FOR EACH ROW EXECUTE FUNCTION orders.invoices_are_final()")


def downgrade() -> None:
    op.execute("DROP TABLE orders.invoices")
    op.execute("DROP FUNCTION orders.invoices_are_final()")
    op.execute("DROP TABLE orders.invoice_series")
    op.execute("DROP TABLE orders.invoicing")
