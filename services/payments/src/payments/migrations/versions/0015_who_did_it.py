"""Who did it (issue #23): who recorded each settlement (its current version), issued each
credit note, asked for each refund, recorded each top-up or debit by hand, and who last changed
the payment settings, and when. Null: the system (SumUp's confirmation, a checkout), or before
this was kept. Nullable columns without a default: added at once, whatever the number of rows."""

from alembic import op

from ardoise.migrations import add_change_columns, drop_change_columns

revision = "payments_0015"
down_revision = "payments_0014"
branch_labels = None
depends_on = None

AUTHORS = (("settlements", "recorded_by"), ("credit_notes", "issued_by"),
           ("refunds", "requested_by"), ("money_movements", "recorded_by"))


def upgrade() -> None:
    for table, column in AUTHORS:
        op.execute(f"ALTER TABLE payments.{table} ADD COLUMN IF NOT EXISTS {column} varchar(254)")
    add_change_columns("payments.settings")


def downgrade() -> None:
    drop_change_columns("payments.settings")
    for table, column in AUTHORS:
        op.execute(f"ALTER TABLE payments.{table} DROP COLUMN IF EXISTS {column}")
