"""Events published by the payments service: settings, settlements, checkouts, refunds, money
received for customers' accounts (bank transfers, online top-ups)."""

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import Field, model_validator

from ardoise import topics
from ardoise.events.base import Event
from ardoise.events.vocabulary import CheckoutStatus, SettlementMode, check_received, received_in
from ardoise.ids import CustomerId


class PaymentSettingsChanged(Event):
    """A producer changed its payment settings."""

    topic = topics.PAYMENTS
    payment_tracking: bool
    accepted_modes: list[SettlementMode]
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
    """The settlement of an order is now this; `version` orders changes of one order.

    `received` is the money received for the order per mode (online: confirmed by SumUp, less
    refunds), `amount_paid_cents` its sum. It is kept whatever the mode becomes: an order paid and
    then not delivered leaves its money on the customer's account."""

    version: int
    total_cents: int
    delivery_date: date
    mode: SettlementMode
    amount_paid_cents: int
    received: dict[SettlementMode, int] = Field(default_factory=dict)
    credit_note_cents: int = 0
    credit_note_number: int | None = None
    actor: str | None = None
    """Who made this change (an operator's name, as the history shows it): the settlement, the
    credit note it made, the refund asked for, the bank transfer confirmed. None: the system
    (a payment SumUp confirmed, an order settled by its checkout), or an event from before
    it was told."""

    @model_validator(mode="before")
    @classmethod
    def _received_of_earlier_events(cls, data: Any) -> Any:
        """An event written before `received` existed: its amount was received in its mode."""
        if isinstance(data, dict) and "received" not in data and "mode" in data:
            data = {**data, "received": received_in(data["mode"],
                                                    data.get("amount_paid_cents") or 0)}
        return data

    @model_validator(mode="after")
    def _received_in_paying_modes(self) -> "SettlementChanged":
        check_received(self.received)
        return self


class OnlineRefundMade(_OrderPaymentEvent):
    """SumUp gave back `amount_cents` of what was paid online for an order, at `refunded_at`:
    money that went out by `online` that day. Told once per refund, in the transaction of the
    SettlementChanged that takes it off the order's online money (`received`). The week's
    totals and the workbooks count it on its own date, and what the order received on the
    order's, so that a week already counted keeps its total."""

    refund_id: uuid.UUID
    amount_cents: int = Field(gt=0)
    delivery_date: date
    """The order's delivery date (the week its money counts in)."""
    refunded_at: datetime
    """When it was asked of SumUp, which makes a refund then or never (one whose answer was
    lost is read back later, and told then, with this time)."""
    actor: str | None = None
    """Who asked for the refund (an operator's name; None: not told)."""


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
    status: CheckoutStatus


class BankTransferApplied(Event):
    """A transfer read on the producer's bank statement was credited to a customer's account
    (positive), or that credit undone (negative, its counter-entry): the accounts record it as a
    movement by transfer. A transfer matched to an order settles the order instead."""

    topic = topics.PAYMENTS
    customer_id: CustomerId
    transaction_key: str
    """The bank line's own key; with `entry`, names this application once."""
    entry: int
    amount_cents: int
    booked_on: date
    label: str
    actor: str | None = None
    """Who imported the statement or acted on the transfer (None: unknown, an earlier event)."""

    @property
    def key(self) -> str:
        return self.customer_id


class OnlineTopUpPaid(Event):
    """SumUp confirmed (read back) the payment of a customer's online top-up, its debt paid or
    credit added: the accounts record it once as a credit by `online`. Told once per top-up."""

    topic = topics.PAYMENTS
    customer_id: CustomerId
    top_up_id: uuid.UUID
    amount_cents: int = Field(gt=0)
    checkout_id: str
    transaction_id: str | None = None
    """SumUp's paying transaction (what a refund would name; refunds of top-ups are not made
    through Ardoise)."""

    @property
    def key(self) -> str:
        return f"{self.producer_id}/{self.customer_id}"
