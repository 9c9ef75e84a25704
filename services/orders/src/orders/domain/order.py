"""An order: its lines, its total, its delivery date. No I/O."""

import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import date

from ardoise.errors import Invalid
from ardoise.money import MAX_AMOUNT_CENTS

PLACED, AWAITING_PAYMENT, ACCEPTED, CANCELLED = ("placed", "awaiting_payment", "accepted",
                                                 "cancelled")
DEFAULT_TIME_ZONE = "Europe/Paris"
"""A producer's time zone until its settings name another."""
_NOT_IN_A_LABEL = {"Cc", "Cf", "Zl", "Zp"}  # control and format characters, line breaks


@dataclass(frozen=True)
class Line:
    label: str
    quantity: int
    unit_price_cents: int

    @property
    def amount_cents(self) -> int:
        return self.quantity * self.unit_price_cents

    def check_is_valid(self, field_name: str) -> None:
        if not self.label.strip() or any(unicodedata.category(c) in _NOT_IN_A_LABEL
                                         for c in self.label):
            raise Invalid("a line needs a label, on one line, without control characters",
                          field_name)
        if self.quantity <= 0:
            raise Invalid("a line's quantity must be positive", field_name)
        if self.unit_price_cents <= 0:
            raise Invalid("a line's unit price must be positive", field_name)


def order_total(lines: list[Line]) -> int:
    """The invoice amount: the sum of the lines, each checked."""
    if not lines:
        raise Invalid("an order needs at least one line", "lines")
    for index, line in enumerate(lines):
        line.check_is_valid(f"lines.{index}")
    total = sum(line.amount_cents for line in lines)
    if total > MAX_AMOUNT_CENTS:
        raise Invalid("the order total is over 10^11 cents", "lines")
    return total


@dataclass(frozen=True)
class Order:
    producer_id: str
    customer_id: str
    delivery_date: date | None
    """None until stored: the producer's own date when the order is placed (in its time zone,
    not the server's), so an order placed on Monday 00:30 in Paris is Monday's, not Sunday's."""
    lines: list[Line]
    total_cents: int
    order_id: uuid.UUID = field(default_factory=uuid.uuid4)
    status: str = PLACED


def new_order(producer_id: str, customer_id: str, delivery_date: date | None,
              lines: list[Line]) -> Order:
    """A new order of these lines; its total is the invoice amount."""
    return Order(producer_id, customer_id, delivery_date, list(lines), order_total(lines))
