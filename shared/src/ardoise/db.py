"""Database engine and session factory for one service's own schema."""

from sqlalchemy import MetaData, select
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)


def make_engine(database_url: str, schema: str, pool_size: int = 10,
                pre_ping: bool = True) -> AsyncEngine:
    """An engine whose connections look only in the service's own schema.

    `pre_ping` tests each connection as it leaves the pool (two round trips: BEGIN, ROLLBACK),
    so a request after a database restart does not fail. A worker can do without: its failed
    transaction is retried, the pool having dropped the dead connections on the first error.
    """
    return create_async_engine(
        database_url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=pre_ping,
        connect_args={"server_settings": {"search_path": schema, "application_name": schema}},
    )


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker:
    return async_sessionmaker(engine, expire_on_commit=False)


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
