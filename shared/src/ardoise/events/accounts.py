"""Events published by the accounts service: customers, balances and holds."""

import uuid
from datetime import datetime

from ardoise import topics
from ardoise.events.base import Event
from ardoise.events.vocabulary import SettlementMode
from ardoise.ids import CustomerId


class _AccountEvent(Event):
    topic = topics.ACCOUNTS
    customer_id: CustomerId

    @property
    def key(self) -> str:
        return f"{self.producer_id}/{self.customer_id}"


class CustomerRegistered(_AccountEvent):
    """A customer was created or renamed for a producer."""

    name: str
    email: str | None = None


class BalanceChanged(_AccountEvent):
    """A customer's balance or held amount changed; carries the new figures."""

    balance_cents: int
    held_cents: int
    movement_id: uuid.UUID | None = None


class BalanceHeld(_AccountEvent):
    """Part of a balance was promised to an order's checkout (positive: credit used; negative: debt collected)."""

    order_id: uuid.UUID
    hold_id: uuid.UUID
    attempt: int
    total_cents: int
    applied_cents: int
    expires_at: datetime


class HoldPosted(_AccountEvent):
    """A hold became real: the order's settlement was applied to the account."""

    order_id: uuid.UUID
    hold_id: uuid.UUID
    applied_cents: int


class HoldReleased(_AccountEvent):
    """A hold was given back (checkout failed, expired or cancelled, or a new attempt of the
    order's checkout superseded it)."""

    order_id: uuid.UUID
    hold_id: uuid.UUID
    applied_cents: int
    reason: str


class MovementRecorded(_AccountEvent):
    """A credit, top-up or debit recorded by hand on a customer's account (not an order's);
    with a `mode`, money that came in (positive) or went out (negative) by that mode: it counts
    in the week's totals per mode, as the drawer and the bank do."""

    movement_id: uuid.UUID
    at: datetime
    amount_cents: int
    mode: SettlementMode | None
    label: str
    actor: str | None = None
    """Who recorded it (an operator's name, as the history shows it); None for a movement the
    system made (a bank transfer or an online top-up without a person named), or an earlier
    event."""
