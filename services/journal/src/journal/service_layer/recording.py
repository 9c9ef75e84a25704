"""Recording events into the journal: a poll's worth at a time, each producer's under its
chain's lock, every entry once."""

from collections import defaultdict
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ardoise.events import (
    CustomerRegistered,
    Event,
    InvoiceIssued,
    InvoicingChanged,
    MovementRecorded,
    OrderPlaced,
    PaymentSettingsChanged,
    SettlementChanged,
)
from ardoise.inbox import claim_many
from journal.adapters.orm import inbox
from journal.adapters.repository import ENTRIES, EVENTS, Head, JournalRepository
from journal.domain import entries
from journal.domain.entries import NewEntry, OrderState
from journal.domain.periods import local_date

KEPT = (InvoiceIssued | SettlementChanged | MovementRecorded | OrderPlaced | CustomerRegistered
        | PaymentSettingsChanged | InvoicingChanged)
"""The events the journal hears: the first three make entries, the others what it must know
(an order's channel, a customer's name, the producer's time zone, SIREN and VAT regime)."""


def now() -> datetime:
    return datetime.now(UTC)


async def record_events(sessions: async_sessionmaker, consumer: str, events: list[Event]) -> None:
    """One transaction for the batch; producers taken in order of their id (two batches never
    wait on each other's chains in a circle), each producer's events in the order they came."""
    kept = [event for event in events if isinstance(event, KEPT)]
    if not kept:
        return
    async with sessions() as session, session.begin():
        new = await claim_many(session, inbox, consumer, [event.event_id for event in kept])
        by_producer: dict[str, list[Event]] = defaultdict(list)
        for event in kept:
            if event.event_id in new:
                new.discard(event.event_id)
                by_producer[event.producer_id].append(event)
        for producer_id in sorted(by_producer):
            await _record_producer(session, producer_id, by_producer[producer_id])


async def _record_producer(session: AsyncSession, producer_id: str, events: list[Event]) -> None:
    repository = JournalRepository(session)
    head: Head | None = None
    for event in events:
        if isinstance(event, CustomerRegistered):
            await repository.save_customer(producer_id, event.customer_id, event.name)
        elif isinstance(event, PaymentSettingsChanged):
            await repository.save_settings(producer_id, time_zone=event.time_zone)
        elif isinstance(event, InvoicingChanged):
            await repository.save_settings(
                producer_id, siren="".join(event.siret.split())[:9] if event.siret else None,
                legal_name=event.legal_name, vat_regime=event.vat_regime)
        elif isinstance(event, OrderPlaced):
            known = await repository.order(producer_id, event.order_id)
            if known is None:
                await repository.save_order(producer_id, event.order_id, OrderState(
                    event.customer_id, online_payment=event.online_payment))
        else:
            head = head or await repository.lock_head(producer_id, ENTRIES)
            for entry in await _entries_of(repository, event):
                await record(repository, head, entry)


async def _entries_of(repository: JournalRepository, event: Event) -> list[NewEntry]:
    producer_id = event.producer_id
    if isinstance(event, MovementRecorded):
        return [entries.movement_entry(event)]
    if isinstance(event, SettlementChanged):
        known = await repository.order(producer_id, event.order_id)
        found, state = entries.settlement_entries(event, known)
        if state is not None:
            await repository.save_order(producer_id, event.order_id, state)
        return found
    assert isinstance(event, InvoiceIssued)
    order = await repository.order(producer_id, event.order_id)
    corrects = (await repository.recorded(producer_id, f"invoice:{event.corrects}")
                if event.corrects else None)
    return [entries.invoice_entry(event, corrects, order.online_payment if order else False,
                                  list(order.received) if order else [])]


async def record(repository: JournalRepository, head: Head, entry: NewEntry) -> dict | None:
    """Chain the entry unless its source is already recorded. Its day is its own, in the
    producer's time zone, or the first open day when its own is closed; and never before the
    day of the entry before it, so that a period's entries are one run of the chain."""
    if await repository.recorded(head.producer_id, entry.source) is not None:
        return None
    settings = await repository.settings(head.producer_id)
    day = entries.recording_day(local_date(entry.occurred_at, settings.time_zone),
                                head.closed_through)
    if head.last_seq:
        last_day = await repository.entry_day(head.producer_id, head.last_seq)
        day = max(day, last_day) if last_day else day
    return await repository.append_entry(head, entry, day, now())


async def log_technical(session: AsyncSession, producer_id: str, kind: str,
                        content: dict) -> dict:
    """A record of the technical log (closings, exports, archives, verifications, migrations),
    chained like the entries, in the caller's transaction."""
    repository = JournalRepository(session)
    head = await repository.lock_head(producer_id, EVENTS)
    return await repository.append(head, {"at": now(), "kind": kind, "content": content})
