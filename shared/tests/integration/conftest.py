"""A throwaway schema with an outbox and an inbox, and a probe event on a test topic."""

import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
from sqlalchemy import BigInteger, Column, MetaData, String, Table

from ardoise.db import make_engine, make_sessionmaker
from ardoise.events import Event
from ardoise.inbox import inbox_table
from ardoise.outbox import outbox_table, outbox_trigger_sql
from ardoise_tools.devservers.broker import create_topics

PROBE_TOPIC = "ardoise.test.probe.v1"


class ProbeRecorded(Event):
    """A test event: something numbered happened to a probe."""

    topic = PROBE_TOPIC
    number: int

    @property
    def key(self) -> str:
        return self.producer_id


class PlumbingSchema:
    def __init__(self, admin_url: str, name: str) -> None:
        self.name = name
        self.dsn = admin_url
        self.metadata = MetaData(schema=name)
        self.outbox = outbox_table(self.metadata)
        self.inbox = inbox_table(self.metadata)
        self.effects = Table(
            "effects", self.metadata,
            Column("producer_id", String(64), primary_key=True),
            Column("applied", BigInteger, nullable=False),
        )
        self.engine = make_engine(admin_url.replace("postgresql://", "postgresql+asyncpg://"), name)
        self.sessions = make_sessionmaker(self.engine)


@pytest.fixture
async def plumbing(servers) -> AsyncIterator[PlumbingSchema]:
    admin_url = servers["ARDOISE_ADMIN_DATABASE_URL"]
    name = f"plumbing_{uuid.uuid4().hex[:10]}"
    connection = await asyncpg.connect(admin_url)
    await connection.execute(f"CREATE SCHEMA {name}")
    schema = PlumbingSchema(admin_url, name)
    async with schema.engine.begin() as conn:
        await conn.run_sync(schema.metadata.create_all)
    for statement in outbox_trigger_sql(name):
        await connection.execute(statement)
    await create_topics(servers["KAFKA_BOOTSTRAP"], (PROBE_TOPIC,))
    yield schema
    await schema.engine.dispose()
    await connection.execute(f"DROP SCHEMA {name} CASCADE")
    await connection.close()
