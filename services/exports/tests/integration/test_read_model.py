"""The read model takes events a batch at a time: each event counts once, however often and in
whatever batches it is delivered, and a late older settlement never hides a newer one."""

import asyncio
import uuid
from datetime import date

from sqlalchemy import func, select

from ardoise.events import BalanceChanged, CustomerRegistered, OrderPlaced, SettlementChanged
from exports.adapters.orm import customers, inbox, sales
from exports.service_layer.read_model import apply_events


def settled(order: OrderPlaced, version: int, mode: str, paid_cents: int) -> SettlementChanged:
    return SettlementChanged(producer_id=order.producer_id, order_id=order.order_id,
                             customer_id=order.customer_id, version=version,
                             total_cents=order.total_cents, delivery_date=order.delivery_date,
                             mode=mode, amount_paid_cents=paid_cents)


async def sale(sessions, order: OrderPlaced):
    async with sessions() as session:
        return (await session.execute(select(sales).where(
            sales.c.producer_id == order.producer_id, sales.c.order_id == order.order_id))).one()


async def inbox_rows(sessions, consumer: str, *events) -> int:
    async with sessions() as session:
        return (await session.execute(select(func.count()).select_from(inbox).where(
            inbox.c.consumer == consumer,
            inbox.c.event_id.in_([e.event_id for e in events])))).scalar_one()


async def test_a_batch_counts_each_event_once_and_keeps_the_newest_settlement(
        sessions, producer_id):
    consumer = f"test-{uuid.uuid4().hex[:6]}"
    order = OrderPlaced(producer_id=producer_id, order_id=uuid.uuid4(), customer_id="c1",
                        total_cents=2000, delivery_date=date(2026, 11, 27))
    cash, card = settled(order, 1, "cash", 2000), settled(order, 2, "card", 2000)
    named = CustomerRegistered(producer_id=producer_id, customer_id="c1", name="Claire")
    balance = BalanceChanged(producer_id=producer_id, customer_id="c1", balance_cents=0,
                             held_cents=0)
    # the order twice in one batch, the newer settlement before the older one
    await apply_events(sessions, consumer, [named, order, order, card, balance, cash])
    await apply_events(sessions, consumer, [order, cash, card])  # the same events delivered again
    row = await sale(sessions, order)
    assert (row.mode, row.amount_paid_cents, row.settlement_version) == ("card", 2000, 2)
    assert await inbox_rows(sessions, consumer, named, order, cash, card) == 4
    assert await inbox_rows(sessions, consumer, balance) == 0, "kept an event it does not use"
    async with sessions() as session:
        assert (await session.execute(select(customers.c.name).where(
            customers.c.producer_id == producer_id))).scalar_one() == "Claire"


async def test_a_batch_of_events_the_read_model_does_not_use_writes_nothing(sessions, producer_id):
    consumer = f"test-{uuid.uuid4().hex[:6]}"
    balance = BalanceChanged(producer_id=producer_id, customer_id="c1", balance_cents=500,
                             held_cents=0)
    await apply_events(sessions, consumer, [balance])
    assert await inbox_rows(sessions, consumer, balance) == 0


async def test_batches_of_orders_and_settlements_at_once_never_deadlock(sessions, producer_id):
    """The two subscribers' transactions write the same sales rows; each in its own order of
    arrival, they could each lock a row the other waits for."""
    placed = [OrderPlaced(producer_id=producer_id, order_id=uuid.uuid4(), customer_id="c1",
                          total_cents=2000, delivery_date=date(2026, 11, 27)) for _ in range(40)]
    await apply_events(sessions, "test-seed", placed)
    cash = [settled(order, 1, "cash", 2000) for order in placed]
    card = [settled(order, 2, "card", 2000) for order in placed]
    for _ in range(5):  # the same rows, in opposite orders, by two consumers at once
        await asyncio.gather(apply_events(sessions, f"a-{uuid.uuid4().hex[:6]}", cash),
                             apply_events(sessions, f"b-{uuid.uuid4().hex[:6]}", card[::-1]))
    for order in placed:
        row = await sale(sessions, order)
        assert (row.mode, row.settlement_version) == ("card", 2)
