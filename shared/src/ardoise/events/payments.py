"""Events published by the payments service: settings, settlements, checkouts."""

import uuid
from datetime import date

from ardoise import topics
from ardoise.events.base import Event
from ardoise.ids import CustomerId


class PaymentSettingsChanged(Event):
    """A producer changed its payment settings."""

    topic = topics.PAYMENTS
    payment_tracking: bool
    accepted_modes: list[str]
    online_payment_required: bool
    time_zone: str = "Europe/Paris"
    """The producer's IANA time zone: its days, its weeks, the times on its documents."""

    @property
    def key(self) -> str:
        return self.producer_id


class _OrderPaymentEvent(Event):
    topic = topics.PAYMENTS
    order_id: uuid.UUID
    customer_id: CustomerId

    @property
    def key(self) -> str:
        return str(self.order_id)


class SettlementChanged(_OrderPaymentEvent):
    """The settlement of an order is now this; `version` orders changes of one order."""

    version: int
    total_cents: int
    delivery_date: date
    mode: str
    amount_paid_cents: int
    credit_note_cents: int = 0
    credit_note_number: int | None = None


class CheckoutOpened(_OrderPaymentEvent):
    """A SumUp checkout was created for an order's attempt, or none was needed."""

    attempt: int
    checkout_id: str | None
    checkout_url: str | None
    balance_applied_cents: int
    amount_due_cents: int


class CheckoutClosed(_OrderPaymentEvent):
    """A checkout ended: PAID (settled online), FAILED or EXPIRED (hold released)."""

    attempt: int
    checkout_id: str
    status: str
