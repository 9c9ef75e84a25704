"""Who did it (issue #23): who recorded each order's settlement and each top-up or debit (as
their events say; null: the system, or told before), who last changed the weekly e-mail's
settings and when, who asked for each week's last sending (null: the Monday timer), and a log
of every export asked for: which, when, by whom."""

from alembic import op

from ardoise.migrations import add_change_columns, drop_change_columns

revision = "exports_0010"
down_revision = "exports_0009"
branch_labels = None
depends_on = None

AUTHORS = (("sales", "recorded_by"), ("movements", "recorded_by"),
           ("weekly_emails", "asked_by"))


def upgrade() -> None:
    for table, column in AUTHORS:
        op.execute(f"ALTER TABLE exports.{table} ADD COLUMN IF NOT EXISTS {column} varchar(254)")
    add_change_columns("exports.producers")
    op.execute("""
        CREATE TABLE IF NOT EXISTS exports.export_requests (
            request_id uuid PRIMARY KEY,
            producer_id varchar(64) NOT NULL,
            kind varchar(40) NOT NULL,
            asked_by varchar(254),
            asked_at timestamp with time zone NOT NULL,
            detail jsonb NOT NULL DEFAULT '{}'::jsonb)""")
    op.execute("CREATE INDEX IF NOT EXISTS export_requests_by_time "
               "ON exports.export_requests (producer_id, asked_at)")


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS exports.export_requests")
    drop_change_columns("exports.producers")
    for table, column in AUTHORS:
        op.execute(f"ALTER TABLE exports.{table} DROP COLUMN IF EXISTS {column}")
