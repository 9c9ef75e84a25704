"""Invoices and factures d'avoir: who issues them, their numbers, what they state. No I/O.

An issued document is a frozen dict (`issue_invoice`, `cancel_invoice`): every later rendering
(HTML, PDF, Factur-X) reads it and nothing else, so an issued invoice never changes. What a
print adds at print time (the settlement, the customer's balance) is not part of it.
"""

from dataclasses import asdict, dataclass, fields
from datetime import datetime

from ardoise.errors import Invalid
from ardoise.payment_reference import payment_reference
from orders.domain import vat
from orders.domain.order import Line

INVOICE, CREDIT_INVOICE = "invoice", "credit_invoice"
PREFIXES = {INVOICE: "F", CREDIT_INVOICE: "FA"}
"""Two series per producer, each numbered from 1 without a gap: `F000042`, `FA000003`."""

REGIMES = {
    "vat": None,
    "franchise": "TVA non applicable, art. 293 B du CGI",
    "flat_rate_agricultural": ("TVA non applicable, producteur agricole au remboursement "
                               "forfaitaire, art. 298 quater du CGI"),
}
"""The producer's VAT regime, with the mention a document must carry under it. Outside the
`vat` regime no VAT is charged: every line is at 0 %."""

LATE_PAYMENT_TEXT = ("En cas de retard de paiement, pénalités au taux de trois fois le taux "
                     "d'intérêt légal ; pas d'escompte pour paiement anticipé.")
RECOVERY_FEE_TEXT = "Indemnité forfaitaire pour frais de recouvrement : 40 €"
"""Owed by a professional buyer who pays late (art. L441-10 du code de commerce)."""
DEFAULT_PAYMENT_TERMS = "Paiement à réception"


def number_text(kind: str, sequence: int) -> str:
    return f"{PREFIXES[kind]}{sequence:06d}"


@dataclass(frozen=True)
class Invoicing:
    """The producer's identity on its documents, and how it invoices."""

    legal_name: str | None = None
    address: str | None = None
    siret: str | None = None
    vat_number: str | None = None
    vat_regime: str = "vat"
    default_vat_rate: str = "5.5"
    legal_form: str | None = None
    share_capital_cents: int | None = None
    registration: str | None = None
    email: str | None = None
    phone: str | None = None
    logo_data_url: str | None = None
    payment_terms: str = DEFAULT_PAYMENT_TERMS
    invoice_on_delivery: bool = False
    receipt_shows_available: bool = False

    @classmethod
    def of(cls, row) -> "Invoicing":
        """From a stored row (None: the defaults, nothing known of the producer yet)."""
        if row is None:
            return cls()
        return cls(**{f.name: getattr(row, f.name) for f in fields(cls)})

    def as_dict(self) -> dict:
        return asdict(self)

    def check_can_issue(self) -> None:
        """A document names its issuer fully: a clear refusal names the first field missing."""
        for name in ("legal_name", "address", "siret"):
            if not getattr(self, name):
                raise Invalid(f"the producer's {name.replace('_', ' ')} is needed on an invoice "
                              "(PUT …/invoicing)", f"invoicing.{name}")
        if self.vat_regime == "vat" and not self.vat_number:
            raise Invalid("a producer charging VAT states its VAT number on an invoice",
                          "invoicing.vat_number")

    def line_rate(self, line_rate: str | None) -> str:
        if self.vat_regime != "vat":
            return "0"
        return line_rate or self.default_vat_rate

    def seller(self) -> dict:
        return {"legal_name": self.legal_name, "address": self.address,
                "siren": (self.siret or "")[:9] or None, "siret": self.siret,
                "vat_number": self.vat_number if self.vat_regime == "vat" else None,
                "vat_regime": self.vat_regime, "vat_mention": REGIMES[self.vat_regime],
                "legal_form": self.legal_form, "share_capital_cents": self.share_capital_cents,
                "registration": self.registration, "email": self.email, "phone": self.phone,
                "logo_data_url": self.logo_data_url}


@dataclass(frozen=True)
class Buyer:
    customer_id: str
    name: str
    address: str | None = None
    professional: bool = False
    siren: str | None = None
    vat_number: str | None = None

    def check_can_be_invoiced(self) -> None:
        if self.professional and not self.address:
            raise Invalid("an invoice to a business states its address: set the customer's "
                          "address", "customer.address")


def _amounts(lines: list[dict]) -> dict:
    pairs = [(line["vat_rate"], line["amount_cents"]) for line in lines]
    for line, base in zip(lines, vat.line_bases(pairs), strict=True):
        line["base_cents"] = base
    rows = [row.__dict__ for row in vat.breakdown(pairs)]
    return {"lines": lines, "vat": rows,
            "total_ht_cents": sum(row["base_cents"] for row in rows),
            "total_vat_cents": sum(row["vat_cents"] for row in rows),
            "total_cents": sum(row["total_cents"] for row in rows)}


def issue_invoice(number: str | None, issued_at: datetime, issue_date: str, order,
                  lines: list[Line], invoicing: Invoicing, buyer: Buyer) -> dict:
    """The invoice of an order, as issued: numbered, dated, its VAT worked out per rate. With
    no number, a preview of what it would state (the missing mentions left blank)."""
    if number is not None:
        invoicing.check_can_issue()
        buyer.check_can_be_invoiced()
    stated = [{"label": line.label, "quantity": str(line.quantity), "unit": line.unit,
               "unit_price_cents": line.unit_price_cents,
               "vat_rate": invoicing.line_rate(line.vat_rate), "amount_cents": line.amount_cents}
              for line in lines]
    return {
        "kind": INVOICE, "number": number, "issued_at": issued_at.isoformat(),
        "issue_date": issue_date, "order_id": str(order.order_id),
        "order_reference": str(order.order_id)[:8],
        "delivery_date": order.delivery_date.isoformat(), "corrects": None, "currency": "EUR",
        "seller": invoicing.seller(), "buyer": asdict(buyer), **_amounts(stated),
        "payment_terms": invoicing.payment_terms, "late_payment_text": LATE_PAYMENT_TEXT,
        "payment_reference": payment_reference(order.producer_id, order.customer_id),
        "recovery_fee_text": RECOVERY_FEE_TEXT if buyer.professional else None,
    }


def cancel_invoice(invoice: dict, number: str, issued_at: datetime, issue_date: str,
                   invoicing: Invoicing) -> dict:
    """The facture d'avoir that cancels `invoice` in full: its lines and amounts negated (so
    its VAT is exactly the invoice's, negated), its own number, the invoice it cancels."""
    if invoice["kind"] != INVOICE:
        raise Invalid("only an invoice can be cancelled by a facture d'avoir", "number")
    negated = [{**line, "amount_cents": -line["amount_cents"],
                "base_cents": -line["base_cents"]} for line in invoice["lines"]]
    rows = [{**row, **{k: -row[k] for k in ("base_cents", "vat_cents", "total_cents")}}
            for row in invoice["vat"]]
    return {
        **invoice, "kind": CREDIT_INVOICE, "number": number, "issued_at": issued_at.isoformat(),
        "issue_date": issue_date, "seller": {**invoice["seller"], **_current(invoicing)},
        "corrects": {"number": invoice["number"], "issue_date": invoice["issue_date"]},
        "lines": negated, "vat": rows,
        **{k: -invoice[k] for k in ("total_ht_cents", "total_vat_cents", "total_cents")},
    }


def _current(invoicing: Invoicing) -> dict:
    """What of the issuer a facture d'avoir states as it is now (its contact details); its
    VAT regime and numbers stay those of the invoice it cancels."""
    return {name: getattr(invoicing, name) for name in ("legal_name", "address", "email",
                                                          "phone", "logo_data_url")
            if getattr(invoicing, name)}
