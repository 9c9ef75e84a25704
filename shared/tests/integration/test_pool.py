"""Pooled connections the database server closed are replaced before anyone uses them."""

import asyncio

import asyncpg
from sqlalchemy import text

from ardoise.db import make_read_sessionmaker


async def test_connections_the_server_closed_are_replaced_as_they_leave_the_pool(plumbing):
    sessions = [plumbing.sessions() for _ in range(3)]
    pids = set()
    for session in sessions:  # three connections in the pool, all checked out at once
        pids.add((await session.execute(text("SELECT pg_backend_pid()"))).scalar_one())
    for session in sessions:
        await session.close()
    admin = await asyncpg.connect(plumbing.dsn)
    try:  # what a restart does to every open connection
        await admin.execute("SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid",
                            list(pids))
    finally:
        await admin.close()
    await asyncio.sleep(0.2)  # the client reads the server's goodbye
    for _ in range(3):
        async with plumbing.sessions() as session:
            pid = (await session.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        assert pid not in pids, "a connection the server had closed was handed out"


async def _now_twice(session) -> tuple:
    first = (await session.execute(text("SELECT now()"))).scalar_one()
    await asyncio.sleep(0.01)
    return first, (await session.execute(text("SELECT now()"))).scalar_one()


async def test_read_sessions_run_each_statement_outside_a_transaction(plumbing):
    reads = make_read_sessionmaker(plumbing.engine)
    async with reads() as session:
        first, second = await _now_twice(session)  # now() is when the transaction began
        driver = (await (await session.connection()).get_raw_connection()).driver_connection
        assert not driver.is_in_transaction()
    assert first != second, "a read session wrapped its statements in a transaction"
    async with plumbing.sessions() as session:  # the same pooled connection, in a transaction again
        first, second = await _now_twice(session)
    assert first == second
