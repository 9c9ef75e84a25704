"""The outbox keeps the request that caused each event, for the relay to pass it on."""

from ardoise.migrations import add_outbox_request_id, drop_outbox_request_id

revision = "exports_0003"
down_revision = "exports_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_outbox_request_id("exports")


def downgrade() -> None:
    drop_outbox_request_id("exports")
