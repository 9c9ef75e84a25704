"""Holds at an online checkout: the seed's SumUp walkthrough, exactly once, expiry and guards."""

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from accounts.domain import Account, BalanceMoved, Hold, HoldClosed, HoldOpened
from accounts.domain.exceptions import AmountOutOfRange, InvalidAttempt

AT = datetime(2026, 11, 27, 10, tzinfo=UTC)
LATER = AT + timedelta(minutes=35)
ORDER = uuid.UUID(int=42)


def claire(balance_cents: int = 0) -> Account:
    account = Account.open("ferme-a", "c1", "Claire Martin", None)
    if balance_cents:
        direction = "credit" if balance_cents > 0 else "debit"
        account.record(direction, abs(balance_cents), None, None, AT)
    return account


def check_out(account: Account, total_cents: int = 2000, order_id=ORDER) -> tuple[Hold, int]:
    """The hold, and what SumUp is asked for."""
    hold = account.hold(order_id, 1, total_cents, LATER, None, AT)
    return hold, total_cents - hold.amount_cents


def test_seed_1_a_credit_of_5_euros_is_used_and_sumup_asked_for_15():
    account = claire(500)
    hold, asked_cents = check_out(account)
    assert (hold.amount_cents, asked_cents, account.available_cents) == (500, 1500, 0)
    account.apply_settlement(None, ORDER, 1, 2000, "online", {"online": asked_cents}, AT)
    assert account.post_hold(hold, AT)
    assert (account.balance_cents, account.held_cents) == (0, 0)


def test_seed_2_a_debt_of_5_euros_is_collected_and_sumup_asked_for_25():
    account = claire()
    account.record("debit", 500, None, None, AT)
    hold, asked_cents = check_out(account)
    assert (hold.amount_cents, asked_cents, account.available_cents) == (-500, 2500, 0)
    account.apply_settlement(None, ORDER, 1, 2000, "online", {"online": asked_cents}, AT)
    assert account.post_hold(hold, AT)
    assert (account.balance_cents, account.held_cents) == (0, 0)


def test_seed_3_a_credit_of_50_euros_covers_the_order_and_nothing_is_asked():
    account = claire(5000)
    hold, asked_cents = check_out(account)
    assert (hold.amount_cents, asked_cents, account.available_cents) == (2000, 0, 3000)
    account.apply_settlement(None, ORDER, 1, 2000, "account", {}, AT)
    assert account.post_hold(hold, AT)
    assert (account.balance_cents, account.held_cents) == (3000, 0)


def test_a_zero_balance_holds_nothing():
    account = claire()
    hold, asked_cents = check_out(account)
    assert (hold.amount_cents, asked_cents, account.held_cents) == (0, 2000, 0)
    assert hold.status == "pending"


@pytest.mark.parametrize("balance_cents", [500, -500])
def test_a_second_order_meanwhile_cannot_spend_the_same_credit_or_collect_the_same_debt(
        balance_cents):
    account = claire(balance_cents)
    first, _ = check_out(account)
    second, asked_cents = check_out(account, order_id=uuid.uuid4())
    assert first.amount_cents == balance_cents
    assert (second.amount_cents, asked_cents) == (0, 2000)


def test_two_orders_share_a_credit_without_exceeding_it():
    account = claire(3000)
    first, _ = check_out(account)
    second, asked_cents = check_out(account, order_id=uuid.uuid4())
    assert (first.amount_cents, second.amount_cents, asked_cents) == (2000, 1000, 1000)
    assert account.available_cents == 0


def test_asking_again_for_the_same_attempt_returns_the_same_hold_and_tells_it_again_only():
    account = claire(500)
    hold, _ = check_out(account)
    events = list(account.events)
    assert account.hold(ORDER, 1, 2000, LATER, hold, AT) is hold
    assert account.held_cents == 500
    assert account.events == [*events, HoldOpened(replace(hold), 2000)]  # no balance moved


def test_a_hold_of_another_attempt_is_not_taken_for_this_one():
    account = claire(500)
    hold, _ = check_out(account)
    with pytest.raises(ValueError):
        account.hold(ORDER, 2, 2000, LATER, hold, AT)


def test_opening_a_hold_is_told_with_a_copy_of_it():
    account = claire(500)
    hold, _ = check_out(account)
    assert account.events[-2:] == [HoldOpened(replace(hold), 2000), BalanceMoved(500, 500)]
    account.release_hold(hold, "failed", AT)
    [opened] = [event for event in account.events if isinstance(event, HoldOpened)]
    assert opened.hold.status == "pending" and hold.status == "released"


def test_posting_keeps_the_balance_and_frees_the_held_amount():
    account = claire(500)
    hold, _ = check_out(account)
    assert account.post_hold(hold, AT)
    assert (account.balance_cents, account.held_cents, hold.status) == (500, 0, "posted")
    assert (hold.closed_at, hold.reason) == (AT, "settled")
    assert account.events[-2:] == [HoldClosed(replace(hold)), BalanceMoved(500, 0)]


def test_a_failed_checkout_releases_the_hold_and_leaves_the_balance():
    account = claire(500)
    hold, _ = check_out(account)
    assert account.release_hold(hold, "failed", AT)
    assert (account.balance_cents, account.available_cents, hold.status) == (500, 500, "released")
    assert hold.reason == "failed"


def test_a_new_attempt_gives_back_the_earlier_attempts_hold_before_it_holds():
    account = claire(500)
    first, _ = check_out(account)
    assert account.available_cents == 0
    released = account.release_earlier_attempts([first], 2, AT)
    second = account.hold(ORDER, 2, 2000, LATER, None, AT)
    assert released == [first] and (first.status, first.reason) == ("released", "superseded")
    assert (second.amount_cents, account.held_cents, account.balance_cents) == (500, 500, 500)
    # the failure of the first attempt, heard of afterwards, changes nothing
    assert not account.release_hold(first, "failed", AT) and account.held_cents == 500
    assert account.release_earlier_attempts([first, second], 2, AT) == []


@pytest.mark.parametrize("first_post", [True, False])
def test_a_hold_is_posted_or_released_exactly_once(first_post):
    account = claire(500)
    hold, _ = check_out(account)
    assert account.post_hold(hold, AT) if first_post else account.release_hold(hold, "failed", AT)
    closed, events = replace(hold), list(account.events)
    assert not account.post_hold(hold, LATER)
    assert not account.release_hold(hold, "expired", LATER)
    assert account.expire_holds([hold], LATER) == []
    assert hold == closed and account.events == events
    assert (account.balance_cents, account.held_cents) == (500, 0)


def test_a_hold_expires_at_its_expiry_and_not_before():
    account = claire(500)
    hold, _ = check_out(account)
    assert account.expire_holds([hold], LATER - timedelta(seconds=1)) == []
    assert account.expire_holds([hold], LATER) == [hold]
    assert (hold.status, hold.reason, hold.closed_at, account.held_cents) == \
        ("released", "expired", LATER, 0)


def test_expiring_several_holds_tells_the_new_figures_once():
    account = claire(5000)
    holds = [check_out(account, order_id=uuid.uuid4())[0] for _ in range(3)]
    later_one = account.hold(uuid.uuid4(), 1, 2000, LATER + timedelta(hours=1), None, AT)
    released = account.expire_holds([*holds, later_one], LATER)
    assert released == holds and account.held_cents == later_one.amount_cents == 0
    assert [type(e).__name__ for e in account.events[-4:]] == ["HoldClosed"] * 3 + ["BalanceMoved"]


@pytest.mark.parametrize(("attempt", "total", "error"), [
    (-1, 2000, InvalidAttempt), (1.0, 2000, InvalidAttempt), (True, 2000, InvalidAttempt),
    (1, -1, AmountOutOfRange), (1, 10**11 + 1, AmountOutOfRange), (1, 19.99, AmountOutOfRange),
])
def test_a_bad_hold_request_is_refused_and_holds_nothing(attempt, total, error):
    account = claire(500)
    events = list(account.events)
    with pytest.raises(error):
        account.hold(ORDER, attempt, total, LATER, None, AT)
    assert account.held_cents == 0 and account.events == events
