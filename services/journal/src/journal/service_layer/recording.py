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
from ardoise.inbox import claim_many, first_deliveries
from journal.adapters.chains import ENTRIES, EVENTS
from journal.adapters.orm import inbox
from journal.adapters.repository import JournalRepository
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
    """One transaction for the batch, in a handful of statements however many producers and
    entries: what the journal must know kept as it comes; each producer's entries worked out in
    memory in the order their events came; then every chain's head locked (in order of the
    producers' ids: two batches never wait on each other in a circle), the entries already
    recorded left out, the others numbered, chained and written at once."""
    kept = [event for event in events if isinstance(event, KEPT)]
    if not kept:
        return
    async with sessions() as session, session.begin():
        new = await claim_many(session, inbox, consumer, [event.event_id for event in kept])
        fresh = first_deliveries(kept, new)
        repository = JournalRepository(session)
        orders = await repository.orders_of(sorted({
            (event.producer_id, event.order_id) for event in fresh if hasattr(event, "order_id")}))
        changed: set = set()
        found: dict[str, list[NewEntry]] = defaultdict(list)
        for event in fresh:
            if not await _know(repository, event, orders, changed):
                found[event.producer_id] += _entries_of(event, orders, changed)
        if found:
            await _chain(repository, found)
        await repository.save_orders({key: orders[key] for key in sorted(changed)})


async def _know(repository: JournalRepository, event: Event, orders: dict,
                changed: set) -> bool:
    """Keep what the event tells the journal to know; False for an event that makes entries."""
    producer_id = event.producer_id
    if isinstance(event, CustomerRegistered):
        await repository.save_customer(producer_id, event.customer_id, event.name)
    elif isinstance(event, PaymentSettingsChanged):
        await repository.save_settings(producer_id, time_zone=event.time_zone)
    elif isinstance(event, InvoicingChanged):
        await repository.save_settings(
            producer_id, siren="".join(event.siret.split())[:9] if event.siret else None,
            legal_name=event.legal_name, vat_regime=event.vat_regime)
    elif isinstance(event, OrderPlaced):
        key = (producer_id, event.order_id)
        if key not in orders:
            orders[key] = OrderState(event.customer_id, online_payment=event.online_payment)
            changed.add(key)
    else:
        return False
    return True


def _entries_of(event: Event, orders: dict, changed: set) -> list[NewEntry]:
    if isinstance(event, MovementRecorded):
        return [entries.movement_entry(event)]
    key = (event.producer_id, event.order_id)
    if isinstance(event, SettlementChanged):
        found, state = entries.settlement_entries(event, orders.get(key))
        if state is not None:
            orders[key] = state
            changed.add(key)
        return found
    assert isinstance(event, InvoiceIssued)
    order = orders.get(key)
    return [entries.invoice_entry(event, None, order.online_payment if order else False,
                                  list(order.received) if order else [])]


async def _chain(repository: JournalRepository, found: dict[str, list[NewEntry]]) -> None:
    """Each entry whose source is not recorded yet, numbered and chained after its producer's
    head. Its day is its own, in the producer's time zone, or the first open day when its own
    is closed; and never before the day of the entry before it, so that a period's entries are
    one run of the chain. A facture d'avoir names the entry of the invoice it corrects."""
    producers = sorted(found)
    heads = await repository.lock_heads(producers, ENTRIES)
    settings = await repository.settings_many(producers)
    wanted = {(p, e.source) for p in producers for e in found[p]} | {
        (p, f"invoice:{e.content['corrects']}") for p in producers for e in found[p]
        if e.content.get("corrects")}
    known = await repository.recorded_among(wanted)
    last_days = await repository.entry_days(
        [(p, heads[p].last_seq) for p in producers if heads[p].last_seq])
    rows, at = [], now()
    for producer_id in producers:
        head, zone = heads[producer_id], settings[producer_id].time_zone
        last_day = last_days.get(producer_id)
        for entry in found[producer_id]:
            if (producer_id, entry.source) in known:
                continue
            day = entries.recording_day(local_date(entry.occurred_at, zone), head.closed_through)
            last_day = day = max(day, last_day) if last_day else day
            content = entry.content
            if content.get("corrects"):
                content = {**content, "corrects_seq": known.get(
                    (producer_id, f"invoice:{content['corrects']}"))}
            rows.append(repository.next_record(head, {
                "kind": entry.kind, "occurred_at": entry.occurred_at, "recorded_at": at,
                "day": day, "source": entry.source, "content": content}))
            known[(producer_id, entry.source)] = head.last_seq
    await repository.write_entries(rows, [heads[p] for p in producers])


async def log_technical(session: AsyncSession, producer_id: str, kind: str,
                        content: dict) -> dict:
    """A record of the technical log (closings, exports, archives, verifications, migrations),
    chained like the entries, in the caller's transaction."""
    repository = JournalRepository(session)
    head = await repository.lock_head(producer_id, EVENTS)
    return await repository.append(head, {"at": now(), "kind": kind, "content": content})
