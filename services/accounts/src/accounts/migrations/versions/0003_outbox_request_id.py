"""The outbox keeps the request that caused each event, for the relay to pass it on."""

from ardoise.migrations import add_outbox_request_id, drop_outbox_request_id

revision = "accounts_0003"
down_revision = "accounts_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_outbox_request_id("accounts")


def downgrade() -> None:
    drop_outbox_request_id("accounts")
