"""Pooled connections the database server closed are replaced before anyone uses them."""

import asyncio

import asyncpg
from sqlalchemy import text


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
