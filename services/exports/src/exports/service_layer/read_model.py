"""Keeping the read model from events: upserts that a replay leaves unchanged."""

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ardoise.events import (
    CustomerRegistered,
    Event,
    OrderPlaced,
    PaymentSettingsChanged,
    SettlementChanged,
)
from ardoise.inbox import claim_many
from exports.adapters.orm import customers, inbox, sales, time_zones
from exports.adapters.workbooks import cell_text

KEPT = CustomerRegistered | OrderPlaced | SettlementChanged | PaymentSettingsChanged


async def apply_events(sessions: async_sessionmaker, consumer: str, events: list[Event]) -> None:
    """A poll's worth of events, in order, with their inbox rows, in one transaction; an event
    seen before (or twice in the batch) changes nothing."""
    kept = [e for e in events if isinstance(e, KEPT)]
    if not kept:
        return
    async with sessions() as session, session.begin():
        new = await claim_many(session, inbox, consumer, [event.event_id for event in kept])
        # rows written in key order (a stable sort: one key's events stay in the order they
        # came): two batches, of orders and of settlements, never wait on each other in a circle
        for event in sorted(kept, key=_row_key):
            if event.event_id in new:
                new.remove(event.event_id)
                await _apply(session, event)


def _row_key(event: Event) -> tuple[str, str, str]:
    """The read-model row an event writes: its table and primary key."""
    if isinstance(event, CustomerRegistered):
        return ("customers", event.producer_id, event.customer_id)
    if isinstance(event, PaymentSettingsChanged):
        return ("time_zones", event.producer_id, "")
    return ("sales", event.producer_id, str(event.order_id))


async def _apply(session: AsyncSession, event: Event) -> None:
    match event:
        case CustomerRegistered():
            statement = insert(customers).values(producer_id=event.producer_id,
                                                 customer_id=event.customer_id,
                                                 name=cell_text(event.name))
            await session.execute(statement.on_conflict_do_update(
                index_elements=[customers.c.producer_id, customers.c.customer_id],
                set_={"name": statement.excluded.name}))
        case PaymentSettingsChanged():
            statement = insert(time_zones).values(producer_id=event.producer_id,
                                                  time_zone=event.time_zone)
            await session.execute(statement.on_conflict_do_update(
                index_elements=[time_zones.c.producer_id],
                set_={"time_zone": statement.excluded.time_zone}))
        case OrderPlaced():
            await session.execute(insert(sales).values(
                producer_id=event.producer_id, order_id=event.order_id,
                customer_id=event.customer_id, delivery_date=event.delivery_date,
                total_cents=event.total_cents,
            ).on_conflict_do_nothing())
        case SettlementChanged():
            values = {
                "customer_id": event.customer_id, "delivery_date": event.delivery_date,
                "total_cents": event.total_cents, "mode": event.mode,
                "amount_paid_cents": event.amount_paid_cents, "received": event.received,
                "credit_note_cents": event.credit_note_cents,
                "settlement_version": event.version,
            }
            statement = insert(sales).values(producer_id=event.producer_id,
                                             order_id=event.order_id, **values)
            await session.execute(statement.on_conflict_do_update(
                index_elements=[sales.c.producer_id, sales.c.order_id],
                set_={k: statement.excluded[k] for k in values},
                # an older version arriving late never overwrites a newer one
                where=sales.c.settlement_version < statement.excluded.settlement_version,
            ))
