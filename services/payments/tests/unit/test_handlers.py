"""The payments handlers with an in-memory unit of work: versions, events, credit notes, all or
nothing, and nothing written or published when a request is refused."""

import uuid
from datetime import date

import pytest

from ardoise.errors import Conflict, Invalid, NotFound
from ardoise.events import (
    CustomerRegistered,
    OrderPlaced,
    PaymentSettingsChanged,
    SettlementChanged,
)
from payments.domain.settlement import KnownOrder
from payments.service_layer import handlers
from payments.service_layer.messagebus import MessageBus

from .fakes import TRACKING, FakeOrdersGateway, FakeUnitOfWork, Store

P = "ferme-a"


def order(total_cents: int = 2000, customer_id: str = "c1") -> KnownOrder:
    return KnownOrder(uuid.uuid4(), customer_id, total_cents, date(2026, 11, 25))


@pytest.fixture
def store() -> Store:
    return Store()


@pytest.fixture
def gateway() -> FakeOrdersGateway:
    return FakeOrdersGateway()


async def known(store: Store, *orders: KnownOrder) -> list[uuid.UUID]:
    for o in orders:
        store.orders[(P, o.order_id)] = o
    return [o.order_id for o in orders]


async def settle(store, gateway, order_ids, mode, paid=None, producer_id=P):
    return await handlers.settle_orders(producer_id, order_ids, mode, paid, FakeUnitOfWork(store),
                                        gateway.fetch)


def changes(store: Store) -> list[SettlementChanged]:
    return [e for e in store.published if isinstance(e, SettlementChanged)]


async def test_a_first_settlement_publishes_the_full_state_at_version_1(store, gateway):
    o = order()
    [order_id] = await known(store, o)
    answer = await settle(store, gateway, [order_id], "cash")
    assert answer == [{"order_id": str(order_id), "mode": "cash", "amount_paid_cents": 2000,
                       "received": {"cash": 2000}, "paid_twice": False}]
    [event] = changes(store)
    assert (event.order_id, event.customer_id, event.version, event.total_cents,
            event.delivery_date, event.mode, event.amount_paid_cents, event.received,
            event.credit_note_cents, event.credit_note_number) == (
        order_id, "c1", 1, 2000, o.delivery_date, "cash", 2000, {"cash": 2000}, 0, None)


async def test_a_settlement_that_changes_nothing_writes_and_publishes_nothing(store, gateway):
    [order_id] = await known(store, order())
    await settle(store, gateway, [order_id], "cash", 2500)
    before = store.written()
    again = await settle(store, gateway, [order_id], "cash", 2500)
    assert again == [{"order_id": str(order_id), "mode": "cash", "amount_paid_cents": 2500,
                      "received": {"cash": 2500}, "paid_twice": False}]
    assert store.written() == before and len(changes(store)) == 1


async def test_setting_an_unsettled_order_not_delivered_publishes_nothing(store, gateway):
    [order_id] = await known(store, order())
    await settle(store, gateway, [order_id], "not_delivered")
    assert store.published == [] and store.settlements == {}


async def test_each_change_publishes_the_next_version(store, gateway):
    [order_id] = await known(store, order())
    for mode, paid in [("cash", 2500), ("cheque", 2000), ("account", None), ("not_delivered", 0),
                       ("cheque", 0)]:
        await settle(store, gateway, [order_id], mode, paid)
    # money received stays when the order is deducted from the account or not delivered; the
    # producer's own correction of what it counted (0) is what takes it away
    assert [(e.version, e.mode, e.received) for e in changes(store)] == [
        (1, "cash", {"cash": 2500}), (2, "cheque", {"cheque": 2000}),
        (3, "account", {"cheque": 2000}), (4, "not_delivered", {"cheque": 2000}),
        (5, "cheque", {})]


async def test_overpayment_issues_credit_note_1_for_the_difference(store, gateway):
    [order_id] = await known(store, order())
    await settle(store, gateway, [order_id], "cash", 2500)
    [event] = changes(store)
    assert (event.credit_note_cents, event.credit_note_number) == (500, 1)
    assert store.credit_notes[(P, 1)] == {"order_id": order_id, "amount_cents": 500,
                                          "status": "issued", "issued_by": None}


async def test_a_new_difference_cancels_the_note_and_issues_the_next_number(store, gateway):
    [order_id] = await known(store, order())
    await settle(store, gateway, [order_id], "cash", 2500)
    await settle(store, gateway, [order_id], "cash", 1800)
    assert [(e.credit_note_cents, e.credit_note_number) for e in changes(store)] == [
        (500, 1), (-200, 2)]
    assert store.credit_notes[(P, 1)]["status"] == "cancelled"
    assert store.credit_notes[(P, 2)]["status"] == "issued"


async def test_the_same_difference_under_another_mode_keeps_its_note(store, gateway):
    [order_id] = await known(store, order())
    await settle(store, gateway, [order_id], "cash", 2500)
    await settle(store, gateway, [order_id], "cheque", 2500)
    assert [e.credit_note_number for e in changes(store)] == [1, 1]
    assert store.counters[P] == 1


async def test_paying_the_total_again_cancels_the_note_and_no_number_is_reused(store, gateway):
    first, second = await known(store, order(), order())
    await settle(store, gateway, [first], "cash", 2500)
    await settle(store, gateway, [first], "cheque", 2000)
    await settle(store, gateway, [second], "card", 2100)
    assert [(e.credit_note_cents, e.credit_note_number) for e in changes(store)] == [
        (500, 1), (0, None), (100, 2)]
    assert store.credit_notes[(P, 1)]["status"] == "cancelled"


async def test_credit_notes_are_numbered_per_producer(store, gateway):
    mine, theirs = order(), order()
    store.orders[(P, mine.order_id)] = mine
    store.orders[("ferme-b", theirs.order_id)] = theirs
    await settle(store, gateway, [mine.order_id], "cash", 2500)
    await settle(store, gateway, [theirs.order_id], "cash", 2500, producer_id="ferme-b")
    assert [e.credit_note_number for e in changes(store)] == [1, 1]


async def test_many_orders_at_once_are_each_paid_their_own_total(store, gateway):
    ids = await known(store, order(2000), order(1250), order(900))
    answers = await settle(store, gateway, ids, "card")
    assert {a["order_id"]: a["amount_paid_cents"] for a in answers} == {
        str(i): t for i, t in zip(ids, (2000, 1250, 900), strict=True)}
    assert sorted(e.order_id for e in changes(store)) == sorted(ids)


async def test_one_unknown_order_in_many_settles_none_of_them(store, gateway):
    ids = await known(store, order(), order())
    before = store.written()
    with pytest.raises(NotFound):
        await settle(store, gateway, [*ids, uuid.uuid4()], "cash")
    assert store.written() == before


async def test_an_order_not_heard_of_yet_is_asked_of_the_orders_service(store):
    o = order()
    gateway = FakeOrdersGateway((P, o))
    await settle(store, gateway, [o.order_id], "cash")
    assert gateway.asked == [o.order_id] and store.orders[(P, o.order_id)] == o
    await settle(store, gateway, [o.order_id], "cheque")
    assert gateway.asked == [o.order_id]


async def test_another_producers_order_is_not_found_and_nothing_is_written(store):
    theirs = order()
    store.orders[("ferme-b", theirs.order_id)] = theirs
    gateway = FakeOrdersGateway(("ferme-b", theirs))
    before = store.written()
    with pytest.raises(NotFound):
        await settle(store, gateway, [theirs.order_id], "cash")
    assert store.written() == before


@pytest.mark.parametrize(("mode", "paid", "field"), [
    ("cheque", None, "mode"), ("account", 500, "amount_paid_cents"),
    ("cash", -1, "amount_paid_cents")])
async def test_refused_settlements_name_the_field_and_change_nothing(store, gateway, mode, paid,
                                                                     field):
    store.settings[P] = TRACKING.changed(accepted_modes=["cash", "account"])
    [order_id] = await known(store, order())
    await settle(store, gateway, [order_id], "cash", 2500)
    before = store.written()
    with pytest.raises(Invalid) as refused:
        await settle(store, gateway, [order_id], mode, paid)
    assert refused.value.field == field and store.written() == before


async def test_a_refused_mode_is_refused_before_asking_the_orders_service(store, gateway):
    store.settings[P] = TRACKING.changed(accepted_modes=["cash"])
    with pytest.raises(Invalid):
        await settle(store, gateway, [uuid.uuid4()], "card")
    assert gateway.asked == []


async def test_with_tracking_off_settlements_are_refused_and_kept_until_it_is_on(store, gateway):
    [order_id] = await known(store, order())
    await settle(store, gateway, [order_id], "cash", 2500)
    await handlers.change_settings(P, {"payment_tracking": False}, FakeUnitOfWork(store))
    before = store.written()
    with pytest.raises(Conflict):
        await settle(store, gateway, [order_id], "card")
    assert store.written() == before
    await handlers.change_settings(P, {"payment_tracking": True}, FakeUnitOfWork(store))
    assert await settle(store, gateway, [order_id], "cash", 2500) == [
        {"order_id": str(order_id), "mode": "cash", "amount_paid_cents": 2500,
         "received": {"cash": 2500}, "paid_twice": False}]


async def test_changing_one_setting_keeps_the_others_and_publishes_the_change(store):
    await handlers.change_settings(P, {"accepted_modes": ["cash", "online"],
                                       "online_payment_required": True,
                                       "sumup_merchant_code": "MFERME01",
                                       "sumup_api_key": "sk_test_123456789"},
                                   FakeUnitOfWork(store), seal=lambda key: f"sealed({key})")
    value = await handlers.change_settings(P, {"time_zone": "Indian/Reunion"},
                                           FakeUnitOfWork(store))
    assert value.accepted_modes == ("cash", "online") and value.online_payment_required
    assert store.sumup_keys[P] == "sealed(sk_test_123456789)" and value.sumup_connected
    published = [e for e in store.published if isinstance(e, PaymentSettingsChanged)]
    assert [(e.time_zone, e.online_payment_required) for e in published] == [
        ("Europe/Paris", True), ("Indian/Reunion", True)]


async def test_settings_that_change_nothing_publish_nothing(store):
    await handlers.change_settings(P, {"payment_tracking": True}, FakeUnitOfWork(store))
    assert store.published == []


async def test_refused_settings_change_nothing(store):
    with pytest.raises(Invalid):
        await handlers.change_settings(P, {"accepted_modes": ["cash"],
                                           "online_payment_required": True},
                                       FakeUnitOfWork(store))
    assert store.settings == {} and store.published == []


async def test_orders_and_customers_names_are_remembered_once_each(store):
    placed = OrderPlaced(producer_id=P, order_id=uuid.uuid4(), customer_id="c1",
                         total_cents=2000, delivery_date=date(2026, 11, 25))
    named = CustomerRegistered(producer_id=P, customer_id="c1", name="Claire Martin")
    bus = MessageBus(lambda: FakeUnitOfWork(store), None, None, "http://unused")
    for event in (placed, named, placed, named):
        await bus.handle(event, "test")
    assert store.orders[(P, placed.order_id)].total_cents == 2000
    assert store.customers[(P, "c1")] == "Claire Martin"
    assert len(store.inbox) == 2
