"""The producer's operators, people by name: who may sign in to the back office, who was
revoked (their tokens refused by every gateway); links and sessions name the person."""

from alembic import op

revision = "web_0002"
down_revision = "web_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for statement in (
        """CREATE TABLE web.operators (
        producer_id varchar(64) NOT NULL,
        person_id varchar(64) NOT NULL,
        email varchar(320) NOT NULL,
        name varchar(200),
        added_at timestamptz NOT NULL,
        added_by varchar(200) NOT NULL,
        revoked_at timestamptz,
        revoked_by varchar(200),
        PRIMARY KEY (producer_id, person_id),
        CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
    )""",
        """CREATE UNIQUE INDEX operators_one_active_per_address
        ON web.operators (producer_id, lower(email)) WHERE revoked_at IS NULL""",
        """CREATE INDEX operators_revoked ON web.operators (revoked_at)
        WHERE revoked_at IS NOT NULL""",
        "ALTER TABLE web.login_links ADD COLUMN person_id varchar(64)",
        "ALTER TABLE web.sessions ADD COLUMN person_id varchar(64)",
    ):
        op.execute(statement)


def downgrade() -> None:
    op.execute("ALTER TABLE web.sessions DROP COLUMN person_id")
    op.execute("ALTER TABLE web.login_links DROP COLUMN person_id")
    op.execute("DROP TABLE web.operators")
