"""Settlement rules: modes, amounts paid, versions, credit notes owed, and the settings."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ardoise.errors import Conflict, Invalid
from ardoise.money import MAX_AMOUNT_CENTS
from payments.domain.settlement import (
    MODES,
    PAYING_MODES,
    PaymentSettings,
    Settlement,
    settle,
)

DEFAULTS = PaymentSettings()
FIRST = Settlement()


def test_an_order_never_settled_is_not_delivered_with_nothing_paid_at_version_0():
    assert (FIRST.mode, FIRST.amount_paid_cents, FIRST.version) == ("not_delivered", 0, 0)


@pytest.mark.parametrize("mode", sorted(PAYING_MODES))
def test_a_paying_mode_without_an_amount_is_paid_the_order_total(mode):
    assert settle(FIRST, 2000, mode, None, DEFAULTS) == Settlement(mode, 2000, 1)


@pytest.mark.parametrize("mode", ["account", "not_delivered"])
def test_account_and_not_delivered_are_paid_nothing(mode):
    settled = settle(Settlement("cash", 2500, 3), 2000, mode, None, DEFAULTS)
    assert settled == Settlement(mode, 0, 4)
    assert settle(Settlement("cash", 2500, 3), 2000, mode, 0, DEFAULTS) == settled


@pytest.mark.parametrize("mode", ["account", "not_delivered"])
def test_an_amount_paid_with_account_or_not_delivered_is_refused_naming_the_field(mode):
    with pytest.raises(Invalid) as refused:
        settle(FIRST, 2000, mode, 500, DEFAULTS)
    assert refused.value.field == "amount_paid_cents"


@pytest.mark.parametrize("paid", [-1, MAX_AMOUNT_CENTS + 1])
def test_a_negative_or_absurd_amount_paid_is_refused_naming_the_field(paid):
    with pytest.raises(Invalid) as refused:
        settle(FIRST, 2000, "cash", paid, DEFAULTS)
    assert refused.value.field == "amount_paid_cents"


def test_a_mode_the_producer_does_not_accept_is_refused_naming_the_mode():
    only_cash = DEFAULTS.changed(accepted_modes=["cash"])
    with pytest.raises(Invalid) as refused:
        settle(FIRST, 2000, "cheque", None, only_cash)
    assert refused.value.field == "mode" and "cheque" in refused.value.message
    with pytest.raises(Invalid):
        settle(FIRST, 2000, "bitcoin", None, DEFAULTS)


def test_not_delivered_is_always_offered_whatever_modes_are_accepted():
    nothing_accepted = DEFAULTS.changed(accepted_modes=[], online_payment_required=False)
    assert settle(Settlement("cash", 2000, 1), 2000, "not_delivered", None, nothing_accepted)
    assert nothing_accepted.offered_modes == ("not_delivered",)


def test_with_payment_tracking_off_no_settlement_can_be_set():
    with pytest.raises(Conflict, match="payment tracking is off"):
        settle(FIRST, 2000, "cash", None, DEFAULTS.changed(payment_tracking=False))


def test_the_same_settlement_again_changes_nothing_and_keeps_its_version():
    current = Settlement("cash", 2500, 2)
    assert settle(current, 2000, "cash", 2500, DEFAULTS) is None
    assert settle(Settlement("cash", 2000, 2), 2000, "cash", None, DEFAULTS) is None
    assert settle(FIRST, 2000, "not_delivered", None, DEFAULTS) is None


def test_each_change_of_mode_or_amount_is_the_next_version():
    first = settle(FIRST, 2000, "cash", 2500, DEFAULTS)
    second = settle(first, 2000, "cash", 2000, DEFAULTS)
    third = settle(second, 2000, "cheque", 2000, DEFAULTS)
    assert [s.version for s in (first, second, third)] == [1, 2, 3]


def test_overpayment_is_owed_to_the_customer_and_underpayment_owed_by_it():
    assert Settlement("cash", 2500, 1).credit_note_for(2000) == 500
    assert Settlement("card", 1500, 1).credit_note_for(2000) == -500
    assert Settlement("cheque", 2000, 1).credit_note_for(2000) == 0
    assert Settlement("account", 0, 1).credit_note_for(2000) == 0
    assert Settlement("not_delivered", 0, 1).credit_note_for(2000) == 0



def test_an_online_payment_of_what_was_asked_owes_nothing_whatever_balance_it_applied():
    # the seed: 5,00 € of credit applied → 15,00 € asked and paid; 5,00 € of debt → 25,00 €
    with_credit = settle(FIRST, 2000, "online", 1500, DEFAULTS, balance_applied_cents=500)
    with_debt = settle(FIRST, 2000, "online", 2500, DEFAULTS, balance_applied_cents=-500)
    assert with_credit.credit_note_for(2000) == 0
    assert with_debt.credit_note_for(2000) == 0
    # the operator later records the same order as paid 15,00 € in cash: no balance applied
    by_hand = settle(with_credit, 2000, "cash", 1500, DEFAULTS)
    assert by_hand.credit_note_for(2000) == -500

@given(total=st.integers(1, MAX_AMOUNT_CENTS), paid=st.none() | st.integers(0, MAX_AMOUNT_CENTS),
       mode=st.sampled_from(MODES), version=st.integers(0, 1000))
def test_a_settlement_is_never_negative_and_its_credit_note_is_paid_minus_total(total, paid,
                                                                                  mode, version):
    current = Settlement("transfer", 1, version)
    try:
        settled = settle(current, total, mode, paid, DEFAULTS)
    except Invalid as refused:
        assert mode not in PAYING_MODES and paid and refused.field == "amount_paid_cents"
        return
    if settled is None:  # the same settlement again
        assert (mode, paid if paid is not None else total) == ("transfer", 1)
        return
    assert settled.version == version + 1
    assert 0 <= settled.amount_paid_cents <= MAX_AMOUNT_CENTS
    owed = settled.credit_note_for(total)
    if mode in PAYING_MODES:
        assert owed == settled.amount_paid_cents - total
    else:
        assert settled.amount_paid_cents == 0 and owed == 0


def test_the_defaults_track_payments_accept_every_mode_and_do_not_require_online_payment():
    assert DEFAULTS.payment_tracking and not DEFAULTS.online_payment_required
    assert set(DEFAULTS.accepted_modes) == set(MODES) - {"not_delivered"}


def test_changing_one_setting_keeps_the_others():
    changed = DEFAULTS.changed(accepted_modes=["cash", "online"], online_payment_required=True)
    off = changed.changed(payment_tracking=False)
    assert off.accepted_modes == ("cash", "online") and off.online_payment_required
    assert not off.payment_tracking


def test_accepted_modes_are_kept_once_each_in_the_order_given():
    assert DEFAULTS.changed(accepted_modes=["card", "cash", "card"]).accepted_modes == ("card",
                                                                                       "cash")


@pytest.mark.parametrize("modes", [["not_delivered"], ["cash", "bitcoin"]])
def test_not_delivered_or_an_unknown_mode_cannot_be_accepted(modes):
    with pytest.raises(Invalid) as refused:
        DEFAULTS.changed(accepted_modes=modes)
    assert refused.value.field == "accepted_modes"


def test_online_payment_cannot_be_required_of_a_producer_that_does_not_accept_it():
    with pytest.raises(Invalid) as refused:
        DEFAULTS.changed(accepted_modes=["cash"], online_payment_required=True)
    assert refused.value.field == "accepted_modes"
    with pytest.raises(Invalid):
        DEFAULTS.changed(online_payment_required=True).changed(accepted_modes=["cash"])


def test_a_producer_is_in_paris_until_it_names_another_time_zone():
    assert DEFAULTS.time_zone == "Europe/Paris"
    assert DEFAULTS.changed(time_zone="America/Cayenne").time_zone == "America/Cayenne"


@pytest.mark.parametrize("zone", ["Europe/Lutece", "UTC+1", "", 1])
def test_a_time_zone_that_is_not_an_iana_name_is_refused_naming_the_field(zone):
    with pytest.raises(Invalid) as refused:
        DEFAULTS.changed(time_zone=zone)
    assert refused.value.field == "time_zone"
