"""What an account's changes in one transaction tell the other services."""

import uuid
from datetime import UTC, datetime, timedelta

from accounts.domain import Account
from accounts.service_layer.told import told
from ardoise.events import (
    BalanceChanged,
    BalanceHeld,
    CustomerRegistered,
    HoldReleased,
    MovementRecorded,
)

AT = datetime(2026, 11, 28, 9, tzinfo=UTC)
ORDER = uuid.UUID(int=9)


def test_a_hold_is_told_first_then_what_else_happened_then_the_balance_once_as_it_ends():
    account = Account.open("ferme-a", "c1", "Claire Martin", None)
    movement = account.record("credit", 800, None, "cash", AT)
    first = account.hold(ORDER, 1, 2000, AT + timedelta(minutes=35), None, AT)
    account.release_earlier_attempts([first], 2, AT)
    second = account.hold(ORDER, 2, 2000, AT + timedelta(minutes=35), None, AT)
    events = told(account)
    assert [type(e) for e in events] == [BalanceHeld, BalanceHeld, CustomerRegistered,
                                        MovementRecorded, HoldReleased, BalanceChanged]
    assert [e.attempt for e in events[:2]] == [1, 2]
    assert (events[3].movement_id, events[3].amount_cents, events[3].mode) == (
        movement.movement_id, 800, "cash")
    assert events[4].reason == "superseded" and events[4].hold_id == first.hold_id
    changed = events[-1]
    assert (changed.balance_cents, changed.held_cents, changed.movement_id) == (
        800, second.amount_cents, movement.movement_id)


def test_an_account_that_did_nothing_tells_nothing():
    account = Account("ferme-a", "c1", "Claire Martin")
    assert told(account) == []
