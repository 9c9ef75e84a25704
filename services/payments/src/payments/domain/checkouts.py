"""The checkout saga's decisions: what SumUp is asked, how long a checkout is good for, when it is
read back, and what a read-back means. No I/O."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from ardoise.events.vocabulary import CheckoutStatus

NOT_NEEDED = "NOT_NEEDED"
"""No checkout: the balance covered the order, which is settled from the account."""
FINAL = frozenset({CheckoutStatus.PAID, CheckoutStatus.FAILED, CheckoutStatus.EXPIRED,
                   NOT_NEEDED})
VALID_BEFORE_HOLD_ENDS = timedelta(minutes=5)
"""A checkout is valid until 5 minutes before its hold expires (SumUp's hosted page lives about
30 minutes; the hold 35): paid late, it still finds the balance it was promised."""
FIRST_READ_BACK = timedelta(seconds=30)
LONGEST_WAIT = timedelta(minutes=5)
AFTER_VALIDITY = timedelta(seconds=5)


def reference(order_id: uuid.UUID, attempt: int) -> str:
    """One SumUp checkout per payment attempt: the reference is SumUp's idempotency key."""
    return f"{order_id}.{attempt}"


def amount_due(total_cents: int, applied_cents: int) -> int:
    """What SumUp is asked for: the order total less the balance applied to it (credit used,
    positive; a debt collected, negative, is added)."""
    return total_cents - applied_cents


def valid_until(hold_expires_at: datetime) -> datetime:
    return hold_expires_at - VALID_BEFORE_HOLD_ENDS


def next_read_back(now: datetime, created_at: datetime, valid_until: datetime | None) -> datetime:
    """A pending checkout is read back after half its age, within 30 s and 5 min (at about
    30 s, 1 min, 1.5 min, 2.25 min... then every 5 min), and soon after its validity ends, to
    be given up if still unpaid (webhooks can be lost)."""
    wait = min(max((now - created_at) / 2, FIRST_READ_BACK), LONGEST_WAIT)
    soon_after_validity = max(valid_until + AFTER_VALIDITY, now + FIRST_READ_BACK) \
        if valid_until else now + wait
    return min(now + wait, soon_after_validity)


@dataclass(frozen=True)
class CheckoutRecord:
    """An order's payment attempt as this service opened it: its SumUp checkout, none when the
    balance covered the order (NOT_NEEDED) or when it failed at once."""

    producer_id: str
    order_id: uuid.UUID
    attempt: int
    customer_id: str
    total_cents: int
    applied_cents: int
    amount_due_cents: int
    currency: str
    status: str
    checkout_id: str | None = None
    checkout_url: str | None = None
    valid_until: datetime | None = None

    @property
    def is_final(self) -> bool:
        return self.status in FINAL

    def is_abandoned(self, now: datetime) -> bool:
        """Past its validity: an unpaid checkout is deactivated, and ends EXPIRED."""
        return self.valid_until is not None and now >= self.valid_until

    def paid_as_asked(self, paid_cents: int, currency: str) -> bool:
        """SumUp's payment is believed only for exactly what was asked, in the currency asked."""
        return (paid_cents, currency) == (self.amount_due_cents, self.currency)
