"""Registering a customer and recording movements by hand, with every guard."""

import uuid
from datetime import UTC, datetime

import pytest

from accounts.domain import Account, BalanceMoved, CustomerDetailsSet
from accounts.domain.exceptions import (
    AmountOutOfRange,
    InvalidCustomer,
    InvalidLabel,
    LabelTooLong,
    UnknownDirection,
    UnknownMode,
)
from ardoise.errors import Invalid

AT = datetime(2026, 11, 27, 10, tzinfo=UTC)


def claire(balance_cents: int = 0) -> Account:
    account = Account.open("ferme-a", "c1", "Claire Martin", "claire@example.org")
    if balance_cents:
        direction = "credit" if balance_cents > 0 else "debit"
        account.record(direction, abs(balance_cents), None, None, AT)
    return account


def snapshot(account: Account) -> tuple:
    return (account.balance_cents, account.held_cents, list(account.new_movements),
            list(account.events))


def test_a_registered_customer_starts_at_zero_with_a_trimmed_name():
    account = Account.open("ferme-a", "c1", "  Claire Martin ", None)
    assert (account.name, account.balance_cents, account.held_cents) == ("Claire Martin", 0, 0)
    assert account.available_cents == 0 and account.new_movements == []
    assert account.events == [CustomerDetailsSet("Claire Martin", None)]


@pytest.mark.parametrize(("name", "email", "field"), [
    ("   ", None, "name"), ("", None, "name"), ("x" * 201, None, "name"),
    ("Claire", "no-at-sign", "email"), ("Claire", "c@" + "x" * 253, "email"),
])
def test_a_customer_needs_a_name_and_a_plausible_email(name, email, field):
    with pytest.raises(InvalidCustomer) as refused:
        Account.open("ferme-a", "c1", name, email)
    assert refused.value.field == field and isinstance(refused.value, Invalid)


def test_renaming_keeps_the_balance_and_refuses_a_blank_name():
    account = claire(500)
    account.rename("Claire Dubois", None)
    assert (account.name, account.email, account.balance_cents) == ("Claire Dubois", None, 500)
    with pytest.raises(InvalidCustomer):
        account.rename(" ", None)
    assert account.name == "Claire Dubois"


def test_a_top_up_of_50_euros_by_transfer_raises_the_balance_and_says_so():
    account = claire()
    movement = account.record("credit", 5000, None, "transfer", AT)
    assert (account.balance_cents, movement.balance_after_cents) == (5000, 5000)
    assert (movement.kind, movement.amount_cents, movement.mode) == ("credit", 5000, "transfer")
    assert movement.label == "Recharge (virement)" and movement.order_id is None
    assert movement.at == AT and movement.customer_id == "c1"
    assert isinstance(movement.movement_id, uuid.UUID)


def test_a_debit_of_5_euros_puts_the_customer_in_the_negative():
    account = claire()
    movement = account.record("debit", 500, None, None, AT)
    assert (movement.amount_cents, movement.label, account.balance_cents) == (-500, "Débit", -500)
    assert account.available_cents == -500


def test_a_plain_credit_is_labelled_credit_and_a_given_label_is_kept():
    account = claire()
    assert account.record("credit", 100, None, None, AT).label == "Crédit"
    assert account.record("credit", 100, "Avance marché de Noël", "cash", AT).label == \
        "Avance marché de Noël"
    assert account.record("debit", 100, None, "cash", AT).label == "Débit (espèces)"


def test_each_movement_tells_the_new_balance():
    account = claire()
    account.record("credit", 5000, None, "transfer", AT)
    movement = account.record("debit", 2000, None, None, AT)
    assert movement.balance_after_cents == 3000
    assert account.events[-1] == BalanceMoved(3000, 0, movement.movement_id)


def test_the_largest_sane_amount_is_accepted():
    account = claire()
    account.record("credit", 10**11, None, None, AT)
    assert account.balance_cents == 10**11


@pytest.mark.parametrize("amount", [0, -1, 1.5, True, 10**11 + 1, "100", None])
def test_a_bad_amount_is_refused_and_changes_nothing(amount):
    account = claire(100)
    before = snapshot(account)
    with pytest.raises(AmountOutOfRange) as refused:
        account.record("credit", amount, None, None, AT)
    assert refused.value.field == "amount_cents"
    assert snapshot(account) == before


@pytest.mark.parametrize("mode", ["bitcoin", "online", "account", "not_delivered", "CASH", ""])
def test_a_mode_that_is_not_a_manual_mode_is_refused_and_changes_nothing(mode):
    account = claire(100)
    before = snapshot(account)
    with pytest.raises(UnknownMode) as refused:
        account.record("credit", 100, None, mode, AT)
    assert refused.value.field == "mode" and snapshot(account) == before


@pytest.mark.parametrize("direction", ["sideways", "CREDIT", "", None])
def test_an_unknown_direction_is_refused_and_changes_nothing(direction):
    account = claire(100)
    before = snapshot(account)
    with pytest.raises(UnknownDirection):
        account.record(direction, 100, None, None, AT)
    assert snapshot(account) == before


def test_a_label_of_200_characters_fits_and_one_more_is_refused():
    account = claire()
    assert account.record("credit", 100, "é" * 200, None, AT).label == "é" * 200
    before = snapshot(account)
    with pytest.raises(LabelTooLong) as refused:
        account.record("credit", 100, "x" * 201, None, AT)
    with pytest.raises(InvalidLabel):
        account.record("credit", 100, 42, None, AT)
    assert refused.value.field == "label" and snapshot(account) == before
