"""A plain unit of work: one transaction, the events it queued, its inbox claims."""

import uuid
from typing import Protocol, Self

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ardoise.events import Event
from ardoise.inbox import claim, claim_many
from ardoise.outbox import write_events


class UnitOfWorkPort(Protocol):
    """What a handler asks of a unit of work, whatever stands behind it (PostgreSQL, or a test's
    memory): a transaction, the events it queues, the inbox claims made in it."""

    async def __aenter__(self) -> Self: ...

    async def __aexit__(self, *exc_info: object) -> None: ...

    def publish(self, *events: Event) -> None: ...

    async def commit(self) -> None: ...

    async def claim(self, consumer: str, event_id: uuid.UUID) -> bool: ...

    async def claim_many(self, consumer: str,
                         event_ids: list[uuid.UUID]) -> set[uuid.UUID]: ...


class UnitOfWork:
    """`async with uow:` opens a transaction; `commit()` writes the queued events with it."""

    def __init__(self, sessions: async_sessionmaker, outbox: Table, inbox: Table) -> None:
        self._sessions, self._outbox, self._inbox = sessions, outbox, inbox
        self.session: AsyncSession
        self._events: list[Event] = []

    async def __aenter__(self) -> Self:
        self.session = self._sessions()
        await self.session.begin()
        self._events = []
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.session.rollback()
        await self.session.close()

    def publish(self, *events: Event) -> None:
        self._events.extend(events)

    async def commit(self) -> None:
        await write_events(self.session, self._outbox, self._events)
        await self.session.commit()
        self._events = []

    async def claim(self, consumer: str, event_id: uuid.UUID) -> bool:
        return await claim(self.session, self._inbox, consumer, event_id)

    async def claim_many(self, consumer: str, event_ids: list[uuid.UUID]) -> set[uuid.UUID]:
        return await claim_many(self.session, self._inbox, consumer, event_ids)
