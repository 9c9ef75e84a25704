"""Reminders of debts: a producer's rule, since when a customer's balance is below it, and
whether a reminder is due now. No I/O.

The rule: a customer whose balance has been below `below_cents` for `for_days` days gets an
e-mail, then another every `every_days` days while it stays below; paid back to the threshold
or above, nothing more, and the "since when" clock starts again at the next fall. Since when is
read from the movements (each carries the balance after it): the time of the first movement of
the last run of movements that left the balance below the threshold.
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from ardoise.errors import Conflict, Invalid
from ardoise.money import MAX_AMOUNT_CENTS

SENDING, SENT, REFUSED, FAILED, CANCELLED = "sending", "sent", "refused", "failed", "cancelled"
STATUSES = (SENDING, SENT, REFUSED, FAILED, CANCELLED)
"""`sending`: claimed, going out; `sent`: the mail server took it; `refused`: the server refused
the address or the message for good (5xx); `failed`: the server could not be reached or asked
to try later (retried, then given up); `cancelled`: the debt was paid before it went."""
CLAIM = timedelta(minutes=10)
"""How long a sender may take before another may send the same reminder again."""
RETRY_AFTER = timedelta(minutes=5)
MAX_ATTEMPTS = 6
"""A reminder the mail server did not take is tried again after 5, 10, 20, 40 and 80 minutes,
then given up until the next period."""
MAX_DAYS = 365


class InvalidReminderRule(Invalid):
    pass


class NothingOwed(Conflict):
    pass


class NoEmailAddress(Conflict):
    pass


class ReminderBeingSent(Conflict):
    pass


def _whole(value: object) -> bool:
    # bool is an int subclass, and True must not pass for one day
    return isinstance(value, int) and not isinstance(value, bool)


def check_threshold_is_a_debt(below_cents: object) -> None:
    if not _whole(below_cents) or not -MAX_AMOUNT_CENTS <= below_cents <= 0:
        raise InvalidReminderRule("below_cents is a balance of 0 or less, in cents (-1000: "
                                  "below -10,00 €)", "below_cents")


def check_days(days: object, field: str, lowest: int) -> None:
    if not _whole(days) or not lowest <= days <= MAX_DAYS:
        raise InvalidReminderRule(f"{field} is a whole number of days from {lowest} to "
                                  f"{MAX_DAYS}", field)


@dataclass(frozen=True)
class ReminderRule:
    """A producer's rule; off until the producer turns it on."""

    enabled: bool = False
    below_cents: int = -1000
    for_days: int = 7
    every_days: int = 7
    farm_name: str | None = None
    """How the e-mail signs (the farm's name); None: « Votre producteur »."""
    reply_to: str | None = None
    """Where the customer's answer goes (the farm's address); None: the sender's."""

    @classmethod
    def checked(cls, enabled: object, below_cents: object, for_days: object,
                every_days: object, farm_name: str | None = None,
                reply_to: str | None = None) -> "ReminderRule":
        if not isinstance(enabled, bool):
            raise InvalidReminderRule("enabled is true or false", "enabled")
        check_threshold_is_a_debt(below_cents)
        check_days(for_days, "for_days", 0)
        check_days(every_days, "every_days", 1)
        return cls(enabled, below_cents, for_days, every_days,  # type: ignore[arg-type]
                   farm_name or None, reply_to or None)


@dataclass(frozen=True)
class ReminderRecord:
    """One reminder as recorded on the customer's history."""

    reminder_id: uuid.UUID
    status: str
    created_at: datetime
    """When it was claimed: the period it opens starts then."""
    email: str
    balance_cents: int
    manual: bool = False
    attempts: int = 1
    claimed_until: datetime | None = None
    next_attempt_at: datetime | None = None
    sent_at: datetime | None = None
    error: str | None = None

    def is_being_sent(self, now: datetime) -> bool:
        return self.status == SENDING and (self.claimed_until is None
                                           or self.claimed_until > now)

    @property
    def is_retrying(self) -> bool:
        """A failure that will be tried again (not yet given up)."""
        return self.status == FAILED and self.next_attempt_at is not None

    def view(self) -> dict:
        """As the account page and the gateway show it."""
        return {"reminder_id": self.reminder_id, "sent_at": self.sent_at,
                "balance_cents": self.balance_cents, "status": self.status,
                "manual": self.manual, "email": self.email, "error": self.error}


@dataclass(frozen=True)
class Standing:
    """One customer's facts, read together: balance, since when below the threshold, the last
    reminder (cancelled ones aside) and whether its address was refused."""

    customer_id: str
    name: str
    email: str | None
    balance_cents: int
    below_since_at: datetime | None
    last: ReminderRecord | None = None
    refused: ReminderRecord | None = None
    """The last verdict on the current address when it was a refusal (a later reminder
    accepted at that address, or another address, clears it)."""


def below_since(history: Iterable[tuple[datetime, int]], below_cents: int) -> datetime | None:
    """Since when the balance has stayed below the threshold, from the movements oldest first
    as (at, balance after); None when it is not below now."""
    since = None
    for at, balance_after_cents in history:
        if balance_after_cents >= below_cents:
            since = None
        elif since is None:
            since = at
    return since


Action = Literal["new", "retry", "skip"]


@dataclass(frozen=True)
class Decision:
    """What to do for one customer now: a new reminder, the last one again (same Message-ID), or
    nothing and why. `close`: an earlier reminder to close first (interrupted, superseded)."""

    action: Action
    reason: str | None = None
    close: ReminderRecord | None = None

    @property
    def due(self) -> bool:
        return self.action != "skip"


def _skip(reason: str) -> Decision:
    return Decision("skip", reason)


def _day(at: datetime) -> str:
    return f"{at:%Y-%m-%d %H:%M} UTC"


def decide(rule: ReminderRule, standing: Standing, now: datetime,
           ignore_enabled: bool = False) -> Decision:
    """Whether the timer sends this customer a reminder now (`ignore_enabled`: as if the rule
    were on, for the preview)."""
    if not rule.enabled and not ignore_enabled:
        return _skip("reminders are off")
    if standing.balance_cents >= rule.below_cents or standing.below_since_at is None:
        return _skip("the balance is not below the threshold")
    if not standing.email:
        return _skip("no e-mail address")
    if standing.refused is not None:
        return _skip(f"the address was refused ({standing.refused.error}); not tried again "
                     "until the customer's e-mail changes")
    if now - standing.below_since_at < timedelta(days=rule.for_days):
        return _skip(f"below the threshold since {_day(standing.below_since_at)}, for less than "
                     f"{rule.for_days} days")
    last = standing.last
    if last is None:
        return Decision("new")
    if last.is_being_sent(now):
        return _skip("a reminder is being sent")
    if now - last.created_at >= timedelta(days=rule.every_days):
        # its period is over: whatever became of it, a new one is due
        return Decision("new", close=last if last.status == SENDING or last.is_retrying
                        else None)
    if last.status == SENDING:
        return Decision("retry")  # its sender stopped before recording how it went
    if last.status in (REFUSED, FAILED) and last.email.lower() != standing.email.lower():
        # it never reached the customer, whose address changed since: the new one is tried
        return Decision("new", close=last if last.is_retrying else None)
    if last.is_retrying:
        if last.next_attempt_at and last.next_attempt_at > now:
            return _skip(f"the last one failed; tried again from {_day(last.next_attempt_at)}")
        return Decision("retry")
    return _skip(f"reminded on {_day(last.created_at)}; the next one from "
                 f"{_day(last.created_at + timedelta(days=rule.every_days))}")


def decide_by_hand(standing: Standing, now: datetime) -> Decision:
    """A reminder the producer sends now: whatever the rule and the last one, as long as the
    customer owes, has an address and no reminder is going out to it this moment. A refused
    address is tried again (the producer asked). 409 otherwise."""
    if standing.balance_cents >= 0:
        raise NothingOwed("the customer owes nothing: no reminder to send")
    if not standing.email:
        raise NoEmailAddress("the customer has no e-mail address")
    last = standing.last
    if last is not None and last.is_being_sent(now):
        raise ReminderBeingSent("a reminder is being sent to this customer right now")
    return Decision("new", close=last if last is not None and (
        last.status == SENDING or last.is_retrying) else None)


def still_owed(balance_cents: int, threshold_cents: int) -> bool:
    """Checked again just before the message goes: a debt paid meanwhile is not reminded."""
    return balance_cents < threshold_cents


def after_failure(record: ReminderRecord, now: datetime) -> datetime | None:
    """When a reminder the mail server did not take is tried again; None: given up (a
    reminder sent by hand is not retried: the producer saw the answer)."""
    if record.manual or record.attempts >= MAX_ATTEMPTS:
        return None
    return now + RETRY_AFTER * 2 ** (record.attempts - 1)
