"""Idempotent consumers: an event's effect and its inbox row commit together, once."""

import uuid
from collections.abc import Iterable
from typing import TypeVar

from sqlalchemy import Column, DateTime, MetaData, String, Table, func, text
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
    # one array parameter: the same statement and one round trip whatever the batch size
    statement = text(f"INSERT INTO {table.fullname} (consumer, event_id)"
                     " SELECT :consumer, unnest(CAST(:ids AS uuid[]))"
                     " ON CONFLICT DO NOTHING RETURNING event_id")
    result = await session.execute(statement, {"consumer": consumer, "ids": list(event_ids)})
    return set(result.scalars())


E = TypeVar("E")


def first_deliveries(events: Iterable[E], claimed: set[uuid.UUID]) -> list[E]:
    """The events of a batch whose ids were just claimed (`claim_many`), in the order given, each
    once: an event delivered twice in one batch is applied once."""
    left, first = set(claimed), []
    for event in events:
        if event.event_id in left:  # type: ignore[attr-defined]
            left.discard(event.event_id)  # type: ignore[attr-defined]
            first.append(event)
    return first
