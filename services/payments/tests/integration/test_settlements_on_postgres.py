"""Settlements on the real PostgreSQL: concurrent writers get distinct versions and consecutive
credit note numbers; a refused request leaves no row and no event."""

import asyncio
import uuid
from datetime import date

import pytest
from sqlalchemy import func, select

from ardoise.errors import Conflict, NotFound
from payments.adapters.orm import credit_notes, outbox, settlements
from payments.domain.settlement import KnownOrder
from payments.service_layer import handlers


def an_order(total_cents: int = 2000, day: date = date(2026, 11, 25)) -> KnownOrder:
    return KnownOrder(uuid.uuid4(), "c1", total_cents, day)


async def remembered(new_uow, producer_id: str, *orders: KnownOrder) -> list[uuid.UUID]:
    async with new_uow() as uow:
        for order in orders:
            await uow.payments.remember_order(producer_id, order)
        await uow.commit()
    return [order.order_id for order in orders]


async def nowhere(producer_id, order_id):
    return None


async def events_of(new_uow, producer_id: str) -> list[dict]:
    async with new_uow() as uow:
        rows = await uow.session.execute(
            select(outbox.c.event_type, outbox.c.payload)
            .where(outbox.c.payload["producer_id"].astext == producer_id).order_by(outbox.c.id))
        return [{"type": r.event_type, **r.payload} for r in rows]


async def notes_of(new_uow, producer_id: str) -> list[tuple[int, str, int]]:
    async with new_uow() as uow:
        rows = await uow.session.execute(
            select(credit_notes.c.number, credit_notes.c.status, credit_notes.c.amount_cents)
            .where(credit_notes.c.producer_id == producer_id).order_by(credit_notes.c.number))
        return [tuple(r) for r in rows]


async def test_concurrent_overpayments_get_consecutive_credit_note_numbers(new_uow, producer_id):
    orders = [an_order() for _ in range(25)]
    ids = await remembered(new_uow, producer_id, *orders)
    await asyncio.gather(*(
        handlers.settle_orders(producer_id, [order_id], "cash", 2000 + 100 * (i + 1), new_uow(),
                               nowhere)
        for i, order_id in enumerate(ids)))
    notes = await notes_of(new_uow, producer_id)
    assert [number for number, _, _ in notes] == list(range(1, 26))
    assert all(status == "issued" for _, status, _ in notes)
    events = await events_of(new_uow, producer_id)
    assert sorted(e["credit_note_number"] for e in events) == list(range(1, 26))
    assert all(e["credit_note_cents"] == e["amount_paid_cents"] - 2000 for e in events)


async def test_concurrent_changes_of_one_new_order_get_one_version_each(new_uow, producer_id):
    [order_id] = await remembered(new_uow, producer_id, an_order())
    await asyncio.gather(*(
        handlers.settle_orders(producer_id, [order_id], "cash", 2001 + i, new_uow(), nowhere)
        for i in range(12)))
    events = await events_of(new_uow, producer_id)
    assert sorted(e["version"] for e in events) == list(range(1, 13))
    last = max(events, key=lambda e: e["version"])
    async with new_uow() as uow:
        stored = (await uow.session.execute(select(settlements).where(
            settlements.c.producer_id == producer_id))).one()
    assert (stored.version, stored.amount_paid_cents, stored.credit_note_number) == (
        12, last["amount_paid_cents"], last["credit_note_number"])
    notes = await notes_of(new_uow, producer_id)
    assert [n for n, _, _ in notes] == list(range(1, 13))
    assert [n for n, status, _ in notes if status == "issued"] == [last["credit_note_number"]]


async def test_concurrent_first_settlements_of_an_order_not_heard_of_yet(new_uow, producer_id):
    order = an_order()

    async def from_the_orders_service(p, order_id):
        await asyncio.sleep(0.01)
        return order if (p, order_id) == (producer_id, order.order_id) else None

    await asyncio.gather(*(
        handlers.settle_orders(producer_id, [order.order_id], mode, None, new_uow(),
                               from_the_orders_service)
        for mode in ("cash", "cheque", "card", "transfer", "account")))
    assert sorted(e["version"] for e in await events_of(new_uow, producer_id)) == [1, 2, 3, 4, 5]


async def test_many_settled_at_once_with_an_unknown_order_write_nothing(new_uow, producer_id):
    ids = await remembered(new_uow, producer_id, an_order(), an_order())
    with pytest.raises(NotFound):
        await handlers.settle_orders(producer_id, [*ids, uuid.uuid4()], "cash", None, new_uow(),
                                     nowhere)
    async with new_uow() as uow:
        count = (await uow.session.execute(select(func.count()).select_from(settlements).where(
            settlements.c.producer_id == producer_id))).scalar()
    assert count == 0 and await events_of(new_uow, producer_id) == []


async def test_with_tracking_off_nothing_is_written_and_earlier_settlements_stay(new_uow,
                                                                                 producer_id):
    [order_id] = await remembered(new_uow, producer_id, an_order())
    await handlers.settle_orders(producer_id, [order_id], "cash", 2500, new_uow(), nowhere)
    await handlers.change_settings(producer_id, {"payment_tracking": False}, new_uow())
    before = await events_of(new_uow, producer_id)
    with pytest.raises(Conflict):
        await handlers.settle_orders(producer_id, [order_id], "card", None, new_uow(), nowhere)
    assert await events_of(new_uow, producer_id) == before
    await handlers.change_settings(producer_id, {"payment_tracking": True}, new_uow())
    async with new_uow() as uow:
        kept = await uow.payments.settlements(producer_id, [order_id])
    assert (kept[order_id].mode, kept[order_id].amount_paid_cents) == ("cash", 2500)


async def test_concurrent_settings_changes_each_keep_the_others_fields(new_uow, producer_id):
    await asyncio.gather(
        handlers.change_settings(producer_id, {"accepted_modes": ["cash", "online"],
                                               "sumup_merchant_code": "MFERME01",
                                               "sumup_api_key": "sk_test_123456789"}, new_uow(),
                                 seal=lambda key: f"sealed({key})"),
        handlers.change_settings(producer_id, {"time_zone": "Indian/Reunion"}, new_uow()))
    async with new_uow() as uow:
        stored = await uow.payments.settings(producer_id)
    assert stored.accepted_modes == ("cash", "online") and stored.time_zone == "Indian/Reunion"


async def test_orders_remembered_together_keep_the_first_known_and_pass_the_statement_limit(
        new_uow, producer_id, monkeypatch):
    """A read model's batch of orders placed goes in one statement per chunk of rows (PostgreSQL
    takes at most 65 535 parameters a statement): an order already known stays as it was."""
    from payments.adapters import settlements_repository
    from payments.adapters.orm import orders

    monkeypatch.setattr(settlements_repository, "_ROWS_PER_INSERT", 2)
    known = an_order(1500)
    await remembered(new_uow, producer_id, known)
    batch = [an_order(1000 + n) for n in range(4)]
    changed = KnownOrder(known.order_id, "c9", 9999, known.delivery_date)
    async with new_uow() as uow:
        await uow.payments.remember_orders(
            [(producer_id, o) for o in [batch[0], changed, *batch[1:]]])
        await uow.commit()
    async with new_uow() as uow:
        rows = await uow.session.execute(
            select(orders.c.order_id, orders.c.customer_id, orders.c.total_cents)
            .where(orders.c.producer_id == producer_id))
        found = {r.order_id: (r.customer_id, r.total_cents) for r in rows}
    assert found == {known.order_id: ("c1", 1500),
                     **{o.order_id: ("c1", o.total_cents) for o in batch}}
