"""An order: its lines and total; and what a printed invoice or receipt says. No I/O."""

from dataclasses import dataclass

from ardoise.errors import Invalid
from ardoise.money import MAX_AMOUNT_CENTS, format_cents

MODE_NAMES = {"not_delivered": "Non livré", "account": "Déduit du compte client",
              "cash": "Espèces", "cheque": "Chèque", "card": "Carte bancaire",
              "transfer": "Virement", "online": "En ligne (SumUp)"}
RECEIPT_WIDTH = 42


@dataclass(frozen=True)
class Line:
    label: str
    quantity: int
    unit_price_cents: int

    @property
    def amount_cents(self) -> int:
        return self.quantity * self.unit_price_cents


def order_total(lines: list[Line]) -> int:
    if not lines:
        raise Invalid("an order needs at least one line", "lines")
    total = sum(line.amount_cents for line in lines)
    if total > MAX_AMOUNT_CENTS:
        raise Invalid("the order total is absurdly large", "lines")
    return total


@dataclass(frozen=True)
class Printout:
    """Everything an invoice or a till receipt states, fixed at the moment of printing."""

    order_id: str
    producer_id: str
    customer_id: str
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


def _row(left: str, right: str) -> str:
    room = RECEIPT_WIDTH - len(right) - 1
    return f"{left[:room]:<{room}} {right}"


def receipt_text(p: Printout) -> str:
    """A till receipt, no line wider than 42 characters."""
    rows = [p.producer_id[:RECEIPT_WIDTH].center(RECEIPT_WIDTH), "-" * RECEIPT_WIDTH,
            _row("Commande", p.order_id[:8]), _row("Client", p.customer_id[:20]),
            _row("Livraison", p.delivery_date), "-" * RECEIPT_WIDTH]
    for line in p.lines:
        rows.append(line.label[:RECEIPT_WIDTH])
        rows.append(_row(f"  {line.quantity} x {format_cents(line.unit_price_cents)}",
                         format_cents(line.amount_cents)))
    rows += ["-" * RECEIPT_WIDTH, _row("TOTAL", format_cents(p.total_cents))]
    if p.tracking:
        rows.append(_row("Règlement", MODE_NAMES[p.mode]))
        if p.amount_paid_cents:
            rows.append(_row("Payé", format_cents(p.amount_paid_cents)))
        if p.credit_note_cents:
            rows.append(_row(f"Avoir n°{p.credit_note_number}", format_cents(p.credit_note_cents)))
        rows.append(_row("Solde du compte", "indisponible" if p.balance_cents is None
                         else format_cents(p.balance_cents)))
    rows += ["-" * RECEIPT_WIDTH, _row("Imprimé le", p.printed_at[:16].replace("T", " "))]
    return "\n".join(rows) + "\n"
