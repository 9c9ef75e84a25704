"""What a printed invoice or till receipt states, fixed at the moment of printing. No I/O."""

import html
import textwrap
from dataclasses import dataclass
from datetime import datetime

from ardoise.money import format_cents
from orders.domain.order import UNITS, Line, quantity_json

MODE_NAMES = {"not_delivered": "Non livré", "account": "Déduit du compte client",
              "cash": "Espèces", "cheque": "Chèque", "card": "Carte bancaire",
              "transfer": "Virement", "online": "En ligne (SumUp)"}
RECEIPT_WIDTH = 42
SHOWN, UNAVAILABLE, TRACKING_OFF = "shown", "unavailable", "tracking_off"


@dataclass(frozen=True)
class Printout:
    """Everything an invoice or a till receipt states. With payment tracking off, neither the
    settlement nor the balance is stated; `balance_cents` None with tracking on means the
    accounts service could not say, and the document says so rather than print a wrong figure."""

    order_id: str
    producer_id: str
    customer_id: str
    customer_name: str
    delivery_date: str
    lines: list[Line]
    total_cents: int
    tracking: bool
    mode: str
    amount_paid_cents: int
    credit_note_cents: int
    credit_note_number: int | None
    balance_cents: int | None
    printed_at: str
    """UTC, ISO 8601 (the API's timestamps)."""
    printed_local: datetime
    """The same moment in the producer's time zone: what the document prints."""

    @property
    def reference(self) -> str:
        return self.order_id[:8]

    @property
    def printed_text(self) -> str:
        """`04/12/2026 à 15:32`, in the producer's time zone."""
        return f"{self.printed_local:%d/%m/%Y} à {self.printed_local:%H:%M}"

    @property
    def delivery_text(self) -> str:
        day = datetime.strptime(self.delivery_date, "%Y-%m-%d")
        return f"{day:%d/%m/%Y}"

    @property
    def balance_status(self) -> str:
        if not self.tracking:
            return TRACKING_OFF
        return UNAVAILABLE if self.balance_cents is None else SHOWN

    @property
    def balance_text(self) -> str:
        return "indisponible" if self.balance_cents is None else format_cents(self.balance_cents)


def invoice_document(p: Printout) -> dict:
    """The invoice as JSON: API.md's fields, and a few more a frontend needs to lay it out."""
    settlement = ({"mode": p.mode, "amount_paid_cents": p.amount_paid_cents}
                  if p.tracking else None)
    return {
        "order_id": p.order_id, "customer_id": p.customer_id, "customer_name": p.customer_name,
        "delivery_date": p.delivery_date,
        "lines": [{"label": line.label, "quantity": quantity_json(line.quantity),
                   "unit": line.unit, "unit_price_cents": line.unit_price_cents,
                   "amount_cents": line.amount_cents}
                  for line in p.lines],
        "total_cents": p.total_cents, "settlement": settlement,
        "credit_note_cents": p.credit_note_cents if p.tracking else None,
        "credit_note_number": p.credit_note_number if p.tracking else None,
        "balance_cents": p.balance_cents if p.tracking else None,
        "balance_status": p.balance_status, "printed_at": p.printed_at,
    }


def unit_price_text(line: Line) -> str:
    """`4,00 €` for a piece, `4,00 €/kg` by weight or volume."""
    price = format_cents(line.unit_price_cents)
    return price if line.unit == "piece" else f"{price}/{UNITS[line.unit]}"


def _rows(left: str, right: str = "") -> list[str]:
    """`left` and `right` on one receipt line, else each wrapped, `right` under `left`."""
    if len(left) + 1 + len(right) <= RECEIPT_WIDTH:
        return [left + right.rjust(RECEIPT_WIDTH - len(left))] if right else [left]
    chunks = range(0, len(right), RECEIPT_WIDTH)
    return textwrap.wrap(left, RECEIPT_WIDTH) + [
        right[i:i + RECEIPT_WIDTH].rjust(RECEIPT_WIDTH) for i in chunks]


def receipt_text(p: Printout) -> str:
    """A till receipt: no line wider than 42 characters, amounts as `12,50 €`."""
    rule = ["-" * RECEIPT_WIDTH]
    rows = [p.producer_id[:RECEIPT_WIDTH].center(RECEIPT_WIDTH).rstrip(), *rule,
            *_rows("Commande", p.reference), *_rows("Client", p.customer_name),
            *_rows("Livraison", p.delivery_text), *rule]
    for line in p.lines:
        rows += textwrap.wrap(line.label, RECEIPT_WIDTH)
        rows += _rows(f"  {line.quantity_text} x {unit_price_text(line)}",
                      format_cents(line.amount_cents))
    rows += [*rule, *_rows("TOTAL", format_cents(p.total_cents))]
    if p.tracking:
        rows += _rows("Règlement", MODE_NAMES[p.mode])
        if p.amount_paid_cents:
            rows += _rows("Paiement reçu", format_cents(p.amount_paid_cents))
        if p.credit_note_cents:
            rows += _rows(f"Avoir n°{p.credit_note_number}", format_cents(p.credit_note_cents))
        rows += _rows("Solde du compte", p.balance_text)
    rows += [*rule, *_rows("Imprimé le", p.printed_text)]
    return "\n".join(rows) + "\n"


def invoice_html(p: Printout) -> str:
    """The invoice as a printable HTML page."""
    e = html.escape
    lines = "".join(
        f"<tr><td>{e(line.label)}</td><td>{e(line.quantity_text)}</td>"
        f"<td>{e(unit_price_text(line))}</td><td>{format_cents(line.amount_cents)}</td>"
        "</tr>" for line in p.lines)
    payment = ""
    if p.tracking:
        payment = f"<p>Règlement : {e(MODE_NAMES[p.mode])}</p>"
        if p.amount_paid_cents:
            payment += f"<p>Paiement reçu : {format_cents(p.amount_paid_cents)}</p>"
        if p.credit_note_cents:
            payment += (f"<p>Avoir n°{p.credit_note_number} : "
                        f"{format_cents(p.credit_note_cents)}</p>")
        payment += f"<p>Solde du compte client le {e(p.printed_text)} : {p.balance_text}</p>"
    return (f"<!doctype html><html lang=fr><meta charset=utf-8><title>Facture {p.reference}"
            f"</title><h1>Facture {p.reference}</h1><p>Client : {e(p.customer_name)} — "
            f"livraison le {p.delivery_text}</p><table><tr><th>Article</th><th>Quantité</th>"
            f"<th>Prix unitaire</th><th>Montant</th></tr>{lines}</table>"
            f"<p><strong>Total : {format_cents(p.total_cents)}</strong></p>{payment}</html>")
