"""Events published by the orders service."""

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

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


class VatAmounts(BaseModel):
    """One VAT rate of a document: the base before tax, the tax and their sum, in cents."""

    model_config = ConfigDict(frozen=True)
    rate: str
    """`0`, `2.1`, `5.5`, `10` or `20` (per cent)."""
    base_cents: int
    vat_cents: int
    total_cents: int


class InvoiceIssued(_OrderEvent):
    """An invoice or a facture d'avoir was issued: its number and amounts are fixed for good.

    Amounts of a facture d'avoir are negative. `issue_date` is the producer's own date."""

    number: str
    kind: Literal["invoice", "credit_invoice"]
    issued_at: datetime
    issue_date: date
    corrects: str | None = None
    """The invoice a facture d'avoir cancels."""
    customer_name: str
    total_ht_cents: int
    total_vat_cents: int
    total_cents: int
    vat: list[VatAmounts]
