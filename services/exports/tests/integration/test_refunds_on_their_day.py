"""An online refund counts on the day it was made, and what the order received on the order's
day: a week already counted keeps its total, on the real PostgreSQL through the read model."""

import uuid
from datetime import UTC, date, datetime

from ardoise.events import OnlineRefundMade, OrderPlaced, SettlementChanged
from exports.adapters.order_rows import period_query
from exports.adapters.repository import ExportsRepository
from exports.domain.reports import summarise_by_mode
from exports.service_layer.building import _payment_row
from exports.service_layer.read_model import apply_events

ORDERED = date(2026, 11, 25)  # a Wednesday: its week runs 23-29 November
REFUNDED_AT = datetime(2026, 12, 8, 10, 30, tzinfo=UTC)  # a fortnight later


async def online_order_refunded(sessions, producer_id: str, consumer: str):
    order = OrderPlaced(producer_id=producer_id, order_id=uuid.uuid4(), customer_id="c1",
                        total_cents=2500, delivery_date=ORDERED)

    def settled(version: int, online_cents: int) -> SettlementChanged:
        return SettlementChanged(producer_id=producer_id, order_id=order.order_id,
                                 customer_id="c1", version=version, total_cents=2500,
                                 delivery_date=ORDERED, mode="online",
                                 amount_paid_cents=online_cents,
                                 received={"online": online_cents})

    refund = OnlineRefundMade(producer_id=producer_id, order_id=order.order_id,
                              customer_id="c1", refund_id=uuid.uuid4(), amount_cents=1000,
                              delivery_date=ORDERED, refunded_at=REFUNDED_AT, actor="Léa")
    await apply_events(sessions, consumer, [order, settled(1, 2500)])
    # the refund and its settlement change, told twice
    await apply_events(sessions, consumer, [settled(2, 1500), refund])
    await apply_events(sessions, consumer, [refund, settled(2, 1500)])
    return order, refund


async def week_of(sessions, producer_id: str, monday: date):
    sunday = date.fromordinal(monday.toordinal() + 6)
    async with sessions() as session:
        rows = [_payment_row(row) for row in await session.execute(
            period_query(producer_id, monday, sunday))]
        moved = await ExportsRepository(session).movements(producer_id, monday, sunday,
                                                           "Europe/Paris")
    return rows, moved, {s.mode: s.total_received_cents for s in summarise_by_mode(rows, moved)}


async def test_a_refund_counts_on_its_own_day_and_the_orders_week_keeps_what_came_in(
        sessions, producer_id):
    order, refund = await online_order_refunded(sessions, producer_id,
                                                f"test-{uuid.uuid4().hex[:6]}")
    rows, moved, totals = await week_of(sessions, producer_id, date(2026, 11, 23))
    [row] = rows
    # the settlement's money, and what was refunded of it since
    assert (row.order_id, row.received, row.refunded_cents) == (
        str(order.order_id), {"online": 1500}, 1000)
    assert type(row.refunded_cents) is int  # not a Decimal: the writer's fast path
    assert moved == [] and totals == {"online": 2500}

    rows, moved, totals = await week_of(sessions, producer_id, date(2026, 12, 7))
    assert rows == []
    [given_back] = moved
    assert (given_back.amount_cents, given_back.mode, given_back.nature, given_back.order_id,
            given_back.movement_id, given_back.recorded_by) == (
        -1000, "online", "Remboursement", order.order_id, refund.refund_id, "Léa")
    assert given_back.label == "Remboursement en ligne, commande du 25/11/2026"
    assert totals == {"online": -1000}
    # over both weeks, what stayed received: 15,00 €
    _, _, both = await week_of(sessions, producer_id, date(2026, 11, 23))
    assert both["online"] + totals["online"] == 1500
