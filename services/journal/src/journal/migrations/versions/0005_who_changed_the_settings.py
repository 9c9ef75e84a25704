"""Who last changed the journal's settings (PUT …/journal/settings), and when (issue #23);
null until an operator does (what the events tell the journal is not a change by anyone)."""

from ardoise.migrations import add_change_columns, drop_change_columns

revision = "journal_0005"
down_revision = "journal_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_change_columns("journal.settings")


def downgrade() -> None:
    drop_change_columns("journal.settings")
