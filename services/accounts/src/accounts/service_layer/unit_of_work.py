"""The accounts unit of work: one transaction, its outbox events, its inbox claims."""

import uuid
from typing import Self

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from accounts.adapters import orm
from accounts.adapters.repository import AccountRepository
from ardoise.events import Event
from ardoise.inbox import claim, claim_many
from ardoise.outbox import write_events


class SqlAlchemyUnitOfWork:
    """`async with uow:` opens a transaction; `commit()` writes the queued events with it."""

    def __init__(self, sessions: async_sessionmaker) -> None:
        self._sessions = sessions
        self.session: AsyncSession
        self.accounts: AccountRepository
        self._events: list[Event] = []

    async def __aenter__(self) -> Self:
        self.session = self._sessions()
        await self.session.begin()
        self.accounts = AccountRepository(self.session)
        self._events = []
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.session.rollback()
        await self.session.close()

    def publish(self, *events: Event) -> None:
        self._events.extend(events)

    async def commit(self) -> None:
        await write_events(self.session, orm.outbox, self._events)
        await self.session.commit()
        self._events = []

    async def claim(self, consumer: str, event_id: uuid.UUID) -> bool:
        return await claim(self.session, orm.inbox, consumer, event_id)

    async def claim_many(self, consumer: str, event_ids: list[uuid.UUID]) -> set[uuid.UUID]:
        return await claim_many(self.session, orm.inbox, consumer, event_ids)

    async def remembered_response(self, producer_id: str, key: str) -> tuple[str, dict] | None:
        table = orm.idempotency_keys
        row = (await self.session.execute(
            select(table.c.fingerprint, table.c.response)
            .where(table.c.producer_id == producer_id, table.c.key == key)
        )).first()
        return (row.fingerprint, row.response) if row else None

    async def remember_response(self, producer_id: str, key: str, fingerprint: str,
                                response: dict) -> None:
        await self.session.execute(insert(orm.idempotency_keys).values(
            producer_id=producer_id, key=key, fingerprint=fingerprint, response=response))
