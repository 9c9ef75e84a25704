"""Settling an order, and changing its settlement later, with the amounts of PRODUCT.md."""

import uuid
from datetime import UTC, datetime

import pytest

from accounts.domain import Account, BalanceMoved, OrderPosition
from accounts.domain.exceptions import AmountOutOfRange, InvalidVersion, UnknownMode

AT = datetime(2026, 11, 27, 10, tzinfo=UTC)
ORDER = uuid.UUID("1a2b3c4d-0000-4000-8000-000000000042")


def claire() -> Account:
    return Account.open("ferme-a", "c1", "Claire Martin", None)


def settle(account, position, version, mode, received=None, total_cents=2000):
    """`received` as the payments service tells it; a bare amount is received in `mode`."""
    if isinstance(received, int):
        received = {mode: received}
    return account.apply_settlement(position, ORDER, version, total_cents, mode, received or {},
                                    AT)


def order_effect(account: Account) -> int:
    return sum(m.amount_cents for m in account.new_movements if m.order_id == ORDER)


def test_an_order_not_delivered_does_not_count_in_the_account():
    account = claire()
    position = settle(account, None, 1, "not_delivered")
    assert account.balance_cents == 0 and account.new_movements == []
    assert position == OrderPosition(ORDER, 1, 0, {})


def test_an_order_deducted_from_the_account_debits_its_total():
    account = claire()
    position = settle(account, None, 1, "account")
    [movement] = account.new_movements
    assert (movement.kind, movement.amount_cents, movement.label) == \
        ("order", -2000, "Commande 1a2b3c4d")
    assert (movement.order_id, movement.mode, account.balance_cents) == (ORDER, "account", -2000)
    assert position == OrderPosition(ORDER, 1, 2000, {})


def test_overpayment_raises_the_balance_by_the_difference():
    account = claire()
    position = settle(account, None, 1, "cash", 2500)
    assert account.balance_cents == 500
    debit, payment = account.new_movements
    assert (debit.kind, debit.amount_cents) == ("order", -2000)
    assert (payment.kind, payment.amount_cents, payment.mode) == ("payment", 2500, "cash")
    assert payment.label == "Paiement espèces 1a2b3c4d" and payment.balance_after_cents == 500
    assert position == OrderPosition(ORDER, 1, 2000, {"cash": 2500})
    assert account.events[-1] == BalanceMoved(500, 0, payment.movement_id)


def test_an_exact_cheque_leaves_the_balance_where_it_was():
    account = claire()
    settle(account, None, 1, "cheque", 2000)
    assert account.balance_cents == 0 and len(account.new_movements) == 2


def test_underpayment_makes_the_customer_owe_the_difference():
    account = claire()
    settle(account, None, 1, "card", 1500)
    assert account.balance_cents == -500


def test_changing_the_mode_reverses_the_old_payment_in_full_and_posts_the_new_one():
    account = claire()
    position = settle(account, None, 1, "cash", 2500)
    settle(account, position, 2, "cheque", 2000)
    reversal, payment = account.new_movements[2:]
    assert (reversal.amount_cents, reversal.mode) == (-2500, "cash")
    assert reversal.label == "Annulation paiement espèces 1a2b3c4d"
    assert (payment.amount_cents, payment.mode, payment.label) == \
        (2000, "cheque", "Paiement chèque 1a2b3c4d")
    assert account.balance_cents == 0


def test_the_same_mode_with_another_amount_posts_only_the_difference():
    account = claire()
    position = settle(account, None, 1, "cash", 2500)
    settle(account, position, 2, "cash", 2000)
    [correction] = account.new_movements[2:]
    assert (correction.amount_cents, correction.mode) == (-500, "cash")
    assert correction.label == "Correction paiement espèces 1a2b3c4d"
    assert account.balance_cents == 0


def test_the_seed_settlement_story_ends_where_the_current_settlement_says():
    account = claire()
    position = settle(account, None, 1, "not_delivered")
    position = settle(account, position, 2, "cash", 2500)
    assert account.balance_cents == 500
    position = settle(account, position, 3, "cheque", 2000)
    assert account.balance_cents == 0
    position = settle(account, position, 4, "cheque", 0)
    assert account.new_movements[-1].label == "Annulation paiement chèque 1a2b3c4d"
    position = settle(account, position, 5, "account")
    assert account.balance_cents == -2000
    assert position == OrderPosition(ORDER, 5, 2000, {})
    settle(account, position, 6, "not_delivered")
    assert account.balance_cents == 0 and order_effect(account) == 0
    assert account.new_movements[-1].label == "Commande non livrée 1a2b3c4d"


def test_money_received_stays_on_the_account_when_the_order_is_not_delivered_after_all():
    account = claire()
    position = settle(account, None, 1, "online", {"online": 2500}, total_cents=2500)
    settle(account, position, 2, "not_delivered", {"online": 2500}, total_cents=2500)
    reversal = account.new_movements[-1]
    assert (reversal.kind, reversal.amount_cents) == ("order", 2500)
    assert reversal.label == "Commande non livrée 1a2b3c4d"
    assert account.balance_cents == 2500


def test_an_order_paid_by_hand_and_online_counts_both_payments_and_credits_the_surplus():
    account = claire()
    position = settle(account, None, 1, "cash", {"cash": 4000}, total_cents=4000)
    position = settle(account, position, 2, "cash", {"cash": 4000, "online": 4000},
                      total_cents=4000)
    [online] = account.new_movements[2:]
    assert (online.amount_cents, online.mode, online.label) == \
        (4000, "online", "Paiement en ligne 1a2b3c4d")
    assert account.balance_cents == 4000
    assert position == OrderPosition(ORDER, 2, 4000, {"cash": 4000, "online": 4000})


def test_money_given_back_online_is_a_refund_in_part_then_in_full():
    account = claire()
    position = settle(account, None, 1, "online", {"online": 2500}, total_cents=2500)
    position = settle(account, position, 2, "online", {"online": 1000}, total_cents=2500)
    settle(account, position, 3, "online", {}, total_cents=2500)
    part, rest = account.new_movements[2:]
    assert (part.amount_cents, part.label) == (-1500, "Remboursement en ligne 1a2b3c4d")
    assert (rest.amount_cents, rest.label) == (-1000, "Remboursement en ligne 1a2b3c4d")
    assert account.balance_cents == -2500


def test_a_changed_order_total_is_corrected_by_the_difference():
    account = claire()
    position = settle(account, None, 1, "account")
    settle(account, position, 2, "account", total_cents=2350)
    [correction] = account.new_movements[1:]
    assert (correction.amount_cents, correction.label) == (-350, "Correction commande 1a2b3c4d")
    assert account.balance_cents == -2350


def test_a_stale_or_redelivered_settlement_version_changes_nothing():
    account = claire()
    position = settle(account, None, 2, "account")
    events = list(account.events)
    assert settle(account, position, 1, "cash", 9000) is None
    assert settle(account, position, 2, "cash", 9000) is None
    assert account.balance_cents == -2000 and len(account.new_movements) == 1
    assert account.events == events


def test_versions_arriving_out_of_order_end_on_the_highest_one():
    account = claire()
    position = settle(account, None, 3, "cheque", 2000)
    assert settle(account, position, 2, "cash", 2500) is None
    assert account.balance_cents == 0 and order_effect(account) == 0


def test_a_settlement_that_changes_no_figure_moves_nothing_but_its_version():
    account = claire()
    position = settle(account, None, 1, "cash", 2500)
    events = list(account.events)
    assert settle(account, position, 2, "cash", 2500) == OrderPosition(ORDER, 2, 2000,
                                                                       {"cash": 2500})
    assert len(account.new_movements) == 2 and account.events == events


def test_a_position_of_another_order_is_a_programming_error():
    account = claire()
    with pytest.raises(ValueError):
        settle(account, OrderPosition(uuid.uuid4(), 1, 2000), 2, "account")


@pytest.mark.parametrize(("version", "total", "mode", "received", "error", "field"), [
    (1, 2000, "barter", {}, UnknownMode, "mode"),
    (1, 2000, None, {}, UnknownMode, "mode"),
    (0, 2000, "cash", {"cash": 2000}, InvalidVersion, "version"),
    (1.0, 2000, "cash", {"cash": 2000}, InvalidVersion, "version"),
    (1, -1, "cash", {"cash": 2000}, AmountOutOfRange, "total_cents"),
    (1, 20.0, "cash", {"cash": 2000}, AmountOutOfRange, "total_cents"),
    (1, 2000, "cash", {"cash": -1}, AmountOutOfRange, "received"),
    (1, 2000, "cash", {"cash": 10**11 + 1}, AmountOutOfRange, "received"),
    (1, 2000, "cash", {"cash": True}, AmountOutOfRange, "received"),
    (1, 2000, "cash", {"account": 2000}, UnknownMode, "received"),
    (1, 2000, "cash", {"cash": 2000, "bitcoin": 1}, UnknownMode, "received"),
])
def test_a_bad_settlement_is_refused_and_changes_nothing(version, total, mode, received, error,
                                                          field):
    account = claire()
    with pytest.raises(error) as refused:
        account.apply_settlement(None, ORDER, version, total, mode, received, AT)
    assert refused.value.field == field
    assert (account.balance_cents, account.new_movements, account.events[1:]) == (0, [], [])
