"""An order: its lines, its total, its delivery date. No I/O."""

import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from ardoise.errors import Invalid
from ardoise.money import MAX_AMOUNT_CENTS
from orders.domain.vat import RATES

PLACED, AWAITING_PAYMENT, ACCEPTED, CANCELLED = ("placed", "awaiting_payment", "accepted",
                                                 "cancelled")
DEFAULT_TIME_ZONE = "Europe/Paris"
"""A producer's time zone until its settings name another."""
_NOT_IN_A_LABEL = {"Cc", "Cf", "Zl", "Zp"}  # control and format characters, line breaks

UNITS = {"piece": "pièce", "kg": "kg", "g": "g", "l": "l", "cl": "cl", "ml": "ml",
         "bunch": "botte", "dozen": "douzaine"}
"""The units a line is sold by, with what documents print; a line's price is per unit."""
QUANTITY_DECIMALS = 3
"""A quantity has at most three decimals: a gram of a kilogram, a millilitre of a litre."""
MAX_QUANTITY = Decimal(100_000)


def line_amount_cents(quantity: Decimal, unit_price_cents: int) -> int:
    """The line's amount in cents: quantity × unit price, rounded to the cent half up (0,5 cent
    and above goes up), once per line. 1,255 kg at 3,99 €/kg is 500,745 cents → 5,01 €."""
    return int((quantity * unit_price_cents).to_integral_value(rounding=ROUND_HALF_UP))


def as_quantity(value) -> Decimal:
    """A stored or sent quantity (int, decimal string, Decimal) as an exact Decimal."""
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError(f"a quantity is exact, not {type(value).__name__}")
    return Decimal(value if isinstance(value, (int, Decimal)) else str(value))


def quantity_json(quantity: Decimal) -> int | float:
    """The quantity as a JSON number: whole quantities as integers (as before sales by weight),
    others as the shortest float that reads back to the same three decimals."""
    return int(quantity) if quantity == quantity.to_integral_value() else float(quantity)


def format_quantity(quantity: Decimal, unit: str) -> str:
    """As people read it in France: `1,25 kg`, `0,5 l`, `2 bottes`; pieces as a bare number
    (`3`), as receipts always showed them."""
    text = f"{quantity.normalize():f}".replace(".", ",")
    if unit == "piece":
        return text
    plural = "s" if unit in ("bunch", "dozen") and quantity >= 2 else ""
    return f"{text} {UNITS[unit]}{plural}"


@dataclass(frozen=True)
class Line:
    label: str
    quantity: Decimal
    unit_price_cents: int
    """Per `unit`: per kilogram for a line sold by the kilogram."""
    unit: str = "piece"
    vat_rate: str | None = None
    """`5.5` (per cent, see `vat.RATES`); None: the producer's default rate when invoiced."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "quantity", as_quantity(self.quantity))

    @classmethod
    def stored(cls, line: dict) -> "Line":
        """A line as stored in an order (lines from before sales by weight have no unit)."""
        return cls(line["label"], as_quantity(line["quantity"]), line["unit_price_cents"],
                   line.get("unit", "piece"), line.get("vat_rate"))

    def to_stored(self) -> dict:
        stored = {"label": self.label, "quantity": str(self.quantity),
                  "unit_price_cents": self.unit_price_cents, "unit": self.unit}
        if self.vat_rate is not None:
            stored["vat_rate"] = self.vat_rate
        return stored

    @property
    def amount_cents(self) -> int:
        return line_amount_cents(self.quantity, self.unit_price_cents)

    @property
    def quantity_text(self) -> str:
        return format_quantity(self.quantity, self.unit)

    def check_is_valid(self, field_name: str) -> None:
        if not self.label.strip() or any(unicodedata.category(c) in _NOT_IN_A_LABEL
                                         for c in self.label):
            raise Invalid("a line needs a label, on one line, without control characters",
                          field_name)
        if self.unit not in UNITS:
            raise Invalid(f"a line's unit is one of {', '.join(UNITS)}", field_name)
        if not self.quantity.is_finite() or not 0 < self.quantity <= MAX_QUANTITY:
            raise Invalid("a line's quantity must be positive, at most 100000", field_name)
        if self.quantity != round(self.quantity, QUANTITY_DECIMALS):
            raise Invalid("a line's quantity has at most 3 decimals", field_name)
        if self.unit_price_cents <= 0:
            raise Invalid("a line's unit price must be positive", field_name)
        if self.vat_rate is not None and self.vat_rate not in RATES:
            raise Invalid(f"a line's VAT rate is one of {', '.join(RATES)}", field_name)


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
