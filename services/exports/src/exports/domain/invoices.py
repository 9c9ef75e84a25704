"""The invoices and factures d'avoir of a period, and their VAT per rate, in integer cents."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

KIND_LABELS = {"invoice": "Facture", "credit_invoice": "Facture d'avoir"}


@dataclass(frozen=True, slots=True)
class RateAmounts:
    """One VAT rate's base before tax, tax and their sum, in cents (negative in an avoir)."""

    base_cents: int = 0
    vat_cents: int = 0
    total_cents: int = 0

    def __add__(self, other: "RateAmounts") -> "RateAmounts":
        return RateAmounts(self.base_cents + other.base_cents, self.vat_cents + other.vat_cents,
                           self.total_cents + other.total_cents)


@dataclass(frozen=True, slots=True)
class InvoiceRow:
    """An issued document as the read model keeps it: what the workbook lists of it."""

    number: str
    kind: str
    issue_date: date
    customer_name: str
    order_id: str
    corrects: str | None
    total_ht_cents: int
    total_vat_cents: int
    total_cents: int
    vat: Mapping[str, RateAmounts]
    """Per rate (`"5.5"`), the document's amounts at that rate."""
    issued_by: str | None = None
    """Who issued it (an operator's name); None: the system, or told before it was."""

    def __post_init__(self) -> None:
        if self.kind not in KIND_LABELS:
            raise ValueError(f"unknown document kind {self.kind!r} for {self.number}")

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def order_reference(self) -> str:
        """The order's short reference, as the documents print it: its id's first 8 chars."""
        return self.order_id[:8]


def rate_key(rate: str) -> Decimal:
    return Decimal(rate)


def rate_text(rate: str) -> str:
    """`"5.5"` → `"5,5 %"`, as French documents write a rate."""
    return f"{rate.replace('.', ',')} %"


def rates_of(rows: Iterable[InvoiceRow]) -> list[str]:
    """The rates the documents use, lowest first: only those get columns."""
    return sorted({rate for row in rows for rate in row.vat}, key=rate_key)


@dataclass
class InvoiceTotals:
    """What the documents add up to, in all and per rate: sums of cents, so exact."""

    count: int = 0
    total_ht_cents: int = 0
    total_vat_cents: int = 0
    total_cents: int = 0
    per_rate: dict[str, RateAmounts] = field(default_factory=dict)

    def add(self, row: InvoiceRow) -> None:
        self.count += 1
        self.total_ht_cents += row.total_ht_cents
        self.total_vat_cents += row.total_vat_cents
        self.total_cents += row.total_cents
        for rate, amounts in row.vat.items():
            self.per_rate[rate] = self.per_rate.get(rate, RateAmounts()) + amounts

    def rates(self) -> list[tuple[str, RateAmounts]]:
        """Per rate, lowest first."""
        return sorted(self.per_rate.items(), key=lambda item: rate_key(item[0]))
