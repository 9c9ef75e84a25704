"""Holds: part of a balance promised to an order's checkout, until posted or released once."""

import uuid
from dataclasses import dataclass
from datetime import datetime

PENDING, POSTED, RELEASED = "pending", "posted", "released"


@dataclass
class Hold:
    """Positive: credit promised to the order; negative: debt the order's checkout collects."""

    hold_id: uuid.UUID
    order_id: uuid.UUID
    attempt: int
    amount_cents: int
    status: str
    expires_at: datetime
    closed_at: datetime | None = None
    reason: str | None = None

    @property
    def is_pending(self) -> bool:
        return self.status == PENDING

    def is_for(self, order_id: uuid.UUID, attempt: int) -> bool:
        return (self.order_id, self.attempt) == (order_id, attempt)

    def has_expired(self, at: datetime) -> bool:
        return self.expires_at <= at

    def close(self, status: str, at: datetime, reason: str | None) -> bool:
        """Exactly once: a hold that is no longer pending stays as it is."""
        if not self.is_pending:
            return False
        self.status, self.closed_at, self.reason = status, at, reason
        return True


def amount_to_apply(available_cents: int, total_cents: int) -> int:
    """The credit an order may use (up to its total), or the whole debt its checkout collects."""
    if available_cents > 0:
        return min(available_cents, total_cents)
    # A debt is collected in full by the next checkout; nothing available means nothing to hold.
    return available_cents
