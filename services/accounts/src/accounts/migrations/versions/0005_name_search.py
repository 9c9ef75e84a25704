"""The customers page searches names without accents, case or extra spaces: each account keeps
its name as searched, under a trigram index (pg_trgm, which the provisioning job installs)."""

import logging

from alembic import op
from sqlalchemy import text

from accounts.domain.search import searchable

revision = "accounts_0005"
down_revision = "accounts_0004"
branch_labels = None
depends_on = None
log = logging.getLogger(__name__)


def upgrade() -> None:
    op.execute("ALTER TABLE accounts.accounts "
               "ADD COLUMN IF NOT EXISTS search_name varchar(400) NOT NULL DEFAULT ''")
    bind = op.get_bind()
    rows = bind.execute(text("SELECT producer_id, customer_id, name FROM accounts.accounts "
                             "WHERE search_name = ''")).all()
    for producer_id, customer_id, name in rows:
        bind.execute(text("UPDATE accounts.accounts SET search_name = :s WHERE producer_id = :p "
                          "AND customer_id = :c"),
                     {"s": searchable(name), "p": producer_id, "c": customer_id})
    if not _trigrams(bind):
        log.warning("pg_trgm is not installed: names are searched without an index "
                    "(run the provisioning job as the database's owner to install it)")
        return
    op.execute("CREATE INDEX IF NOT EXISTS accounts_search ON accounts.accounts "
               "USING gin (search_name public.gin_trgm_ops)")


def _trigrams(bind) -> bool:
    """pg_trgm is there, or this role may install it (a database's owner, as in a test)."""
    if bind.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).scalar():
        return True
    savepoint = bind.begin_nested()
    try:
        bind.execute(text("CREATE EXTENSION pg_trgm WITH SCHEMA public"))
    except Exception:  # noqa: BLE001 - not allowed: searched without an index
        savepoint.rollback()
        return False
    savepoint.commit()
    return True


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS accounts.accounts_search")
    op.execute("ALTER TABLE accounts.accounts DROP COLUMN search_name")
