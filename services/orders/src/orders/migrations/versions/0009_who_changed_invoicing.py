"""Who last changed the producer's invoicing settings (PUT …/invoicing), and when (issue
#23); null until an operator does."""

from ardoise.migrations import add_change_columns, drop_change_columns

revision = "orders_0009"
down_revision = "orders_0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_change_columns("orders.invoicing")


def downgrade() -> None:
    drop_change_columns("orders.invoicing")
