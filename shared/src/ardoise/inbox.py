"""Idempotent consumers: an event's effect and its inbox row commit together, once."""

import uuid

from sqlalchemy import Column, DateTime, MetaData, String, Table, func
from sqlalchemy.dialects.postgresql import UUID, insert
from sqlalchemy.ext.asyncio import AsyncSession


def inbox_table(metadata: MetaData) -> Table:
    return Table(
        "inbox",
        metadata,
        Column("consumer", String(100), primary_key=True),
        Column("event_id", UUID(as_uuid=True), primary_key=True),
        Column("processed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


async def claim(session: AsyncSession, table: Table, consumer: str, event_id: uuid.UUID) -> bool:
    """True the first time this consumer sees the event; False for a redelivery.

    A concurrent delivery of the same event waits on the primary key until the first
    transaction ends, then sees the conflict: the effect is applied exactly once.
    """
    statement = (
        insert(table)
        .values(consumer=consumer, event_id=event_id)
        .on_conflict_do_nothing()
        .returning(table.c.event_id)
    )
    return (await session.execute(statement)).scalar_one_or_none() is not None


async def claim_many(
    session: AsyncSession, table: Table, consumer: str, event_ids: list[uuid.UUID]
) -> set[uuid.UUID]:
    """The ids of a batch this consumer sees for the first time (one statement)."""
    if not event_ids:
        return set()
    # executemany form: the statement compiles once and is cached, whatever the batch size
    statement = insert(table).on_conflict_do_nothing().returning(table.c.event_id)
    rows = [{"consumer": consumer, "event_id": event_id} for event_id in event_ids]
    return set((await session.execute(statement, rows)).scalars())
