"""The journal schema's outbox and inbox."""

from ardoise.migrations import add_outbox_request_id, create_outbox_and_inbox

revision = "journal_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_outbox_and_inbox("journal")
    add_outbox_request_id("journal")


def downgrade() -> None:
    raise NotImplementedError("the first migration is not reversible")
