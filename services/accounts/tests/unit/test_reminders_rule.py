"""The reminders rule: since when a balance is below the threshold, and whether a reminder is due
now, on the story of a customer in debt and over random histories (hypothesis)."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from accounts.domain.reminders import (
    FAILED,
    MAX_ATTEMPTS,
    REFUSED,
    SENDING,
    SENT,
    InvalidReminderRule,
    NoEmailAddress,
    NothingOwed,
    ReminderBeingSent,
    ReminderRecord,
    ReminderRule,
    Standing,
    after_failure,
    below_since,
    decide,
    decide_by_hand,
)

MONDAY = datetime(2026, 11, 2, 9, tzinfo=UTC)
RULE = ReminderRule(enabled=True, below_cents=-1000, for_days=7, every_days=7)
DAY = timedelta(days=1)


def standing(balance_cents: int, since: datetime | None, last: ReminderRecord | None = None,
             email: str | None = "claire@example.org",
             refused: ReminderRecord | None = None) -> Standing:
    return Standing("c1", "Claire Martin", email, balance_cents, since, last, refused)


def reminder(at: datetime, status: str = SENT, email: str = "claire@example.org",
             **extra) -> ReminderRecord:
    return ReminderRecord(uuid.uuid4(), status, at, email, -2350, **extra)


# ---- since when ----------------------------------------------------------------------------

def test_since_is_the_movement_that_took_the_balance_below_the_threshold_and_kept_it_there():
    history = [(MONDAY, 500), (MONDAY + DAY, -1500), (MONDAY + 2 * DAY, -200),
               (MONDAY + 3 * DAY, -2350), (MONDAY + 4 * DAY, -3000)]
    assert below_since(history, -1000) == MONDAY + 3 * DAY
    assert below_since(history, 0) == MONDAY + DAY
    assert below_since(history + [(MONDAY + 5 * DAY, -1000)], -1000) is None  # at it: not below
    assert below_since([], -1000) is None


def brute_force_since(history: list[tuple[datetime, int]], below_cents: int) -> datetime | None:
    """Read from the end: the earliest movement from which every balance is below."""
    since = None
    for at, balance in reversed(history):
        if balance >= below_cents:
            break
        since = at
    return since


amounts = st.lists(st.one_of(st.integers(-5000, -1), st.integers(1, 5000)), max_size=40)


def history_of(moves: list[int]) -> list[tuple[datetime, int]]:
    balance, history = 0, []
    for i, amount in enumerate(moves):
        balance += amount
        history.append((MONDAY + i * timedelta(hours=7), balance))
    return history


@given(moves=amounts, below=st.integers(-6000, 0))
def test_since_read_forwards_is_since_read_backwards(moves, below):
    history = history_of(moves)
    assert below_since(history, below) == brute_force_since(history, below)


# ---- the story of one debt -----------------------------------------------------------------

def test_a_debt_is_reminded_after_seven_days_then_weekly_and_not_once_paid():
    since = MONDAY
    assert not decide(RULE, standing(-2350, since), since + 6 * DAY).due
    first = decide(RULE, standing(-2350, since), since + 7 * DAY)
    assert first.action == "new"
    sent = reminder(since + 7 * DAY)
    assert "reminded on" in decide(RULE, standing(-2350, since, sent), since + 13 * DAY).reason
    assert decide(RULE, standing(-2350, since, sent), since + 14 * DAY).action == "new"
    # paid back to -5 €: above the threshold, nothing more
    assert not decide(RULE, standing(-500, None, sent), since + 30 * DAY).due


def test_a_balance_of_minus_five_euros_is_never_reminded_below_minus_ten():
    assert not decide(RULE, standing(-500, MONDAY), MONDAY + 100 * DAY).due


def test_the_clock_starts_again_at_the_next_fall():
    fell_again = MONDAY + 20 * DAY
    sent_long_ago = reminder(MONDAY + 7 * DAY)
    assert not decide(RULE, standing(-2000, fell_again, sent_long_ago), fell_again + 6 * DAY).due
    assert decide(RULE, standing(-2000, fell_again, sent_long_ago), fell_again + 7 * DAY).due


def test_off_by_default_and_the_preview_reads_it_as_if_on():
    off = ReminderRule()
    assert (off.enabled, off.below_cents, off.for_days, off.every_days) == (False, -1000, 7, 7)
    assert decide(off, standing(-2350, MONDAY), MONDAY + 8 * DAY).reason == "reminders are off"
    assert decide(off, standing(-2350, MONDAY), MONDAY + 8 * DAY, ignore_enabled=True).due


def test_no_address_no_reminder():
    assert not decide(RULE, standing(-2350, MONDAY, email=None), MONDAY + 8 * DAY).due


def test_a_refused_address_is_not_tried_again_until_the_email_changes():
    refused = reminder(MONDAY + 7 * DAY, REFUSED, error="550 5.1.1 no such user")
    after_a_month = MONDAY + 40 * DAY
    blocked = decide(RULE, standing(-2350, MONDAY, refused, refused=refused), after_a_month)
    assert not blocked.due and "550 5.1.1" in blocked.reason
    # the producer fixed the address: the last verdict at the new one is none, and the
    # refused reminder never reached the customer, so the new address is tried at once
    fixed = standing(-2350, MONDAY, refused, email="claire.martin@example.org")
    assert decide(RULE, fixed, MONDAY + 8 * DAY).action == "new"


def test_a_reminder_being_sent_is_not_sent_again_until_its_claim_lapses():
    claimed = reminder(MONDAY + 7 * DAY, SENDING, claimed_until=MONDAY + 7 * DAY
                       + timedelta(minutes=10))
    assert decide(RULE, standing(-2350, MONDAY, claimed),
                  MONDAY + 7 * DAY + timedelta(minutes=5)).reason == "a reminder is being sent"
    again = decide(RULE, standing(-2350, MONDAY, claimed), MONDAY + 7 * DAY + timedelta(hours=1))
    assert again.action == "retry"


def test_a_failure_is_tried_again_later_then_given_up_until_the_next_period():
    first_try = MONDAY + 7 * DAY
    failed = reminder(first_try, FAILED, attempts=1,
                      next_attempt_at=first_try + timedelta(minutes=5))
    assert not decide(RULE, standing(-2350, MONDAY, failed), first_try + timedelta(minutes=2)).due
    assert decide(RULE, standing(-2350, MONDAY, failed),
                  first_try + timedelta(minutes=6)).action == "retry"
    delays = []
    record = reminder(first_try, FAILED, attempts=1)
    while (retry_at := after_failure(record, first_try)) is not None:
        delays.append(retry_at - first_try)
        record = ReminderRecord(record.reminder_id, FAILED, first_try, record.email, -2350,
                                attempts=record.attempts + 1)
    assert [d // timedelta(minutes=1) for d in delays] == [5, 10, 20, 40, 80]
    assert record.attempts == MAX_ATTEMPTS
    given_up = reminder(first_try, FAILED, attempts=MAX_ATTEMPTS, next_attempt_at=None)
    assert not decide(RULE, standing(-2350, MONDAY, given_up), first_try + 3 * DAY).due
    assert decide(RULE, standing(-2350, MONDAY, given_up), first_try + 7 * DAY).action == "new"


def test_one_sent_by_hand_that_failed_is_not_retried_by_the_timer():
    assert after_failure(reminder(MONDAY, FAILED, manual=True), MONDAY) is None


def test_by_hand_any_debt_is_reminded_whatever_the_rule_but_not_twice_at_once():
    sent_yesterday = reminder(MONDAY - DAY)
    assert decide_by_hand(standing(-100, MONDAY, sent_yesterday), MONDAY).action == "new"
    with pytest.raises(NothingOwed):
        decide_by_hand(standing(0, None), MONDAY)
    with pytest.raises(NoEmailAddress):
        decide_by_hand(standing(-2350, MONDAY, email=None), MONDAY)
    sending = reminder(MONDAY, SENDING, claimed_until=MONDAY + timedelta(minutes=10))
    with pytest.raises(ReminderBeingSent):
        decide_by_hand(standing(-2350, MONDAY, sending), MONDAY + timedelta(minutes=1))
    lapsed = decide_by_hand(standing(-2350, MONDAY, sending), MONDAY + timedelta(hours=1))
    assert lapsed.action == "new" and lapsed.close == sending


@pytest.mark.parametrize("fields", [
    {"below_cents": 1}, {"below_cents": -1.5}, {"for_days": -1}, {"every_days": 0},
    {"every_days": 366}, {"for_days": True}, {"enabled": "yes"},
])
def test_a_rule_out_of_range_is_refused(fields):
    values = {"enabled": True, "below_cents": -1000, "for_days": 7, "every_days": 7} | fields
    with pytest.raises(InvalidReminderRule):
        ReminderRule.checked(**values)


# ---- the timer over random histories -------------------------------------------------------

# debits more often than payments: debts that last, and some paid back
moves = st.one_of(st.integers(-3000, -1), st.integers(-3000, -1), st.integers(1, 3000))
days_of_moves = st.lists(st.lists(moves, max_size=2), min_size=15, max_size=60)
rules = st.builds(ReminderRule, enabled=st.just(True), below_cents=st.integers(-3000, 0),
                  for_days=st.integers(0, 10), every_days=st.integers(1, 10))


@settings(max_examples=300, deadline=None)
@given(days=days_of_moves, rule=rules, tick_hours=st.sampled_from([1, 6, 24]))
def test_the_timer_reminds_a_lasting_debt_once_per_period_and_never_a_paid_one(
        days, rule, tick_hours):
    """Movements land at 08:00 each day; the timer ticks every few hours, sending what it
    decides. Each reminder went to a balance below the threshold for `for_days` at least, two
    are `every_days` apart at least, and a debt lasting a whole period past `for_days` got one."""
    history: list[tuple[datetime, int]] = []
    balance, sent = 0, []
    start = MONDAY.replace(hour=8)
    end = start + len(days) * DAY
    ticks = [start + timedelta(hours=h) for h in range(0, len(days) * 24, tick_hours)]
    for now in ticks:
        day = (now - start) // DAY
        if now == start + day * DAY:
            for i, amount in enumerate(days[day]):
                balance += amount
                history.append((now - timedelta(minutes=len(days[day]) - i), balance))
        since = below_since(history, rule.below_cents)
        last = sent[-1] if sent else None
        if decide(rule, standing(balance, since, last), now).due:
            assert balance < rule.below_cents and now - since >= timedelta(days=rule.for_days)
            sent.append(reminder(now))
    for earlier, later in zip(sent, sent[1:], strict=False):
        assert later.created_at - earlier.created_at >= timedelta(days=rule.every_days)
    # a debt lasting to the end: one came within a period (and a tick) of being due, whatever
    # was sent before it fell
    since = below_since(history, rule.below_cents)
    if since is not None:
        first_due = since + timedelta(days=rule.for_days)
        window_end = first_due + timedelta(days=rule.every_days, hours=tick_hours)
        if window_end <= end:
            event("a debt lasting a whole period")
            assert any(first_due <= r.created_at < window_end for r in sent)
    event(f"{min(len(sent), 3)}{'+' if len(sent) > 3 else ''} reminders")
