"""Keeping the read model from events: upserts that a replay leaves unchanged."""

from sqlalchemy.ext.asyncio import async_sessionmaker

from ardoise.events import (
    CustomerRegistered,
    Event,
    InvoiceIssued,
    MovementRecorded,
    OnlineRefundMade,
    OrderPlaced,
    PaymentSettingsChanged,
    SettlementChanged,
)
from ardoise.inbox import claim_many, first_deliveries
from exports.adapters.orm import inbox
from exports.adapters.repository import ExportsRepository

KEPT = (CustomerRegistered | OrderPlaced | SettlementChanged | PaymentSettingsChanged
        | MovementRecorded | OnlineRefundMade | InvoiceIssued)
"""The events the exports service keeps (its whole message bus): the others are not its
business."""


async def apply_events(sessions: async_sessionmaker, consumer: str, events: list[Event]) -> None:
    """A poll's worth of events, in order, with their inbox rows, in one transaction; an event
    seen before (or twice in the batch) changes nothing."""
    kept = [e for e in events if isinstance(e, KEPT)]
    if not kept:
        return
    async with sessions() as session, session.begin():
        repository = ExportsRepository(session)
        new = await claim_many(session, inbox, consumer, [event.event_id for event in kept])
        # rows written in key order (a stable sort: one key's events stay in the order they
        # came): two batches, of orders and of settlements, never wait on each other in a circle
        for event in first_deliveries(sorted(kept, key=_row_key), new):
            await repository.keep(event)


def _row_key(event: Event) -> tuple[str, str, str]:
    """The read-model row an event writes: its table and primary key."""
    if isinstance(event, CustomerRegistered):
        return ("customers", event.producer_id, event.customer_id)
    if isinstance(event, PaymentSettingsChanged):
        return ("time_zones", event.producer_id, "")
    if isinstance(event, MovementRecorded):
        return ("movements", event.producer_id, str(event.movement_id))
    if isinstance(event, OnlineRefundMade):
        return ("movements", event.producer_id, str(event.refund_id))
    if isinstance(event, InvoiceIssued):
        return ("invoices", event.producer_id, event.number)
    return ("sales", event.producer_id, str(event.order_id))
