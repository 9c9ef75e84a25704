"""Checkouts opened for orders paid online, one per payment attempt."""

from alembic import op

from payments.adapters.orm import checkouts

revision = "payments_0003"
down_revision = "payments_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    checkouts.create(op.get_bind())


def downgrade() -> None:
    checkouts.drop(op.get_bind())
