"""Events as the other services publish them, for the journal's tests."""

import uuid
from datetime import UTC, date, datetime

from ardoise.events import (
    InvoiceIssued,
    InvoiceLine,
    MovementRecorded,
    SettlementChanged,
    VatAmounts,
)


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def invoice(producer_id: str, order_id: uuid.UUID, number: str, day: date, total: int = 2000,
            corrects: str | None = None) -> InvoiceIssued:
    """A basket at 5,5 %: 20,00 € is 18,96 € HT and 1,04 € of VAT (negated for an avoir)."""
    sign = -1 if corrects else 1
    base = sign * round(abs(total) * 100 / 105.5)
    return InvoiceIssued(
        producer_id=producer_id, order_id=order_id, customer_id="c-1", customer_name="Élise",
        number=number, kind="credit_invoice" if corrects else "invoice", issued_at=at(day),
        issue_date=day, corrects=corrects, total_ht_cents=base, total_vat_cents=total - base,
        total_cents=total, occurred_at=at(day),
        vat=[VatAmounts(rate="5.5", base_cents=base, vat_cents=total - base, total_cents=total)],
        lines=[InvoiceLine(label="Panier", quantity="1", unit_price_cents=abs(total),
                           amount_cents=total, base_cents=base, vat_rate="5.5")])


def settled(producer_id: str, order_id: uuid.UUID, version: int, day: date, total: int = 2000,
            mode: str = "cash", received: dict | None = None, credit_note: int = 0,
            credit_note_number: int | None = None, hour: int = 11) -> SettlementChanged:
    received = {mode: total} if received is None else received
    return SettlementChanged(
        producer_id=producer_id, order_id=order_id, customer_id="c-1", version=version,
        total_cents=total, delivery_date=day, mode=mode,
        amount_paid_cents=sum(received.values()), received=received,
        credit_note_cents=credit_note, credit_note_number=credit_note_number,
        occurred_at=at(day, hour))


def moved(producer_id: str, day: date, cents: int, mode: str | None = "cash") -> MovementRecorded:
    return MovementRecorded(producer_id=producer_id, customer_id="c-1",
                            movement_id=uuid.uuid4(), at=at(day), amount_cents=cents, mode=mode,
                            label="Recharge", occurred_at=at(day))
