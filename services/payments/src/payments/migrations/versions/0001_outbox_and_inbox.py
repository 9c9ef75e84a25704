"""The payments schema's outbox and inbox."""

from ardoise.migrations import create_outbox_and_inbox

revision = "payments_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_outbox_and_inbox("payments")


def downgrade() -> None:
    raise NotImplementedError("the first migration is not reversible")
