"""Events published by the orders service."""

import uuid
from datetime import date

from ardoise import topics
from ardoise.events.base import Event
from ardoise.ids import CustomerId


class _OrderEvent(Event):
    topic = topics.ORDERS
    order_id: uuid.UUID
    customer_id: CustomerId

    @property
    def key(self) -> str:
        return str(self.order_id)


class OrderPlaced(_OrderEvent):
    """A customer's order was recorded; its total is the invoice amount."""

    total_cents: int
    delivery_date: date
    currency: str = "EUR"
    online_payment: bool = False


class PaymentRetryRequested(_OrderEvent):
    """The customer asked to pay an unpaid order online again (a new attempt)."""

    total_cents: int
    attempt: int
