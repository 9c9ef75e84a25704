"""Alembic plumbing shared by the services: each migrates only its own schema."""

import asyncio
import functools

import asyncpg
from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine


def alembic_config(service: str, database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", f"{service}:migrations")
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


@functools.cache
def _scripts(service: str):
    """A service's migration scripts, read once: they do not change while a process runs."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(service, "postgresql://"))


def head(service: str) -> str:
    """The revision this code's migrations of a service end at."""
    return _scripts(service).get_current_head()


def is_ready_for(service: str, revision: str | None) -> bool:
    """Whether a schema at `revision` serves this code: at its head, or past it (a revision this
    code does not know comes from a newer image's migrations, as after a rollback of the image;
    those only ever add to the schema)."""
    if revision is None:
        return False
    known = {script.revision for script in _scripts(service).walk_revisions()}
    return revision == head(service) or revision not in known


async def current_revision(schema: str, dsn: str) -> str | None:
    """The revision a schema was migrated to; None when it never was."""
    connection = await asyncpg.connect(dsn, timeout=5)
    try:
        return await connection.fetchval(f'SELECT version_num FROM "{schema}".alembic_version')
    except (asyncpg.UndefinedTableError, asyncpg.InvalidSchemaNameError):
        return None
    finally:
        await connection.close()


async def wait_until_migrated(service: str, dsn: str, timeout_s: float, poll_s: float = 2.0,
                              schema: str | None = None) -> str | None:
    """Wait until the service's schema (`schema`, by default the service's name) serves this
    code (`is_ready_for`); returns the revision it is at in the end, ready or not when
    `timeout_s` ran out."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        try:
            found = await current_revision(schema or service, dsn)
        except (OSError, TimeoutError, asyncpg.PostgresError):
            found = None  # the database, or the service's role, is not there yet
        if is_ready_for(service, found) or asyncio.get_running_loop().time() >= deadline:
            return found
        await asyncio.sleep(poll_s)


def upgrade(service: str, database_url: str, revision: str = "head") -> None:
    """Bring a service's schema to `revision`; safe to run again."""
    command.upgrade(alembic_config(service, database_url), revision)


def run_env(target_metadata: MetaData, schema: str) -> None:
    """The body of every service's migrations/env.py (online mode, asyncpg)."""
    url = context.config.get_main_option("sqlalchemy.url")

    def migrate(connection: Connection) -> None:
        exists = connection.execute(
            text("SELECT 1 FROM information_schema.schemata WHERE schema_name = :s"), {"s": schema}
        ).scalar()
        if not exists:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        connection.execute(text(f'SET search_path TO "{schema}"'))
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            version_table_schema=schema,
            include_schemas=False,
        )
        with context.begin_transaction():
            context.run_migrations()

    async def main() -> None:
        engine = create_async_engine(url)
        try:
            async with engine.begin() as connection:
                await connection.run_sync(migrate)
        finally:
            await engine.dispose()

    asyncio.run(main())


def create_outbox_and_inbox(schema: str) -> None:
    """The plumbing tables every service's first migration creates, as they were then (later
    migrations change them, each with its own DDL)."""
    from alembic import op

    from ardoise.outbox import outbox_trigger_sql

    op.execute(f"""CREATE TABLE {schema}.outbox (
        id bigserial NOT NULL,
        event_id uuid NOT NULL,
        topic varchar(200) NOT NULL,
        key varchar(200) NOT NULL,
        event_type varchar(100) NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (id),
        UNIQUE (event_id))""")
    op.execute(f"""CREATE TABLE {schema}.inbox (
        consumer varchar(100) NOT NULL,
        event_id uuid NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, event_id))""")
    for statement in outbox_trigger_sql(schema):
        op.execute(statement)


def add_outbox_request_id(schema: str) -> None:
    """The outbox's request_id column, on a schema whose outbox was made before it."""
    from alembic import op

    op.execute(f"ALTER TABLE {schema}.outbox ADD COLUMN IF NOT EXISTS request_id varchar(128)")


def drop_outbox_request_id(schema: str) -> None:
    from alembic import op

    op.execute(f"ALTER TABLE {schema}.outbox DROP COLUMN IF EXISTS request_id")


def add_change_columns(table: str) -> None:
    """A settings table's `changed_by` and `changed_at` (issue #23), as they were then:
    nullable, without a default, so added at once whatever the number of rows."""
    from alembic import op

    op.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS changed_by varchar(254), "
               "ADD COLUMN IF NOT EXISTS changed_at timestamp with time zone")


def drop_change_columns(table: str) -> None:
    from alembic import op

    op.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS changed_by, "
               "DROP COLUMN IF EXISTS changed_at")
