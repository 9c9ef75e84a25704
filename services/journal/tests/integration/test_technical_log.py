"""The deployment's technical log: the journal schema's revision, recorded once per revision."""

from sqlalchemy import text

from ardoise.migrations import head
from journal.adapters.chains import DEPLOYMENT, EVENTS
from journal.adapters.repository import JournalRepository
from journal.service_layer.technical import record_migrations


async def test_the_revision_applied_is_recorded_once(sessions):
    await record_migrations(sessions)  # whatever an earlier run or a worker left
    assert await record_migrations(sessions) is False
    async with sessions() as session:
        repository = JournalRepository(session)
        last = (await repository.head(DEPLOYMENT, EVENTS)).last_seq
        records = [r async for r in repository.records(DEPLOYMENT, EVENTS, last)]
        revision = (await session.execute(
            text("SELECT version_num FROM journal.alembic_version"))).scalar_one()
    assert records[0]["kind"] == "migration"
    assert records[0]["content"]["revision"] == revision == head("journal")
