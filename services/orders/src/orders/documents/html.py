"""The invoice or facture d'avoir as a standalone French HTML page, for the browser and the PDF."""

from functools import cache

from jinja2 import Environment, PackageLoader

from ardoise.money import format_cents
from orders.documents import fields
from orders.domain.printouts import MODE_NAMES, SHOWN, UNAVAILABLE
from orders.domain.vat import RATE_TEXT

PREVIEW_TITLE = "Aperçu de facture (non émise)"
_LOGO_PREFIXES = ("data:image/png;base64,", "data:image/jpeg;base64,")


@cache
def _environment() -> Environment:
    # built on first use, not at import; autoescape on, whatever the template's file name
    return Environment(loader=PackageLoader("orders.documents", "templates"), autoescape=True,
                       trim_blocks=True, lstrip_blocks=True)


def invoice_html(document: dict, printed: dict | None = None) -> str:
    """The whole page: `document` is the frozen invoice, `printed` what only print time knows
    (the customer's balance), None when it is not printed for a customer."""
    return _environment().get_template("invoice.html.j2").render(page=page_view(document, printed))


def title_of(document: dict) -> str:
    """`Facture F000042`, `Facture d'avoir FA000003`; a preview, not yet numbered, says so."""
    if document.get("number") is None:
        return PREVIEW_TITLE
    name = "Facture d'avoir" if document["kind"] == "credit_invoice" else "Facture"
    return f"{name} {document['number']}"


def page_view(document: dict, printed: dict | None) -> dict:
    """Every text the template prints, already in French: the template only lays them out."""
    return {
        "title": title_of(document),
        "preview": document.get("number") is None,
        "corrects": _corrects_text(document),
        "issue_date": (fields.date_text(document["issue_date"])  # a preview is not issued
                       if document.get("number") and document.get("issue_date") else None),
        "delivery_date": fields.date_text(document["delivery_date"]),
        "order_reference": document.get("order_reference"),
        "seller": _seller_view(document["seller"]),
        "buyer": _buyer_view(document["buyer"]),
        "without_vat": fields.without_vat(document),
        "vat_mention": document["seller"].get("vat_mention"),
        "lines": [_line_view(line) for line in document["lines"]],
        "vat_rows": [{"rate": RATE_TEXT[row["rate"]], "base": format_cents(row["base_cents"]),
                      "vat": format_cents(row["vat_cents"]),
                      "total": format_cents(row["total_cents"])} for row in document["vat"]],
        "total_ht": format_cents(document["total_ht_cents"]),
        "total_vat": format_cents(document["total_vat_cents"]),
        "total": format_cents(document["total_cents"]),
        "payment": _payment_view(document.get("payment")),
        "payment_terms": document.get("payment_terms"),
        "payment_reference": (document.get("payment_reference")
                              if document["kind"] != "credit_invoice" else None),
        "late_payment_text": document.get("late_payment_text"),
        "recovery_fee_text": document.get("recovery_fee_text"),
        "balance": _balance_text(printed),
    }


def _corrects_text(document: dict) -> str | None:
    corrected = document.get("corrects")
    if document["kind"] != "credit_invoice" or not corrected:
        return None
    number = document.get("number") or "(non émise)"
    return (f"Facture d'avoir n° {number} — annule la facture n° {corrected['number']} "
            f"du {fields.date_text(corrected['issue_date'])}")


def _seller_view(seller: dict) -> dict:
    logo = seller.get("logo_data_url")
    return {
        # a preview may be shown before the producer filled in its invoicing details
        "name": seller.get("legal_name") or "",
        "address": fields.address_lines(seller.get("address")),
        "siren": seller.get("siren"), "siret": seller.get("siret"),
        "legal": fields.legal_text(seller), "vat_number": seller.get("vat_number"),
        "email": seller.get("email"), "phone": seller.get("phone"),
        # only an inline image: the PDF renderer is never asked to fetch a URL
        "logo": logo if logo and logo.startswith(_LOGO_PREFIXES) else None,
    }


def _buyer_view(buyer: dict) -> dict:
    professional = bool(buyer.get("professional"))
    return {
        "name": buyer["name"], "address": fields.address_lines(buyer.get("address")),
        "siren": buyer.get("siren") if professional else None,
        "vat_number": buyer.get("vat_number") if professional else None,
    }


def _line_view(line: dict) -> dict:
    unit_base_cents = fields.unit_base_cents(line)
    if (unit_base_cents < 0) != (line["unit_price_cents"] < 0):
        # a facture d'avoir may keep the invoice's positive unit price beside negative
        # amounts: both unit prices then read with the same sign
        unit_base_cents = -unit_base_cents
    return {
        "label": line["label"], "quantity": fields.quantity_text(line),
        "unit_ht": fields.per_unit_text(unit_base_cents, line["unit"]),
        "unit_ttc": fields.per_unit_text(line["unit_price_cents"], line["unit"]),
        "rate": RATE_TEXT[line["vat_rate"]],
        "amount_ht": format_cents(line["base_cents"]),
        "amount_ttc": format_cents(line["amount_cents"]),
    }


def _payment_view(payment: dict | None) -> dict | None:
    if payment is None:  # payment tracking off: the invoice states no settlement
        return None
    credit_note = None
    if payment.get("credit_note_cents"):
        credit_note = (f"Avoir n°{payment.get('credit_note_number')} : "
                       f"{format_cents(payment['credit_note_cents'])}")
    paid_cents = payment.get("amount_paid_cents") or 0
    return {"mode": MODE_NAMES.get(payment["mode"], payment["mode"]),
            "received": format_cents(paid_cents) if paid_cents else None,
            "credit_note": credit_note}


def _balance_text(printed: dict | None) -> str | None:
    if printed is None or printed.get("balance_status") not in (SHOWN, UNAVAILABLE):
        return None
    if printed["balance_status"] == SHOWN and printed.get("balance_cents") is not None:
        amount = format_cents(printed["balance_cents"])
    else:
        amount = "indisponible"
    return f"Solde du compte client le {printed['printed_text']} : {amount}"
