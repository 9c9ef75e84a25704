"""Database engine and session factory for one service's own schema."""

from sqlalchemy import Column, DateTime, MetaData, String, Table, event, exc, select
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from ardoise.changes import ACTOR_LENGTH, Change


def plain_dsn(database_url: str) -> str:
    """A database URL without SQLAlchemy's driver suffix, for asyncpg itself (and libpq tools)."""
    return database_url.replace("+asyncpg", "")


def make_engine(database_url: str, schema: str, pool_size: int = 10,
                pool_timeout_s: float = 30.0) -> AsyncEngine:
    """An engine whose connections look only in the service's own schema.

    A pooled connection the server closed (a restart, an administrator) is replaced as it
    leaves the pool, without a round trip: SQLAlchemy's pre-ping would cost three (BEGIN,
    a query, ROLLBACK) on every transaction of the saga's path.
    """
    engine = create_async_engine(
        database_url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_timeout=pool_timeout_s,
        connect_args={"server_settings": {"search_path": schema, "application_name": schema}},
    )
    event.listen(engine.sync_engine, "checkout", _drop_if_closed)
    return engine


def _drop_if_closed(dbapi_connection, _record, _proxy) -> None:
    """The pool reconnects a connection this raises for, then checks the new one too."""
    if dbapi_connection.driver_connection.is_closed():
        raise exc.DisconnectionError("the database server closed this connection")


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker:
    return async_sessionmaker(engine, expire_on_commit=False)


def make_read_sessionmaker(engine: AsyncEngine) -> async_sessionmaker:
    """Sessions for pages that only read: each statement runs on its own, without the BEGIN and
    ROLLBACK around it (two of a one-query page's three round trips). In READ COMMITTED every
    statement sees its own snapshot, in a transaction or not, so a page reads the same data.
    Never write through them: each statement would commit on its own."""
    return async_sessionmaker(engine.execution_options(isolation_level="AUTOCOMMIT"),
                              expire_on_commit=False)


def change_columns() -> tuple[Column, Column]:
    """A settings table's `changed_by` and `changed_at`: who last changed the settings, and
    when (`ardoise.changes.Change`; null: no one since issue #23)."""
    return (Column("changed_by", String(ACTOR_LENGTH)),
            Column("changed_at", DateTime(timezone=True)))


async def last_change(session: AsyncSession, table: Table, producer_id: str,
                      at: str = "changed_at") -> Change:
    """Who last changed a producer's settings row, and when (its `at` column: `changed_at`, or
    a table's own `updated_at`); no one while the producer has no row."""
    row = (await session.execute(select(table.c.changed_by, table.c[at])
                                 .where(table.c.producer_id == producer_id))).first()
    return Change() if row is None else Change(*row)


def schema_metadata(schema: str) -> MetaData:
    """Metadata for a service's tables, all in its schema."""
    return MetaData(schema=schema)


async def driver_connection(session: AsyncSession):
    """The session's own asyncpg connection, inside the session's transaction: for batches sent
    as arrays (unnest) or COPY, one round trip each whatever their size."""
    connection = await session.connection()
    driver = (await connection.get_raw_connection()).driver_connection
    if not driver.is_in_transaction():
        await connection.execute(select(1))  # SQLAlchemy begins its transaction lazily
    return driver
