"""The checkout saga's payments side with fakes (no database, no SumUp): what SumUp is asked, what
a read-back records, once, and when a checkout is given up."""

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from ardoise.events import BalanceHeld, CheckoutClosed, CheckoutOpened, SettlementChanged
from payments.domain import checkouts as saga
from payments.domain.settlement import KnownOrder
from payments.service_layer.checkouts import open_checkout, sync_checkout

from .fakes import FakeOrdersGateway, FakePaymentGateway, FakeUnitOfWork, Store

P = "ferme-a"
HELD_AT = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


@pytest.fixture
def store() -> Store:
    return Store(now=HELD_AT)


@pytest.fixture
def sumup() -> FakePaymentGateway:
    return FakePaymentGateway()


def held(applied_cents: int, total_cents: int = 2000, attempt: int = 1,
         order_id: uuid.UUID | None = None) -> BalanceHeld:
    return BalanceHeld(producer_id=P, customer_id="c1", order_id=order_id or uuid.uuid4(),
                       hold_id=uuid.uuid4(), attempt=attempt, total_cents=total_cents,
                       applied_cents=applied_cents,
                       expires_at=HELD_AT + timedelta(minutes=35))


def orders_of(*events: BalanceHeld) -> FakeOrdersGateway:
    return FakeOrdersGateway(*((P, KnownOrder(e.order_id, "c1", e.total_cents,
                                              date(2026, 11, 27))) for e in events))


async def opened(store, sumup, event, accounts=True):
    async def gateways(producer_id):
        return sumup if accounts else None

    orders = orders_of(event)
    await open_checkout(event, lambda: FakeUnitOfWork(store), gateways, "http://wh", orders.fetch,
                        "payments.accounts-events")
    return gateways, orders


def published(store, kind) -> list:
    return [e for e in store.published if isinstance(e, kind)]


@pytest.mark.parametrize(("applied", "asked"), [(500, 1500), (-500, 2500), (0, 2000)])
async def test_sumup_is_asked_for_the_total_less_the_balance_applied(store, sumup, applied,
                                                                     asked):
    event = held(applied)
    await opened(store, sumup, event)
    [checkout] = sumup.checkouts.values()
    assert (checkout.amount_cents, checkout.reference) == (asked, f"{event.order_id}.1")
    assert checkout.valid_until == event.expires_at - timedelta(minutes=5)
    [told] = published(store, CheckoutOpened)
    assert (told.amount_due_cents, told.balance_applied_cents) == (asked, applied)
    assert published(store, SettlementChanged) == []


async def test_a_balance_that_covers_the_order_settles_it_from_the_account_without_sumup(
        store, sumup):
    await opened(store, sumup, held(2000))
    assert sumup.checkouts == {}
    [told] = published(store, CheckoutOpened)
    assert (told.checkout_id, told.amount_due_cents) == (None, 0)
    [settled] = published(store, SettlementChanged)
    assert (settled.mode, settled.received) == ("account", {})


async def test_a_redelivered_hold_opens_one_checkout_and_tells_it_once(store, sumup):
    event = held(0)
    await opened(store, sumup, event)
    await opened(store, sumup, event)
    assert len(sumup.checkouts) == 1 and len(published(store, CheckoutOpened)) == 1


async def test_without_a_sumup_account_the_attempt_fails_at_once(store, sumup):
    await opened(store, sumup, held(500), accounts=False)
    [closed] = published(store, CheckoutClosed)
    assert closed.status == "FAILED" and published(store, CheckoutOpened) == []


async def test_a_paid_read_back_is_recorded_once_as_online_money(store, sumup):
    event = held(500)
    gateways, orders = await opened(store, sumup, event)
    [checkout] = sumup.checkouts.values()
    new_uow = lambda: FakeUnitOfWork(store)  # noqa: E731
    assert await sync_checkout(checkout.id, new_uow, gateways, orders.fetch) == "still pending"
    sumup.set_status(checkout.id, "PAID")
    assert await sync_checkout(checkout.id, new_uow, gateways, orders.fetch) == "paid"
    assert await sync_checkout(checkout.id, new_uow, gateways, orders.fetch) == \
        "already recorded"
    [settled] = published(store, SettlementChanged)
    assert (settled.mode, settled.received, settled.credit_note_cents) == (
        "online", {"online": 1500}, 0)


async def test_a_payment_of_another_amount_is_not_believed(store, sumup):
    gateways, orders = await opened(store, sumup, held(0))
    [checkout] = sumup.checkouts.values()
    sumup.set_status(checkout.id, "PAID", paid_amount_cents=100)
    assert await sync_checkout(checkout.id, lambda: FakeUnitOfWork(store), gateways,
                               orders.fetch) == "amount differs"
    assert published(store, SettlementChanged) == [] and published(store, CheckoutClosed) == []


async def test_an_unpaid_checkout_past_its_validity_is_deactivated_and_ends_expired(store,
                                                                                  sumup):
    gateways, orders = await opened(store, sumup, held(0))
    [checkout] = sumup.checkouts.values()
    store.now = checkout.valid_until
    assert await sync_checkout(checkout.id, lambda: FakeUnitOfWork(store), gateways,
                               orders.fetch) == "expired"
    assert sumup.checkouts[checkout.id].status == "EXPIRED"
    [closed] = published(store, CheckoutClosed)
    assert closed.status == "EXPIRED"


def test_read_backs_come_at_half_the_age_within_30_s_and_5_min_and_soon_after_validity():
    opened_at = HELD_AT
    valid_until = opened_at + timedelta(minutes=30)
    turns = [saga.next_read_back(opened_at + timedelta(seconds=s), opened_at, valid_until)
             - (opened_at + timedelta(seconds=s)) for s in (0, 60, 120, 900)]
    assert turns == [timedelta(seconds=30), timedelta(seconds=30), timedelta(minutes=1),
                     timedelta(minutes=5)]
    late = opened_at + timedelta(minutes=29)
    assert saga.next_read_back(late, opened_at, valid_until) == late + timedelta(seconds=65)
    assert saga.next_read_back(late, opened_at, None) == late + timedelta(minutes=5)
