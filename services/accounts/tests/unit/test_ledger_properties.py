"""Random sequences of everything that moves an account: the ledger stays exact after each step."""

import uuid
from datetime import UTC, datetime, timedelta

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from accounts.domain import Account, Hold
from accounts.domain.modes import PAYING_MODES, SETTLEMENT_MODES

START = datetime(2026, 11, 23, 9, tzinfo=UTC)
ORDERS = [uuid.UUID(int=i) for i in range(1, 5)]
cents = st.integers(min_value=1, max_value=100_000)


def expected_effect(total_cents: int, mode: str, paid_cents: int) -> int:
    debit = 0 if mode == "not_delivered" else total_cents
    credit = paid_cents if mode in PAYING_MODES else 0
    return credit - debit


class Ledger(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.account = Account.open("ferme-a", "c1", "Claire", None)
        self.positions: dict[uuid.UUID, object] = {}
        self.latest: dict[uuid.UUID, tuple[int, int, str, int]] = {}
        self.holds: list[Hold] = []
        self.closed_ids: set[uuid.UUID] = set()
        self.clock = START

    def tick(self) -> datetime:
        self.clock += timedelta(minutes=1)
        return self.clock

    @rule(direction=st.sampled_from(["credit", "debit"]), amount=cents,
          mode=st.sampled_from([None, "cash", "cheque", "card", "transfer"]))
    def record_a_manual_movement(self, direction, amount, mode):
        self.account.record(direction, amount, None, mode, self.tick())

    @rule(order=st.sampled_from(ORDERS), version=st.integers(1, 6), total=cents,
          mode=st.sampled_from(SETTLEMENT_MODES), paid=st.integers(0, 100_000))
    def deliver_a_settlement_change_maybe_stale_or_repeated(self, order, version, total, mode, paid):
        paid = paid if mode in PAYING_MODES else 0
        before = len(self.account.new_movements)
        updated = self.account.apply_settlement(self.positions.get(order), order, version, total,
                                                mode, paid, self.tick())
        current = self.latest.get(order)
        if current is not None and version <= current[0]:
            assert updated is None and len(self.account.new_movements) == before
            return
        assert updated is not None
        self.positions[order] = updated
        self.latest[order] = (version, total, mode, paid)

    @rule(order=st.sampled_from(ORDERS), total=cents, attempt=st.integers(1, 3))
    def take_a_hold_for_a_checkout(self, order, total, attempt):
        existing = next((h for h in self.holds if h.order_id == order and h.attempt == attempt), None)
        available = self.account.available_cents
        hold = self.account.hold(order, attempt, total, self.clock + timedelta(minutes=30),
                                 existing, self.tick())
        if existing is not None:
            assert hold is existing
            return
        if available > 0:
            assert 0 < hold.amount_cents <= min(available, total)
        else:
            assert hold.amount_cents == available
        self.holds.append(hold)

    @precondition(lambda self: self.holds)
    @rule(index=st.integers(0, 50), post=st.booleans())
    def post_or_release_a_hold_maybe_twice(self, index, post):
        hold = self.holds[index % len(self.holds)]
        held_before = self.account.held_cents
        done = (self.account.post_hold(hold, self.tick()) if post
                else self.account.release_hold(hold, "failed", self.tick()))
        if hold.hold_id in self.closed_ids:
            assert not done and self.account.held_cents == held_before
        else:
            assert done
            self.closed_ids.add(hold.hold_id)

    @rule(minutes=st.integers(0, 90))
    def let_time_pass_and_expire_holds(self, minutes):
        self.clock += timedelta(minutes=minutes)
        for hold in self.account.expire_holds(self.holds, self.clock):
            assert hold.hold_id not in self.closed_ids
            self.closed_ids.add(hold.hold_id)

    @invariant()
    def balance_is_the_sum_of_the_movements(self):
        assert self.account.balance_cents == sum(m.amount_cents for m in self.account.new_movements)

    @invariant()
    def each_balance_after_follows_from_the_previous_one(self):
        running = 0
        for movement in self.account.new_movements:
            running += movement.amount_cents
            assert movement.balance_after_cents == running

    @invariant()
    def held_is_the_sum_of_the_open_holds(self):
        assert self.account.held_cents == sum(h.amount_cents for h in self.holds if h.is_pending)

    @invariant()
    def each_order_counts_what_its_latest_settlement_says(self):
        for order, (_, total, mode, paid) in self.latest.items():
            effect = sum(m.amount_cents for m in self.account.new_movements if m.order_id == order)
            assert effect == expected_effect(total, mode, paid)


TestLedger = Ledger.TestCase
TestLedger.settings = settings(max_examples=200, stateful_step_count=40, deadline=None)
