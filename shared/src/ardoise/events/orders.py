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


class InvoiceLine(BaseModel):
    """One line of an issued document as it states it: TTC amount, its base before tax, rate."""

    model_config = ConfigDict(frozen=True)
    label: str
    quantity: str
    """As printed (a decimal in text: `1.5`)."""
    unit_price_cents: int
    amount_cents: int
    base_cents: int
    vat_rate: str


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
    lines: list[InvoiceLine] = []
    """The document's lines (empty in events published before lines were told)."""
    actor: str | None = None
    """Who issued it (an operator's name); None: the system (invoicing on delivery), or an
    event from before it was told."""


class InvoicingChanged(Event):
    """A producer's identity on its documents or its VAT regime changed."""

    topic = topics.ORDERS
    legal_name: str | None = None
    siret: str | None = None
    vat_regime: str = "vat"
    """`vat`, `franchise` (franchise en base) or `flat_rate_agricultural` (remboursement
    forfaitaire agricole): the last two are outside the obligation of an inalterable journal."""

    @property
    def key(self) -> str:
        return self.producer_id
