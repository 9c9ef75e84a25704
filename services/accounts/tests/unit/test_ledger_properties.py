"""Random sequences of everything that moves an account: the ledger stays exact after each step."""

import uuid
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from accounts.domain import Account, BalanceMoved, Hold, HoldClosed, OrderPosition
from ardoise.errors import Invalid
from ardoise.events.vocabulary import MODES as SETTLEMENT_MODES
from ardoise.events.vocabulary import PAYING_MODES

START = datetime(2026, 11, 23, 9, tzinfo=UTC)
ORDERS = [uuid.UUID(int=i) for i in range(1, 5)]
cents = st.integers(min_value=1, max_value=100_000)
bad_amounts = st.sampled_from([0, -1, 1.5, True, 10**11 + 1])


def expected_effect(total_cents: int, mode: str, received: dict[str, int]) -> int:
    """Every payment received counts, whatever the mode; the total unless not delivered."""
    debit = 0 if mode == "not_delivered" else total_cents
    return sum(received.values()) - debit


received_maps = st.dictionaries(st.sampled_from(sorted(PAYING_MODES)), st.integers(0, 100_000),
                                max_size=3)


class Ledger(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.account = Account.open("ferme-a", "c1", "Claire Martin", None)
        self.positions: dict[uuid.UUID, OrderPosition] = {}
        self.latest: dict[uuid.UUID, tuple[int, int, str, dict[str, int]]] = {}
        self.holds: list[Hold] = []
        self.clock = START

    def tick(self) -> datetime:
        self.clock += timedelta(minutes=1)
        return self.clock

    def figures(self) -> tuple:
        return (self.account.balance_cents, self.account.held_cents,
                len(self.account.new_movements), len(self.account.events))

    @rule(direction=st.sampled_from(["credit", "debit"]), amount=cents,
          mode=st.sampled_from([None, "cash", "cheque", "card", "transfer"]))
    def record_a_manual_movement(self, direction, amount, mode):
        self.account.record(direction, amount, None, mode, self.tick())

    @rule(amount=bad_amounts, mode=st.sampled_from([None, "online", "bitcoin"]),
          label=st.sampled_from([None, "x" * 201]))
    def try_a_refused_manual_movement(self, amount, mode, label):
        before = self.figures()
        with pytest.raises(Invalid):
            self.account.record("credit", amount, label, mode, self.tick())
        assert self.figures() == before

    @rule(order=st.sampled_from(ORDERS), version=st.integers(1, 6), total=cents,
          mode=st.sampled_from(SETTLEMENT_MODES), paid=received_maps)
    def deliver_a_settlement_change_maybe_stale_or_repeated(self, order, version, total, mode,
                                                            paid):
        before = self.figures()
        updated = self.account.apply_settlement(self.positions.get(order), order, version, total,
                                                mode, paid, self.tick())
        current = self.latest.get(order)
        if current is not None and version <= current[0]:
            assert updated is None and self.figures() == before
            return
        assert updated is not None and updated.version == version
        self.positions[order] = updated
        self.latest[order] = (version, total, mode, paid)

    def take_hold(self, order: uuid.UUID, attempt: int, total: int) -> Hold:
        existing = next((h for h in self.holds if h.is_for(order, attempt)), None)
        before = self.figures()
        hold = self.account.hold(order, attempt, total, self.clock + timedelta(minutes=35),
                                 existing, self.tick())
        if existing is not None:  # told again, nothing else changes
            after = self.figures()
            assert hold is existing and after[:3] == before[:3] and after[3] == before[3] + 1
        else:
            self.holds.append(hold)
        return hold

    @rule(order=st.sampled_from(ORDERS), total=cents, attempt=st.integers(1, 3))
    def take_a_hold_for_a_checkout_maybe_again(self, order, total, attempt):
        available = self.account.available_cents
        is_new = not any(h.is_for(order, attempt) for h in self.holds)
        hold = self.take_hold(order, attempt, total)
        if is_new and available > 0:
            assert hold.amount_cents == min(available, total)
        elif is_new:
            assert hold.amount_cents == available

    @rule(first_total=cents, second_total=cents)
    def take_two_holds_back_to_back(self, first_total, second_total):
        available = self.account.available_cents
        first = self.take_hold(uuid.uuid4(), 1, first_total)
        second = self.take_hold(uuid.uuid4(), 1, second_total)
        amounts = (first.amount_cents, second.amount_cents)
        assert sum(a for a in amounts if a > 0) <= max(available, 0)
        assert sum(a for a in amounts if a < 0) >= min(available, 0)
        assert first.amount_cents <= first_total and second.amount_cents <= second_total

    @precondition(lambda self: self.holds)
    @rule(index=st.integers(0, 50), post=st.booleans())
    def post_or_release_a_hold_maybe_twice(self, index, post):
        hold = self.holds[index % len(self.holds)]
        was_pending, hold_before, before = hold.is_pending, replace(hold), self.figures()
        done = (self.account.post_hold(hold, self.tick()) if post
                else self.account.release_hold(hold, "failed", self.tick()))
        assert done == was_pending
        if not was_pending:
            assert hold == hold_before and self.figures() == before
        else:
            assert self.account.held_cents == before[1] - hold.amount_cents
            assert self.account.balance_cents == before[0]

    @rule(minutes=st.integers(0, 90))
    def let_time_pass_and_expire_holds(self, minutes):
        self.clock += timedelta(minutes=minutes)
        due = [h for h in self.holds if h.is_pending and h.expires_at <= self.clock]
        assert self.account.expire_holds(self.holds, self.clock) == due
        assert all(h.status == "released" and h.reason == "expired" for h in due)

    @invariant()
    def balance_is_the_sum_of_all_movements(self):
        assert self.account.balance_cents == sum(m.amount_cents for m in self.account.new_movements)

    @invariant()
    def each_balance_after_follows_from_the_previous_one(self):
        running = 0
        for movement in self.account.new_movements:
            running += movement.amount_cents
            assert movement.balance_after_cents == running

    @invariant()
    def held_is_the_sum_of_the_pending_holds(self):
        assert self.account.held_cents == sum(h.amount_cents for h in self.holds if h.is_pending)
        assert self.account.available_cents == self.account.balance_cents - self.account.held_cents

    @invariant()
    def no_hold_is_closed_twice(self):
        closings = Counter(e.hold.hold_id for e in self.account.events if isinstance(e, HoldClosed))
        for hold in self.holds:
            assert closings[hold.hold_id] == (0 if hold.is_pending else 1)

    @invariant()
    def each_order_counts_what_its_highest_settlement_says(self):
        for order, (_, total, mode, paid) in self.latest.items():
            effect = sum(m.amount_cents for m in self.account.new_movements if m.order_id == order)
            assert effect == self.positions[order].effect_cents
            assert effect == expected_effect(total, mode, paid)

    @invariant()
    def the_last_told_figures_are_the_current_ones(self):
        told = [e for e in self.account.events if isinstance(e, BalanceMoved)]
        last = (told[-1].balance_cents, told[-1].held_cents) if told else (0, 0)
        assert last == (self.account.balance_cents, self.account.held_cents)


TestLedger = Ledger.TestCase
TestLedger.settings = settings(max_examples=200, stateful_step_count=50, deadline=None)
