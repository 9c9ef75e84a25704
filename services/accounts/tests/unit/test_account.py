"""Manual movements, settlements and holds of one account, with the amounts of PRODUCT.md."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from accounts.domain import Account
from accounts.domain.exceptions import AmountOutOfRange, InvalidCustomer, LabelTooLong, UnknownMode

AT = datetime(2026, 11, 27, 10, tzinfo=UTC)
ORDER = uuid.UUID(int=42)


def account_with(balance_cents: int = 0) -> Account:
    account = Account.open("ferme-a", "c1", "Claire Martin", None)
    if balance_cents:
        account.record("credit" if balance_cents > 0 else "debit", abs(balance_cents), None, None, AT)
    return account


def test_a_top_up_by_transfer_raises_the_balance_and_says_so():
    account = account_with()
    movement = account.record("credit", 5000, None, "transfer", AT)
    assert (account.balance_cents, movement.balance_after_cents) == (5000, 5000)
    assert movement.label == "Recharge (virement)" and movement.kind == "credit"


def test_an_overpayment_raises_the_balance_by_the_difference():
    account = account_with()
    account.apply_settlement(None, ORDER, 1, 2000, "cash", 2500, AT)
    assert account.balance_cents == 500


def test_the_seed_settlement_story_ends_where_the_current_settlement_says():
    account = account_with()
    position = account.apply_settlement(None, ORDER, 1, 2000, "not_delivered", 0, AT)
    assert account.balance_cents == 0 and account.new_movements == []
    position = account.apply_settlement(position, ORDER, 2, 2000, "cash", 2500, AT)
    assert account.balance_cents == 500
    position = account.apply_settlement(position, ORDER, 3, 2000, "cheque", 2000, AT)
    assert account.balance_cents == 0
    labels = [m.label for m in account.new_movements]
    assert any(label.startswith("Annulation paiement espèces") for label in labels)
    position = account.apply_settlement(position, ORDER, 4, 2000, "account", 0, AT)
    assert account.balance_cents == -2000
    assert position.credited_cents == 0 and position.debited_cents == 2000


def test_a_stale_settlement_version_changes_nothing():
    account = account_with()
    position = account.apply_settlement(None, ORDER, 2, 2000, "account", 0, AT)
    assert account.apply_settlement(position, ORDER, 1, 2000, "cash", 9000, AT) is None
    assert account.apply_settlement(position, ORDER, 2, 2000, "cash", 9000, AT) is None
    assert account.balance_cents == -2000 and len(account.new_movements) == 1


@pytest.mark.parametrize(("balance", "applied"), [(500, 500), (-500, -500), (5000, 2000), (0, 0)])
def test_a_hold_uses_the_credit_up_to_the_total_or_collects_the_whole_debt(balance, applied):
    account = account_with(balance)
    hold = account.hold(ORDER, 1, 2000, AT + timedelta(minutes=30), None, AT)
    assert hold.amount_cents == applied and account.held_cents == applied
    assert account.available_cents == balance - applied


def test_a_second_hold_cannot_spend_the_same_credit_or_collect_the_same_debt():
    for balance in (500, -500):
        account = account_with(balance)
        account.hold(ORDER, 1, 2000, AT, None, AT)
        second = account.hold(uuid.uuid4(), 1, 2000, AT, None, AT)
        assert second.amount_cents == 0


def test_a_hold_is_posted_or_released_exactly_once():
    account = account_with(500)
    hold = account.hold(ORDER, 1, 2000, AT + timedelta(minutes=30), None, AT)
    assert account.release_hold(hold, "failed", AT)
    assert not account.post_hold(hold, AT) and not account.release_hold(hold, "failed", AT)
    assert account.held_cents == 0 and account.balance_cents == 500


def test_an_expired_hold_releases_itself():
    account = account_with(500)
    hold = account.hold(ORDER, 1, 2000, AT + timedelta(minutes=30), None, AT)
    assert account.expire_holds([hold], AT + timedelta(minutes=29)) == []
    assert account.expire_holds([hold], AT + timedelta(minutes=30)) == [hold]
    assert hold.status == "released" and hold.reason == "expired" and account.held_cents == 0


@pytest.mark.parametrize("amount", [0, -1, 1.5, True, 10**11 + 1, "100"])
def test_a_bad_amount_is_refused_and_changes_nothing(amount):
    account = account_with(100)
    with pytest.raises(AmountOutOfRange):
        account.record("credit", amount, None, None, AT)
    assert account.balance_cents == 100 and len(account.new_movements) == 1


def test_unknown_modes_directions_and_long_labels_are_refused():
    account = account_with()
    with pytest.raises(UnknownMode):
        account.record("credit", 100, None, "bitcoin", AT)
    with pytest.raises(UnknownMode):
        account.record("sideways", 100, None, None, AT)
    with pytest.raises(LabelTooLong):
        account.record("credit", 100, "x" * 201, None, AT)
    with pytest.raises(UnknownMode):
        account.apply_settlement(None, ORDER, 1, 2000, "barter", 0, AT)
    assert account.new_movements == [] and account.balance_cents == 0


def test_a_customer_needs_a_name():
    with pytest.raises(InvalidCustomer):
        Account.open("ferme-a", "c1", "   ", None)
