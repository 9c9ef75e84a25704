"""What a printed invoice or till receipt states, fixed at the moment of printing. No I/O."""

import html
import textwrap
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from ardoise.money import format_cents
from orders.domain.order import UNITS, Line, quantity_json
from orders.domain.vat import RATE_TEXT, VatRow

MODE_NAMES = {"not_delivered": "Non livré", "account": "Déduit du compte client",
              "cash": "Espèces", "cheque": "Chèque", "card": "Carte bancaire",
              "transfer": "Virement", "online": "En ligne (SumUp)"}
RECEIPT_WIDTH = 42
"""The text receipt's columns; ESC/POS printers have 32 (58 mm paper) or 48 (80 mm)."""
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
    seller_name: str | None = None
    """The producer's legal name; the receipt shows `producer_id` until it is known."""
    seller_address: str | None = None
    """Multi-line."""
    siret: str | None = None
    vat_number: str | None = None
    invoice_number: str | None = None
    vat_rows: tuple[VatRow, ...] = ()
    vat_mention: str | None = None
    """Printed instead of a VAT table, e.g. `TVA non applicable, art. 293 B du CGI`."""
    available_cents: int | None = None
    """The customer's available credit, when the producer chooses to show it (tracking on)."""

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


TITLE, HEADER, TOTAL, BODY = "title", "header", "total", "body"
"""How a till printer may style a receipt row: the seller's name, the rest of the header
(both centred), the total; text receipts ignore the style."""


class ReceiptRow(NamedTuple):
    text: str
    style: str = BODY


def _rows(left: str, right: str = "", width: int = RECEIPT_WIDTH) -> list[str]:
    """`left` and `right` on one receipt line, else each wrapped, `right` under `left`."""
    if len(left) + 1 + len(right) <= width:
        return [left + right.rjust(width - len(left))] if right else [left]
    chunks = range(0, len(right), width)
    return textwrap.wrap(left, width) + [right[i:i + width].rjust(width) for i in chunks]


def _header(p: Printout, width: int) -> list[ReceiptRow]:
    """The seller, centred: name (or the producer's id), address lines, SIRET, VAT number."""
    def centred(text: str, style: str) -> list[ReceiptRow]:
        # Stripped of all whitespace: a printer centring `row.text.strip()` prints it here.
        return [ReceiptRow(row.strip().center(width).rstrip(), style)
                for row in textwrap.wrap(text, width)]

    rows = centred((p.seller_name or "").strip() or p.producer_id, TITLE)
    for text in (p.seller_address or "").splitlines():
        rows += centred(text, HEADER)
    if p.siret:
        rows += centred(f"SIRET {p.siret}", HEADER)
    if p.vat_number:
        rows += centred(f"N° TVA {p.vat_number}", HEADER)
    return rows


def _vat(p: Printout, width: int) -> list[str]:
    """One row per rate, `5,5 %   HT 18,96 €  TVA 1,04 €`, base and VAT on rows of their own
    when that is too wide; or the mention saying why there is no VAT."""
    if not p.vat_rows:
        return textwrap.wrap(p.vat_mention or "", width)
    rows = []
    for row in p.vat_rows:
        rate = RATE_TEXT.get(row.rate, f"{row.rate} %")
        base, vat = format_cents(row.base_cents), format_cents(row.vat_cents)
        together = f"HT {base}  TVA {vat}"
        if len(rate) + 1 + len(together) <= width:
            rows += _rows(rate, together, width)
        else:
            rows += _rows(f"{rate} HT", base, width) + _rows(f"{rate} TVA", vat, width)
    return rows


def receipt_rows(p: Printout, width: int = RECEIPT_WIDTH) -> list[ReceiptRow]:
    """The till receipt's rows, none wider than `width`, each with how a printer may style it."""
    rule = "-" * width
    body = []
    if p.invoice_number:
        body += _rows("Facture", p.invoice_number, width)
    body += [*_rows("Commande", p.reference, width), *_rows("Client", p.customer_name, width),
             *_rows("Livraison", p.delivery_text, width), rule]
    for line in p.lines:
        body += textwrap.wrap(line.label, width)
        body += _rows(f"  {line.quantity_text} x {unit_price_text(line)}",
                      format_cents(line.amount_cents), width)
    body.append(rule)
    total = [ReceiptRow(row, TOTAL) for row in _rows("TOTAL", format_cents(p.total_cents), width)]
    after = _vat(p, width)
    if p.tracking:
        after += _rows("Règlement", MODE_NAMES[p.mode], width)
        if p.amount_paid_cents:
            after += _rows("Paiement reçu", format_cents(p.amount_paid_cents), width)
        if p.credit_note_cents:
            after += _rows(f"Avoir n°{p.credit_note_number}", format_cents(p.credit_note_cents),
                           width)
        after += _rows("Solde du compte", p.balance_text, width)
        if p.available_cents is not None:
            after += _rows("Disponible", format_cents(p.available_cents), width)
    after += [rule, *_rows("Imprimé le", p.printed_text, width)]
    return [*_header(p, width), ReceiptRow(rule), *map(ReceiptRow, body), *total,
            *map(ReceiptRow, after)]


def receipt_text(p: Printout, width: int = RECEIPT_WIDTH) -> str:
    """A till receipt: no line wider than `width` characters, amounts as `12,50 €`."""
    return "".join(row.text + "\n" for row in receipt_rows(p, width))


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
