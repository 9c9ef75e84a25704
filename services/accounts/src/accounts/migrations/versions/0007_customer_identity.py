"""Invoices name the customer: each account keeps a postal address and whether the customer is
a business, with its SIREN (required then) and VAT number. Existing customers are consumers
with none of them until the producer says otherwise."""

from alembic import op

revision = "accounts_0007"
down_revision = "accounts_0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        ALTER TABLE accounts.accounts
            ADD COLUMN IF NOT EXISTS address varchar(300),
            ADD COLUMN IF NOT EXISTS professional boolean NOT NULL DEFAULT false,
            ADD COLUMN IF NOT EXISTS siren varchar(9),
            ADD COLUMN IF NOT EXISTS vat_number varchar(20)""")
    op.execute("ALTER TABLE accounts.accounts DROP CONSTRAINT IF EXISTS "
               "accounts_professional_has_siren")
    op.execute("ALTER TABLE accounts.accounts ADD CONSTRAINT accounts_professional_has_siren "
               "CHECK (NOT professional OR siren IS NOT NULL)")


def downgrade() -> None:
    op.execute("""
        ALTER TABLE accounts.accounts
            DROP CONSTRAINT IF EXISTS accounts_professional_has_siren,
            DROP COLUMN address,
            DROP COLUMN professional,
            DROP COLUMN siren,
            DROP COLUMN vat_number""")
