"""Random sequences of what happens to a customer's orders — settled by hand (any mode, any
amount, not delivered, deducted from the account), paid online through SumUp, refunded, a
payment attempt failing and tried again — through the payments rules and the accounts ledger.

After every step: Σ received − Σ refunded = Σ applied to orders + the change in the balance,
and each mode's money on the account is what came in by that mode (the cash counted, what SumUp
was paid less what it gave back). Money received is never erased by a settlement change.
"""

import uuid
from datetime import UTC, datetime, timedelta

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from accounts.domain import Account
from ardoise.errors import Conflict, Invalid
from payments.domain.settlement import (
    MANUAL_MODES,
    PaymentSettings,
    Settlement,
    record_online_payment,
    refund_online,
    settle,
)

ORDERS = {uuid.UUID(int=i): total for i, total in enumerate((2000, 2500, 4000), start=1)}
AT = datetime(2026, 12, 4, 9, tzinfo=UTC)
SETTINGS = PaymentSettings(payment_tracking=True,
                           accepted_modes=("account", "cash", "cheque", "card", "transfer",
                                           "online"),
                           sumup_merchant_code="MFERME01", sumup_connected=True)
BY_HAND = sorted(MANUAL_MODES) + ["account", "not_delivered", "online"]
cents = st.integers(min_value=0, max_value=10_000)


class Money(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.account = Account.open("ferme-a", "c1", "Claire Martin", None)
        self.settlements = {order: Settlement() for order in ORDERS}
        self.positions = {}
        self.counted = {order: {} for order in ORDERS}
        """What the producer counted by hand, per order and mode (the truth of its drawer)."""
        self.paid_at_sumup = dict.fromkeys(ORDERS, 0)
        self.refunded_at_sumup = dict.fromkeys(ORDERS, 0)
        self.attempts = dict.fromkeys(ORDERS, 0)
        self.holds = {}

    def apply(self, order: uuid.UUID, after: Settlement) -> None:
        """What the SettlementChanged of this change does to the customer's account."""
        self.settlements[order] = after
        updated = self.account.apply_settlement(
            self.positions.get(order), order, after.version, ORDERS[order], after.mode,
            dict(after.received), AT)
        assert updated is not None
        self.positions[order] = updated
        if after.mode != "not_delivered" and order in self.holds:
            self.account.post_hold(self.holds.pop(order), AT)

    @rule(order=st.sampled_from(list(ORDERS)), mode=st.sampled_from(BY_HAND),
          amount=st.none() | cents)
    def the_producer_settles_by_hand(self, order, mode, amount):
        before = self.settlements[order]
        try:
            after = settle(before, ORDERS[order], mode, amount, SETTINGS)
        except Conflict:
            assert mode == "online"  # only SumUp says money came in online
            return
        except Invalid:
            assert mode in ("account", "not_delivered") and amount
            return
        if mode in MANUAL_MODES:
            counted = ORDERS[order] if amount is None else amount
            self.counted[order] = {mode: counted} if counted else {}
        if after is not None:
            self.apply(order, after)

    @rule(order=st.sampled_from(list(ORDERS)))
    def a_payment_attempt_opens(self, order):
        if order in self.holds:
            return
        self.attempts[order] += 1
        self.holds[order] = self.account.hold(order, self.attempts[order], ORDERS[order],
                                              AT + timedelta(minutes=35), None, AT)

    @precondition(lambda self: self.holds)
    @rule(data=st.data())
    def the_attempt_fails_and_its_hold_is_released(self, data):
        order = data.draw(st.sampled_from(sorted(self.holds)))
        assert self.account.release_hold(self.holds.pop(order), "failed", AT)

    @precondition(lambda self: self.holds)
    @rule(data=st.data())
    def sumup_confirms_the_attempt_paid(self, data):
        order = data.draw(st.sampled_from(sorted(self.holds)))
        applied = self.holds[order].amount_cents
        asked = ORDERS[order] - applied
        if asked <= 0:  # the balance covered it: settled from the account, no SumUp payment
            after = settle(self.settlements[order], ORDERS[order], "account", None, SETTINGS)
            if after is None:
                self.account.post_hold(self.holds.pop(order), AT)
                return
        else:
            self.paid_at_sumup[order] += asked
            after = record_online_payment(self.settlements[order], asked, applied)
        self.apply(order, after)
        if order in self.holds:  # not posted by a settlement that left it not delivered
            self.account.post_hold(self.holds.pop(order), AT)

    @rule(order=st.sampled_from(list(ORDERS)), amount=cents)
    def the_producer_refunds_online_money(self, order, amount):
        try:
            after = refund_online(self.settlements[order], amount)
        except Conflict:
            assert not 0 < amount <= self.settlements[order].received.get("online", 0)
            return
        self.refunded_at_sumup[order] += amount
        self.apply(order, after)

    @invariant()
    def money_received_less_refunds_is_applied_to_orders_or_left_on_the_balance(self):
        received = (sum(sum(c.values()) for c in self.counted.values())
                    + sum(self.paid_at_sumup.values()))
        refunded = sum(self.refunded_at_sumup.values())
        applied = sum(position.debited_cents for position in self.positions.values())
        assert received - refunded == applied + self.account.balance_cents

    @invariant()
    def each_mode_on_the_account_is_what_came_in_by_it(self):
        by_mode: dict[str, int] = {}
        for movement in self.account.new_movements:
            if movement.kind == "payment":
                by_mode[movement.mode] = by_mode.get(movement.mode, 0) + movement.amount_cents
        truth: dict[str, int] = {}
        for order in ORDERS:
            for mode, counted in self.counted[order].items():
                truth[mode] = truth.get(mode, 0) + counted
            online = self.paid_at_sumup[order] - self.refunded_at_sumup[order]
            truth["online"] = truth.get("online", 0) + online
        assert {m: c for m, c in by_mode.items() if c} == {m: c for m, c in truth.items() if c}

    @invariant()
    def the_settlement_says_what_was_received(self):
        for order in ORDERS:
            online = self.paid_at_sumup[order] - self.refunded_at_sumup[order]
            expected = {**self.counted[order], **({"online": online} if online else {})}
            assert dict(self.settlements[order].received) == expected

    @invariant()
    def held_is_what_the_open_attempts_promised(self):
        assert self.account.held_cents == sum(h.amount_cents for h in self.holds.values())
        assert self.account.balance_cents == sum(m.amount_cents
                                                 for m in self.account.new_movements)


TestMoney = Money.TestCase
TestMoney.settings = settings(max_examples=300, stateful_step_count=40, deadline=None)
