"""The deployment's own records in the technical log: the migrations applied to the journal."""

from sqlalchemy import text
from sqlalchemy.ext.asyncio import async_sessionmaker

from journal.adapters.chains import DEPLOYMENT, EVENTS
from journal.adapters.repository import JournalRepository
from journal.service_layer.recording import log_technical


async def record_migrations(sessions: async_sessionmaker) -> bool:
    """The schema's revision, recorded when it is not the last one recorded (at a worker's
    start after `ardoise migrate journal`): True when it recorded one."""
    async with sessions() as session, session.begin():
        revision = (await session.execute(
            text("SELECT version_num FROM journal.alembic_version"))).scalar_one_or_none()
        repository = JournalRepository(session)
        head = await repository.lock_head(DEPLOYMENT, EVENTS)
        if head.last_seq:
            last = [r async for r in repository.records(DEPLOYMENT, EVENTS, head.last_seq)]
            if last and last[0]["content"].get("revision") == revision:
                return False
        await log_technical(session, DEPLOYMENT, "migration", {"revision": revision})
    return True
