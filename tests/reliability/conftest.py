"""The reliability tier's producers track payments, as the product page has them do first; the
journal is read and verified through its own role, leaving nothing in its technical log."""

import uuid
from collections import Counter
from dataclasses import dataclass

import pytest
from sqlalchemy import text

from ardoise.db import make_engine, make_sessionmaker
from ardoise_tools.testing.tracking import turn_tracking_on
from journal.adapters.orm import SCHEMA
from journal.service_layer.verification import verify_producer

ENTRIES = text("SELECT seq, kind, source, content FROM journal.entries"
               " WHERE producer_id = :producer_id ORDER BY seq")
COUNT = text("SELECT count(*) FROM journal.entries WHERE producer_id = :producer_id"
             " AND kind = :kind")


@pytest.fixture
def producer_id(system) -> str:
    producer = f"p-{uuid.uuid4().hex[:12]}"
    turn_tracking_on(system.urls, system.env["ARDOISE_JWT_SECRET"], producer)
    return producer


@dataclass
class JournalFound:
    """One producer's journal as it stands: its entries in seq order, its chains verified."""

    entries: list[dict]
    report: dict

    @property
    def valid(self) -> bool:
        return self.report["valid"]

    def gapless(self) -> bool:
        return [entry["seq"] for entry in self.entries] == list(range(1, len(self.entries) + 1))

    def kinds(self) -> Counter:
        return Counter(entry["kind"] for entry in self.entries)

    def of_kind(self, kind: str) -> list[dict]:
        return [entry["content"] for entry in self.entries if entry["kind"] == kind]


class JournalReader:
    """The journal's tables read as its service reads them; `found` recomputes every chain with
    the service's own verification (log=False: checking from here records nothing)."""

    def __init__(self, sessions) -> None:
        self.sessions = sessions

    async def count(self, producer_id: str, kind: str) -> int:
        async with self.sessions() as session:
            found = await session.execute(COUNT, {"producer_id": producer_id, "kind": kind})
            return found.scalar_one()

    async def found(self, producer_id: str) -> JournalFound:
        async with self.sessions() as session:
            rows = await session.execute(ENTRIES, {"producer_id": producer_id})
            entries = [dict(row._mapping) for row in rows]
        return JournalFound(entries, await verify_producer(self.sessions, producer_id, log=False))


@pytest.fixture
async def journal(system):
    engine = make_engine(system.env["JOURNAL_DATABASE_URL"], SCHEMA, pool_size=2)
    yield JournalReader(make_sessionmaker(engine))
    await engine.dispose()
