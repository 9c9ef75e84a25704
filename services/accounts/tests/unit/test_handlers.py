"""The accounts handlers with an in-memory unit of work: events out, idempotency, nothing on error."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from accounts.domain.commands import (
    ApplySettlement,
    HoldBalance,
    RecordMovement,
    RegisterCustomer,
    ReleaseHold,
    SetPaymentTracking,
)
from accounts.domain.exceptions import AmountOutOfRange, CustomerNotFound
from accounts.service_layer import handlers
from ardoise.errors import Conflict
from ardoise.events import BalanceChanged, BalanceHeld, HoldPosted, HoldReleased

from .fakes import FakeUnitOfWork, Store

ORDER = uuid.UUID(int=7)


@pytest.fixture
def store() -> Store:
    """A producer that turned payment tracking on."""
    return Store(tracking={"ferme-a": True})


async def registered(store: Store, credit_cents: int = 0) -> None:
    await handlers.register_customer(RegisterCustomer("ferme-a", "c1", "Claire", None),
                                     FakeUnitOfWork(store))
    if credit_cents:
        await handlers.record_movement(
            RecordMovement("ferme-a", "c1", "credit", credit_cents, None, "cash"),
            FakeUnitOfWork(store))


async def test_a_movement_publishes_the_new_balance(store):
    await registered(store, 5000)
    changed = [e for e in store.published if isinstance(e, BalanceChanged)]
    assert changed[-1].balance_cents == 5000 and changed[-1].movement_id == store.movements[-1].movement_id


async def test_a_refused_movement_writes_and_publishes_nothing(store):
    await registered(store, 5000)
    before = (list(store.movements), list(store.published))
    with pytest.raises(AmountOutOfRange):
        await handlers.record_movement(RecordMovement("ferme-a", "c1", "debit", 0, None, None),
                                       FakeUnitOfWork(store))
    with pytest.raises(CustomerNotFound):
        await handlers.record_movement(RecordMovement("ferme-a", "zz", "debit", 5, None, None),
                                       FakeUnitOfWork(store))
    assert (store.movements, store.published) == before


async def test_with_tracking_off_no_movement_is_recorded_until_it_is_turned_on(store):
    await registered(store, 5000)
    off = SetPaymentTracking(event_id=uuid.uuid4(), producer_id="ferme-a", payment_tracking=False)
    await handlers.set_payment_tracking(off, FakeUnitOfWork(store), "accounts")
    before = (list(store.movements), list(store.published))
    with pytest.raises(Conflict, match="tracking is off"):
        await handlers.record_movement(RecordMovement("ferme-a", "c1", "credit", 700, None, "cash"),
                                       FakeUnitOfWork(store))
    assert (store.movements, store.published) == before
    on = SetPaymentTracking(event_id=uuid.uuid4(), producer_id="ferme-a", payment_tracking=True)
    await handlers.set_payment_tracking(on, FakeUnitOfWork(store), "accounts")
    await handlers.set_payment_tracking(off, FakeUnitOfWork(store), "accounts")  # a replay: once
    view, _ = await handlers.record_movement(
        RecordMovement("ferme-a", "c1", "credit", 700, None, "cash"), FakeUnitOfWork(store))
    assert view["balance_after_cents"] == 5700  # from what was recorded before


async def test_a_producer_never_heard_of_does_not_track_payments():
    store = Store()
    await handlers.register_customer(RegisterCustomer("ferme-b", "c1", "Claire", None),
                                     FakeUnitOfWork(store))
    with pytest.raises(Conflict):
        await handlers.record_movement(RecordMovement("ferme-b", "c1", "credit", 700, None, None),
                                       FakeUnitOfWork(store))


async def test_an_idempotency_key_replays_the_first_answer_and_refuses_another_body(store):
    await registered(store)
    command = RecordMovement("ferme-a", "c1", "credit", 700, None, None)
    first, replayed = await handlers.record_movement(command, FakeUnitOfWork(store), "k", "f1")
    again, replayed_again = await handlers.record_movement(command, FakeUnitOfWork(store), "k", "f1")
    assert (replayed, replayed_again) == (False, True) and again == first
    with pytest.raises(Conflict):
        await handlers.record_movement(command, FakeUnitOfWork(store), "k", "f2")
    assert len(store.movements) == 1


async def test_a_checkout_hold_is_posted_when_the_order_is_settled(store):
    await registered(store, 500)
    hold = HoldBalance(event_id=uuid.uuid4(), producer_id="ferme-a", customer_id="c1",
                       order_id=ORDER, attempt=1, total_cents=2000,
                       expires_at=datetime.now(UTC) + timedelta(minutes=30))
    await handlers.hold_balance(hold, FakeUnitOfWork(store), "t")
    await handlers.hold_balance(hold, FakeUnitOfWork(store), "t")  # redelivered
    held = [e for e in store.published if isinstance(e, BalanceHeld)]
    assert [e.applied_cents for e in held] == [500]
    paid_online = ApplySettlement(event_id=uuid.uuid4(), producer_id="ferme-a", customer_id="c1",
                                  order_id=ORDER, version=1, total_cents=2000, mode="online",
                                  received={"online": 1500})
    await handlers.apply_settlements([paid_online], FakeUnitOfWork(store), "t")
    account = store.accounts[("ferme-a", "c1")]
    assert (account.balance_cents, account.held_cents) == (0, 0)
    assert [e.applied_cents for e in store.published if isinstance(e, HoldPosted)] == [500]


async def test_the_hold_is_told_before_the_balance_change_it_causes(store):
    """The checkout waits on BalanceHeld; events of one customer are consumed in order."""
    await registered(store, 500)
    before = len(store.published)
    await handlers.hold_balance(HoldBalance(
        event_id=uuid.uuid4(), producer_id="ferme-a", customer_id="c1", order_id=ORDER,
        attempt=1, total_cents=2000, expires_at=datetime.now(UTC) + timedelta(minutes=30)),
        FakeUnitOfWork(store), "t")
    told = [type(e) for e in store.published[before:]]
    assert told == [BalanceHeld, BalanceChanged]


async def test_a_failed_checkout_releases_its_hold_once(store):
    await registered(store, 500)
    await handlers.hold_balance(HoldBalance(
        event_id=uuid.uuid4(), producer_id="ferme-a", customer_id="c1", order_id=ORDER,
        attempt=1, total_cents=2000, expires_at=datetime.now(UTC) + timedelta(minutes=30)),
        FakeUnitOfWork(store), "t")
    release = ReleaseHold(event_id=uuid.uuid4(), producer_id="ferme-a", customer_id="c1",
                          order_id=ORDER, attempt=1, reason="failed")
    await handlers.release_hold(release, FakeUnitOfWork(store), "t")
    await handlers.release_hold(release, FakeUnitOfWork(store), "t")
    assert len([e for e in store.published if isinstance(e, HoldReleased)]) == 1
    assert store.accounts[("ferme-a", "c1")].held_cents == 0


def hold_for(attempt: int) -> HoldBalance:
    return HoldBalance(event_id=uuid.uuid4(), producer_id="ferme-a", customer_id="c1",
                       order_id=ORDER, attempt=attempt, total_cents=2000,
                       expires_at=datetime.now(UTC) + timedelta(minutes=30))


async def test_a_new_attempt_heard_of_before_the_failure_still_applies_the_credit(store):
    """The retry and the failed checkout's release come through different consumers."""
    await registered(store, 500)
    await handlers.hold_balance(hold_for(1), FakeUnitOfWork(store), "t")
    before = len(store.published)

    second = await handlers.hold_balance(hold_for(2), FakeUnitOfWork(store), "t")

    told = store.published[before:]
    assert [type(e) for e in told] == [BalanceHeld, HoldReleased, BalanceChanged]
    assert (told[0].applied_cents, told[1].reason) == (500, "superseded")
    assert second.amount_cents == 500 and store.accounts[("ferme-a", "c1")].held_cents == 500
    late_failure = ReleaseHold(event_id=uuid.uuid4(), producer_id="ferme-a", customer_id="c1",
                               order_id=ORDER, attempt=1, reason="failed")
    await handlers.release_hold(late_failure, FakeUnitOfWork(store), "t")
    assert store.accounts[("ferme-a", "c1")].held_cents == 500
    assert len([e for e in store.published if isinstance(e, HoldReleased)]) == 1


async def test_an_expired_hold_is_released_by_the_timer(store):
    await registered(store, 500)
    await handlers.hold_balance(HoldBalance(
        event_id=uuid.uuid4(), producer_id="ferme-a", customer_id="c1", order_id=ORDER,
        attempt=1, total_cents=2000, expires_at=datetime.now(UTC) - timedelta(seconds=1)),
        FakeUnitOfWork(store), "t")
    assert store.accounts[("ferme-a", "c1")].held_cents == 500
    assert await handlers.expire_holds(lambda: FakeUnitOfWork(store)) == 1
    assert await handlers.expire_holds(lambda: FakeUnitOfWork(store)) == 0
    account = store.accounts[("ferme-a", "c1")]
    assert (account.balance_cents, account.held_cents, account.available_cents) == (500, 0, 500)
    released = [e for e in store.published if isinstance(e, HoldReleased)]
    assert [(e.reason, e.applied_cents) for e in released] == [("expired", 500)]


async def test_an_order_settled_before_its_hold_arrives_gets_no_hold(store):
    await registered(store, 5000)
    await handlers.apply_settlements([ApplySettlement(
        event_id=uuid.uuid4(), producer_id="ferme-a", customer_id="c1", order_id=ORDER,
        version=1, total_cents=2000, mode="cash", received={"cash": 2000})],
        FakeUnitOfWork(store), "t")
    late = HoldBalance(event_id=uuid.uuid4(), producer_id="ferme-a", customer_id="c1",
                       order_id=ORDER, attempt=1, total_cents=2000,
                       expires_at=datetime.now(UTC) + timedelta(minutes=30))
    assert await handlers.hold_balance(late, FakeUnitOfWork(store), "t") is None
    assert store.accounts[("ferme-a", "c1")].held_cents == 0
