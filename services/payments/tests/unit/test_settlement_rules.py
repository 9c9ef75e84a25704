"""Settlement rules: modes, amounts paid, versions, credit notes owed, and the settings."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ardoise.errors import Conflict, Invalid
from ardoise.money import MAX_AMOUNT_CENTS
from payments.domain.settlement import (
    MANUAL_MODES,
    MODES,
    PaymentSettings,
    Settlement,
    record_online_payment,
    refund_online,
    settle,
)

DEFAULTS = PaymentSettings(payment_tracking=True)
"""A producer that turned payment tracking on and changed nothing else."""
FIRST = Settlement()


def paid(mode: str, cents: int, version: int = 1) -> Settlement:
    return Settlement(mode, {mode: cents}, version)


def test_an_order_never_settled_is_not_delivered_with_nothing_paid_at_version_0():
    assert (FIRST.mode, FIRST.amount_paid_cents, FIRST.version) == ("not_delivered", 0, 0)


@pytest.mark.parametrize("mode", sorted(MANUAL_MODES))
def test_a_manual_mode_without_an_amount_is_paid_the_order_total(mode):
    assert settle(FIRST, 2000, mode, None, DEFAULTS) == paid(mode, 2000)


@pytest.mark.parametrize("mode", ["account", "not_delivered"])
def test_account_and_not_delivered_keep_the_money_received_for_the_order(mode):
    settled = settle(paid("cash", 2500, 3), 2000, mode, None, DEFAULTS)
    assert settled == Settlement(mode, {"cash": 2500}, 4)
    assert settle(paid("cash", 2500, 3), 2000, mode, 0, DEFAULTS) == settled
    assert settled.amount_paid_cents == 2500


def test_online_is_never_set_by_hand():
    with pytest.raises(Conflict, match="SumUp"):
        settle(FIRST, 2000, "online", 2000, DEFAULTS)
    with pytest.raises(Conflict):
        settle(paid("cash", 2000), 2000, "online", None, DEFAULTS)


def test_a_correction_by_hand_moves_money_between_manual_modes_and_keeps_online_money():
    online = record_online_payment(FIRST, 2000, 0)
    by_hand = settle(online, 2000, "cash", 2000, DEFAULTS)
    assert by_hand.received == {"online": 2000, "cash": 2000} and by_hand.paid_twice
    corrected = settle(by_hand, 2000, "cheque", 1500, DEFAULTS)
    assert corrected.received == {"online": 2000, "cheque": 1500}
    counted_nothing = settle(corrected, 2000, "cheque", 0, DEFAULTS)
    assert counted_nothing.received == {"online": 2000} and not counted_nothing.paid_twice


@pytest.mark.parametrize("mode", ["account", "not_delivered"])
def test_an_amount_paid_with_account_or_not_delivered_is_refused_naming_the_field(mode):
    with pytest.raises(Invalid) as refused:
        settle(FIRST, 2000, mode, 500, DEFAULTS)
    assert refused.value.field == "amount_paid_cents"


@pytest.mark.parametrize("paid_cents", [-1, MAX_AMOUNT_CENTS + 1])
def test_a_negative_or_absurd_amount_paid_is_refused_naming_the_field(paid_cents):
    with pytest.raises(Invalid) as refused:
        settle(FIRST, 2000, "cash", paid_cents, DEFAULTS)
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
    assert settle(paid("cash", 2000), 2000, "not_delivered", None, nothing_accepted)
    assert nothing_accepted.offered_modes == ("not_delivered",)


def test_with_payment_tracking_off_no_settlement_can_be_set():
    with pytest.raises(Conflict, match="payment tracking is off"):
        settle(FIRST, 2000, "cash", None, DEFAULTS.changed(payment_tracking=False))


def test_the_same_settlement_again_changes_nothing_and_keeps_its_version():
    assert settle(paid("cash", 2500, 2), 2000, "cash", 2500, DEFAULTS) is None
    assert settle(paid("cash", 2000, 2), 2000, "cash", None, DEFAULTS) is None
    assert settle(FIRST, 2000, "not_delivered", None, DEFAULTS) is None


def test_each_change_of_mode_or_amount_is_the_next_version():
    first = settle(FIRST, 2000, "cash", 2500, DEFAULTS)
    second = settle(first, 2000, "cash", 2000, DEFAULTS)
    third = settle(second, 2000, "cheque", 2000, DEFAULTS)
    assert [s.version for s in (first, second, third)] == [1, 2, 3]


def test_overpayment_is_owed_to_the_customer_and_underpayment_owed_by_it():
    assert paid("cash", 2500).credit_note_for(2000) == 500
    assert paid("card", 1500).credit_note_for(2000) == -500
    assert paid("cheque", 2000).credit_note_for(2000) == 0
    assert Settlement("account", {}, 1).credit_note_for(2000) == 0
    assert Settlement("not_delivered", {}, 1).credit_note_for(2000) == 0


def test_an_online_payment_of_what_was_asked_owes_nothing_whatever_balance_it_applied():
    # the seed: 5,00 € of credit applied → 15,00 € asked and paid; 5,00 € of debt → 25,00 €
    with_credit = record_online_payment(FIRST, 1500, 500)
    with_debt = record_online_payment(FIRST, 2500, -500)
    assert (with_credit.mode, with_credit.received) == ("online", {"online": 1500})
    assert with_credit.credit_note_for(2000) == 0
    assert with_debt.credit_note_for(2000) == 0


def test_paying_online_an_order_settled_by_hand_keeps_both_payments_and_owes_the_surplus():
    by_hand = settle(FIRST, 4000, "cash", None, DEFAULTS)
    both = record_online_payment(by_hand, 4000, 0)
    assert (both.mode, both.received, both.paid_twice) == ("cash", {"cash": 4000,
                                                                   "online": 4000}, True)
    assert both.credit_note_for(4000) == 4000


def test_a_refund_gives_back_online_money_in_part_or_in_full_never_more():
    online = record_online_payment(FIRST, 2500, 0)
    part = refund_online(online, 1000)
    assert (part.mode, part.received, part.version) == ("online", {"online": 1500}, 2)
    assert refund_online(part, 1500).received == {}
    with pytest.raises(Conflict):
        refund_online(part, 1501)
    with pytest.raises(Conflict):
        refund_online(paid("cash", 2000), 1)


@given(total=st.integers(1, MAX_AMOUNT_CENTS),
       amount=st.none() | st.integers(0, MAX_AMOUNT_CENTS),
       mode=st.sampled_from([m for m in MODES if m != "online"]), version=st.integers(0, 1000),
       online_cents=st.integers(0, 10**6))
def test_a_settlement_by_hand_never_changes_online_money_and_its_credit_note_is_received_minus_total(
        total, amount, mode, version, online_cents):
    current = Settlement("transfer", {"transfer": 1, "online": online_cents} if online_cents
                         else {"transfer": 1}, version)
    try:
        settled = settle(current, total, mode, amount, DEFAULTS)
    except Invalid as refused:
        assert mode not in MANUAL_MODES and amount and refused.field == "amount_paid_cents"
        return
    if settled is None:  # the same settlement again
        assert (mode, amount if amount is not None else total) == ("transfer", 1)
        return
    assert settled.version == version + 1
    assert settled.received.get("online", 0) == online_cents
    assert all(0 < cents <= MAX_AMOUNT_CENTS for cents in settled.received.values())
    owed = settled.credit_note_for(total)
    if mode in MANUAL_MODES:
        manual = amount if amount is not None else total
        assert settled.amount_paid_cents == manual + online_cents
        assert owed == settled.amount_paid_cents - total
    else:
        assert settled.received == current.received and owed == 0


def test_the_defaults_do_not_track_payments_accept_every_mode_but_online_and_require_none():
    new = PaymentSettings()
    assert not new.payment_tracking and not new.online_payment_required
    assert set(new.accepted_modes) == set(MODES) - {"not_delivered", "online"}
    with pytest.raises(Conflict, match="tracking is off"):
        settle(FIRST, 2000, "cash", None, new)


CONNECTED = DEFAULTS.changed(sumup_merchant_code="MFERME01", sumup_connected=True)


def test_online_payment_is_accepted_only_with_the_producers_own_sumup_account():
    with pytest.raises(Conflict, match="SumUp"):
        DEFAULTS.changed(accepted_modes=["cash", "online"])
    with pytest.raises(Conflict):
        DEFAULTS.changed(accepted_modes=["online"], sumup_merchant_code="MFERME01")
    with pytest.raises(Conflict):
        DEFAULTS.changed(accepted_modes=["online"], sumup_connected=True)
    assert CONNECTED.changed(accepted_modes=["online"]).takes_online_payments


def test_changing_one_setting_keeps_the_others():
    changed = CONNECTED.changed(accepted_modes=["cash", "online"], online_payment_required=True)
    paris = changed.changed(time_zone="America/Cayenne")
    assert paris.accepted_modes == ("cash", "online") and paris.online_payment_required
    assert paris.payment_tracking and paris.sumup_merchant_code == "MFERME01"


def test_online_payment_needs_payment_tracking_on_since_it_uses_the_balance():
    online = CONNECTED.changed(accepted_modes=["cash", "online"])
    with pytest.raises(Conflict, match="tracking"):
        online.changed(payment_tracking=False)
    with pytest.raises(Conflict, match="tracking"):
        CONNECTED.changed(payment_tracking=False).changed(accepted_modes=["online"])
    off = online.changed(accepted_modes=["cash"]).changed(payment_tracking=False)
    assert not off.payment_tracking and off.sumup_merchant_code == "MFERME01"


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
        CONNECTED.changed(accepted_modes=["cash"], online_payment_required=True)
    assert refused.value.field == "accepted_modes"
    with pytest.raises(Invalid):
        CONNECTED.changed(accepted_modes=["cash", "online"], online_payment_required=True
                          ).changed(accepted_modes=["cash"])


def test_a_producer_is_in_paris_until_it_names_another_time_zone():
    assert DEFAULTS.time_zone == "Europe/Paris"
    assert DEFAULTS.changed(time_zone="America/Cayenne").time_zone == "America/Cayenne"


@pytest.mark.parametrize("zone", ["Europe/Lutece", "UTC+1", "", 1])
def test_a_time_zone_that_is_not_an_iana_name_is_refused_naming_the_field(zone):
    with pytest.raises(Invalid) as refused:
        DEFAULTS.changed(time_zone=zone)
    assert refused.value.field == "time_zone"
