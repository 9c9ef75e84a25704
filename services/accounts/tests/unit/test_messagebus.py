"""The accounts' one dispatch: which command each event asks for, and a poll's events carried
out in order, runs of settlements in one transaction each."""

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from accounts.domain.commands import ApplySettlement, HoldBalance, ReleaseHold
from accounts.service_layer import messagebus
from ardoise.events import (
    BalanceHeld,
    CheckoutClosed,
    CheckoutOpened,
    CustomerRegistered,
    HoldReleased,
    OrderPlaced,
    PaymentRetryRequested,
    PaymentSettingsChanged,
    SettlementChanged,
)

from .fakes import FakeUnitOfWork, Store
from .test_handlers import registered

P, ORDER = "ferme-a", uuid.UUID(int=7)
AT = datetime(2026, 11, 28, 9, tzinfo=UTC)


def settled(version: int, mode: str = "cash", paid: int = 2000) -> SettlementChanged:
    return SettlementChanged(producer_id=P, order_id=ORDER, customer_id="c1", version=version,
                             total_cents=2000, delivery_date=date(2026, 11, 27), mode=mode,
                             amount_paid_cents=paid)


def test_a_settlement_change_asks_for_the_money_it_says_was_received():
    command = messagebus.command_for(settled(3, "cheque", 1500))
    assert isinstance(command, ApplySettlement)
    assert (command.version, command.mode, command.received) == (3, "cheque", {"cheque": 1500})


def test_an_order_to_pay_online_and_a_new_attempt_ask_for_a_hold_that_outlives_the_checkout():
    placed = OrderPlaced(producer_id=P, order_id=ORDER, customer_id="c1", total_cents=2000,
                         delivery_date=date(2026, 11, 27), online_payment=True, occurred_at=AT)
    hold = messagebus.command_for(placed)
    assert isinstance(hold, HoldBalance)
    assert (hold.attempt, hold.total_cents, hold.expires_at) == (1, 2000,
                                                                 AT + timedelta(minutes=35))
    again = messagebus.command_for(PaymentRetryRequested(
        producer_id=P, order_id=ORDER, customer_id="c1", total_cents=2000, attempt=2))
    assert isinstance(again, HoldBalance) and again.attempt == 2


@pytest.mark.parametrize(("status", "released"), [("FAILED", True), ("EXPIRED", True),
                                                  ("PAID", False)])
def test_a_checkout_that_ended_unpaid_releases_its_hold(status, released):
    command = messagebus.command_for(CheckoutClosed(
        producer_id=P, order_id=ORDER, customer_id="c1", attempt=2, checkout_id="co",
        status=status))
    assert isinstance(command, ReleaseHold) is released
    if released:
        assert (command.attempt, command.reason) == (2, status.lower())


@pytest.mark.parametrize("event", [
    OrderPlaced(producer_id=P, order_id=ORDER, customer_id="c1", total_cents=2000,
                delivery_date=date(2026, 11, 27)),
    CustomerRegistered(producer_id=P, customer_id="c1", name="Claire"),
    CheckoutOpened(producer_id=P, order_id=ORDER, customer_id="c1", attempt=1, checkout_id="co",
                   checkout_url="https://pay", balance_applied_cents=0, amount_due_cents=2000)])
def test_events_the_accounts_have_nothing_to_do_with_ask_for_nothing(event):
    assert messagebus.command_for(event) is None


async def test_a_poll_is_carried_out_in_order_and_each_event_once():
    store = Store(tracking={P: True})
    await registered(store, 500)
    placed = OrderPlaced(producer_id=P, order_id=ORDER, customer_id="c1", total_cents=2000,
                         delivery_date=date(2026, 11, 27), online_payment=True)
    failed = CheckoutClosed(producer_id=P, order_id=ORDER, customer_id="c1", attempt=1,
                            checkout_id="co", status="FAILED")
    events = [placed, failed, settled(1, "cash", 2000), settled(2, "cash", 2500)]
    for _ in range(2):  # the poll delivered again: nothing more happens
        await messagebus.handle_batch(events, lambda: FakeUnitOfWork(store), "t")
    kinds = [type(e).__name__ for e in store.published if not isinstance(e, CustomerRegistered)]
    assert kinds.count("BalanceHeld") == 1 and kinds.count("HoldReleased") == 1
    assert kinds.index("BalanceHeld") < kinds.index("HoldReleased")
    held = next(e for e in store.published if isinstance(e, BalanceHeld))
    assert held.applied_cents == 500
    released = next(e for e in store.published if isinstance(e, HoldReleased))
    assert released.reason == "failed"
    account = store.accounts[(P, "c1")]
    assert (account.balance_cents, account.held_cents) == (1000, 0)


async def test_the_payment_settings_turn_tracking_on_and_off_in_the_order_they_came():
    store = Store()

    def settings(on: bool) -> PaymentSettingsChanged:
        return PaymentSettingsChanged(producer_id=P, payment_tracking=on, accepted_modes=["cash"],
                                      online_payment_required=False)

    on, off = settings(True), settings(False)
    await messagebus.handle_batch([on], lambda: FakeUnitOfWork(store), "t")
    assert store.tracking[P] is True
    await messagebus.handle_batch([off, on], lambda: FakeUnitOfWork(store), "t")
    assert store.tracking[P] is False  # the "on" delivered again was done already: "off" stands
