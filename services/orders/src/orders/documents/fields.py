"""Figures and French texts an invoice document derives from its frozen dict. No I/O."""

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from ardoise.money import format_cents
from orders.domain.order import UNITS, format_quantity

_POSTCODE_CITY = re.compile(r"^(\d{5})\s+(.+)$")


def date_text(iso_date: str) -> str:
    """`2026-12-05` → `05/12/2026`."""
    return f"{date.fromisoformat(iso_date):%d/%m/%Y}"


def quantity_text(line: dict) -> str:
    """`1,25 kg`, `2 bottes`; pieces as a bare number, as the receipts print them."""
    return format_quantity(Decimal(line["quantity"]), line["unit"])


def unit_base_cents(line: dict) -> int:
    """The unit price before tax: the line's base over its quantity, to the cent (halves away
    from zero). The base is the line's share of its rate's base, so this is what the invoice
    states per unit; quantity × this price may differ from the line's base by a few cents."""
    quantity = Decimal(line["quantity"])
    if quantity == 0:
        return 0
    return int((Decimal(line["base_cents"]) / quantity).to_integral_value(ROUND_HALF_UP))


def per_unit_text(amount_cents: int, unit: str) -> str:
    """`4,00 €` for a piece, `4,00 €/kg` by weight or volume."""
    price = format_cents(amount_cents)
    return price if unit == "piece" else f"{price}/{UNITS[unit]}"


def address_lines(address: str | None) -> list[str]:
    return [part.strip() for part in (address or "").splitlines() if part.strip()]


def address_parts(address: str | None) -> dict:
    """Street lines, postcode and city of a French postal address written on a few lines, the
    last one `49000 Angers`; without such a line, every line is a street line."""
    lines = address_lines(address)
    postcode = city = None
    if lines and (match := _POSTCODE_CITY.match(lines[-1])):
        postcode, city = match.group(1), match.group(2)
        lines = lines[:-1]
    if len(lines) > 3:  # CII has three street lines: the rest joins the third
        lines = [*lines[:2], ", ".join(lines[2:])]
    return {"lines": lines, "postcode": postcode, "city": city}


def legal_text(seller: dict) -> str | None:
    """`EARL au capital de 7 500,00 € — RCS Angers`, from whichever of the three are given."""
    form = seller.get("legal_form")
    capital_cents = seller.get("share_capital_cents")
    parts = []
    if form and capital_cents is not None:
        parts.append(f"{form} au capital de {format_cents(capital_cents)}")
    elif form:
        parts.append(form)
    elif capital_cents is not None:
        parts.append(f"Capital social : {format_cents(capital_cents)}")
    if seller.get("registration"):
        parts.append(seller["registration"])
    return " — ".join(parts) or None


def without_vat(document: dict) -> bool:
    """Under the franchise or the agricultural flat rate, the seller charges no VAT and the
    invoice states why (`vat_mention`) instead of a VAT table."""
    seller = document["seller"]
    return seller.get("vat_regime", "vat") != "vat" and bool(seller.get("vat_mention"))
