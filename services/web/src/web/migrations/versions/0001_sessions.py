"""Sign-in links (kept hashed, used once) and sessions of the web pages."""

from alembic import op

revision = "web_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    for statement in (
        """CREATE TABLE web.login_links (
        token_hash varchar(64) PRIMARY KEY,
        role varchar(16) NOT NULL CHECK (role IN ('operator', 'customer')),
        producer_id varchar(64) NOT NULL,
        customer_id varchar(64),
        email varchar(320) NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        CHECK ((role = 'customer') = (customer_id IS NOT NULL))
    )""",
        """CREATE INDEX login_links_expiry ON web.login_links (expires_at)""",
        """CREATE TABLE web.sessions (
        session_hash varchar(64) PRIMARY KEY,
        role varchar(16) NOT NULL CHECK (role IN ('operator', 'customer')),
        producer_id varchar(64) NOT NULL,
        customer_id varchar(64),
        email varchar(320) NOT NULL,
        csrf_token varchar(64) NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL
    )""",
        """CREATE INDEX sessions_expiry ON web.sessions (expires_at)""",
    ):
        op.execute(statement)


def downgrade() -> None:
    raise NotImplementedError("the first migration is not reversible")
