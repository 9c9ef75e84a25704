"""The exports read model, producer mailing settings and the record of weekly e-mails."""

from alembic import op

from exports.adapters.orm import customers, producers, sales, weekly_emails

revision = "exports_0002"
down_revision = "exports_0001"
branch_labels = None
depends_on = None

TABLES = (customers, sales, producers, weekly_emails)


def upgrade() -> None:
    for table in TABLES:
        table.create(op.get_bind())


def downgrade() -> None:
    for table in reversed(TABLES):
        table.drop(op.get_bind())
