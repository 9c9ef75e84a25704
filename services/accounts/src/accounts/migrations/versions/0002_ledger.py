"""The ledger: accounts, movements, order positions, holds, idempotency keys."""

from alembic import op

from accounts.adapters.orm import accounts, holds, idempotency_keys, movements, order_positions

revision = "accounts_0002"
down_revision = "accounts_0001"
branch_labels = None
depends_on = None

TABLES = (accounts, movements, order_positions, holds, idempotency_keys)


def upgrade() -> None:
    bind = op.get_bind()
    for table in TABLES:
        table.create(bind)


def downgrade() -> None:
    bind = op.get_bind()
    for table in reversed(TABLES):
        table.drop(bind)
