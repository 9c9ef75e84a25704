"""The orders handlers with an in-memory unit of work: OrderPlaced out with the order, nothing on
refusal, and the settlements read model keeping only the newest version."""

import uuid
from datetime import UTC, date, datetime

import pytest

from ardoise.errors import Invalid
from ardoise.events import OrderPlaced, PaymentSettingsChanged, SettlementChanged
from orders.domain.order import Line
from orders.service_layer import handlers, messagebus

from .fakes import FakeUnitOfWork, Store

P = "ferme-a"
DAY = date(2026, 11, 25)
PLACED_AT = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)


@pytest.fixture
def store() -> Store:
    return Store()


def settlement(order_id: uuid.UUID, version: int, mode: str, paid: int) -> SettlementChanged:
    return SettlementChanged(producer_id=P, order_id=order_id, customer_id="c1", version=version,
                             total_cents=2000, delivery_date=DAY, mode=mode,
                             amount_paid_cents=paid)


async def test_placing_an_order_records_it_and_publishes_order_placed_with_it(store):
    answer = await handlers.place_order(P, "c1", DAY, [Line("Panier", 2, 1000)],
                                        FakeUnitOfWork(store), PLACED_AT)
    order_id = uuid.UUID(answer["order_id"])
    assert answer == {"order_id": str(order_id), "total_cents": 2000, "status": "placed",
                      "delivery_date": DAY, "online_payment": False, "over_credit_limit": False}
    assert store.orders[(P, order_id)].lines == [Line("Panier", 2, 1000)]
    [event] = store.published
    assert isinstance(event, OrderPlaced)
    assert (event.order_id, event.customer_id, event.total_cents, event.delivery_date,
            event.online_payment) == (order_id, "c1", 2000, DAY, False)


async def test_an_order_placed_for_a_producer_requiring_online_payment_says_so(store):
    store.online_required[P] = True
    await handlers.place_order(P, "c1", DAY, [Line("Panier", 1, 2000)], FakeUnitOfWork(store),
                               PLACED_AT)
    assert store.published[0].online_payment is True


@pytest.mark.parametrize("lines", [[], [Line("Panier", 0, 2000)], [Line("Panier", 1, -5)]])
async def test_a_refused_order_writes_and_publishes_nothing(store, lines):
    with pytest.raises(Invalid):
        await handlers.place_order(P, "c1", DAY, lines, FakeUnitOfWork(store), PLACED_AT)
    assert store.orders == {} and store.published == []


async def test_the_newest_settlement_wins_whatever_order_the_events_arrive_in(store):
    order_id = uuid.uuid4()
    for event in (settlement(order_id, 1, "cash", 2500), settlement(order_id, 3, "account", 0),
                  settlement(order_id, 2, "cheque", 2000)):
        await messagebus.handle(event, FakeUnitOfWork(store), "test")
    kept = store.settlements[(P, order_id)]
    assert (kept.version, kept.mode, kept.amount_paid_cents) == (3, "account", 0)


async def test_a_redelivered_event_is_applied_once(store):
    changed = PaymentSettingsChanged(producer_id=P, payment_tracking=False, accepted_modes=[],
                                     online_payment_required=False)
    await messagebus.handle(changed, FakeUnitOfWork(store), "test")
    store.tracking[P] = "changed since"
    await messagebus.handle(changed, FakeUnitOfWork(store), "test")
    assert store.tracking[P] == "changed since" and len(store.inbox) == 1


async def test_events_the_orders_service_does_not_keep_are_ignored(store):
    placed = OrderPlaced(producer_id=P, order_id=uuid.uuid4(), customer_id="c1",
                         total_cents=2000, delivery_date=DAY)
    await messagebus.handle(placed, FakeUnitOfWork(store), "test")
    assert store.inbox == set()


@pytest.mark.parametrize(("time_zone", "day"), [(None, date(2026, 11, 30)),
                                                ("America/Cayenne", date(2026, 11, 29))])
async def test_an_order_without_a_delivery_date_is_for_the_producers_day_when_placed(
        store, time_zone, day):
    """Sunday 23:30 UTC is Monday 00:30 in Paris (the default) and Sunday 20:30 in Cayenne."""
    if time_zone:
        store.time_zones[P] = time_zone
    answer = await handlers.place_order(P, "c1", None, [Line("Panier", 1, 2000)],
                                        FakeUnitOfWork(store),
                                        datetime(2026, 11, 29, 23, 30, tzinfo=UTC))
    assert answer["delivery_date"] == day and store.published[0].delivery_date == day
