"""Money a customer paid online for its own account: a credit by `online`, recorded once, which
only SumUp's confirmation (payments' OnlineTopUpPaid) makes; no one records it by hand."""

import uuid
from datetime import UTC, datetime

import pytest

from accounts.domain import Account
from accounts.domain.commands import RecordOnlineTopUp
from accounts.domain.exceptions import AmountOutOfRange, UnknownMode
from accounts.service_layer import messagebus
from ardoise.events import BalanceChanged, MovementRecorded, OnlineTopUpPaid

from .fakes import FakeUnitOfWork, Store

P = "ferme-a"
AT = datetime(2026, 11, 28, 9, tzinfo=UTC)


def paid(amount_cents: int = 2000, customer_id: str = "c1") -> OnlineTopUpPaid:
    return OnlineTopUpPaid(producer_id=P, customer_id=customer_id, top_up_id=uuid.uuid4(),
                           amount_cents=amount_cents, checkout_id="co-1", transaction_id="tx-1")


def test_money_received_online_is_a_credit_by_online_told_as_a_movement():
    account = Account(P, "c1", "Claire", balance_cents=-1250)
    movement = account.receive_online(1250, AT)
    assert (movement.kind, movement.amount_cents, movement.mode, movement.balance_after_cents,
            movement.label) == ("credit", 1250, "online", 0, "Recharge en ligne (SumUp)")
    assert account.balance_cents == 0 and account.new_movements == [movement]


@pytest.mark.parametrize("amount_cents", [0, -500])
def test_nothing_or_less_than_nothing_is_not_received(amount_cents):
    with pytest.raises(AmountOutOfRange):
        Account(P, "c1", "Claire").receive_online(amount_cents, AT)


def test_a_movement_by_hand_still_cannot_say_it_was_paid_online():
    with pytest.raises(UnknownMode):
        Account(P, "c1", "Claire").record("credit", 2000, None, "online", AT)


def test_a_top_up_paid_asks_for_its_credit():
    event = paid(2000)
    command = messagebus.command_for(event)
    assert isinstance(command, RecordOnlineTopUp)
    assert (command.event_id, command.customer_id, command.top_up_id, command.amount_cents) == (
        event.event_id, "c1", event.top_up_id, 2000)
    assert OnlineTopUpPaid in messagebus.CONSUMED


async def test_a_top_up_paid_is_credited_once_however_often_it_is_delivered():
    store = Store()
    store.accounts[(P, "c1")] = Account(P, "c1", "Claire", balance_cents=-2000)
    event = paid(2000)
    for _ in range(3):
        await messagebus.handle_batch([event], lambda: FakeUnitOfWork(store),
                                      "accounts.payments-events")
    assert store.accounts[(P, "c1")].balance_cents == 0
    [movement] = store.movements
    assert (movement.mode, movement.amount_cents) == ("online", 2000)
    [told] = [e for e in store.published if isinstance(e, MovementRecorded)]
    assert (told.mode, told.amount_cents, told.customer_id) == ("online", 2000, "c1")
    [balance] = [e for e in store.published if isinstance(e, BalanceChanged)]
    assert balance.balance_cents == 0


async def test_money_for_a_customer_not_known_yet_opens_its_account_nothing_is_lost():
    store = Store()
    await messagebus.handle_batch([paid(500, "c9")], lambda: FakeUnitOfWork(store),
                                  "accounts.payments-events")
    assert store.accounts[(P, "c9")].balance_cents == 500
