"""Daily totals of sales per VAT rate: what the e-reporting of consumer sales asks for each day
(from September 2027), taken from the journal's invoice and credit invoice entries. No I/O."""

from collections.abc import Iterable, Mapping
from decimal import Decimal

SALE_KINDS = frozenset({"invoice", "credit_invoice"})
AMOUNTS = ("base_cents", "vat_cents", "total_cents")


def rate_order(rate: str) -> Decimal:
    """Rates ("5.5", "20") sorted by their value, not their text."""
    return Decimal(rate)


def daily_totals(entries: Iterable[Mapping]) -> list[dict]:
    """Per recording `day` with at least one invoice or credit invoice, in day order:
    `{"day", "sales" (invoices), "credit_invoices", "by_vat_rate": {rate: {"base_cents",
    "vat_cents", "total_cents"}}, "total_cents"}`, credit invoices counting with their negative
    amounts. Other entries (payments, credit notes on accounts, ...) are no sale and ignored."""
    days: dict = {}
    for entry in entries:
        kind = entry["kind"]
        if kind not in SALE_KINDS:
            continue
        content = entry["content"]
        day = days.setdefault(entry["day"], {"day": entry["day"], "sales": 0,
                                             "credit_invoices": 0, "by_vat_rate": {},
                                             "total_cents": 0})
        day["sales" if kind == "invoice" else "credit_invoices"] += 1
        day["total_cents"] += content["total_cents"]
        for line in content.get("vat") or ():
            rate = day["by_vat_rate"].setdefault(str(line["rate"]), dict.fromkeys(AMOUNTS, 0))
            for amount in AMOUNTS:
                rate[amount] += line[amount]
    result = []
    for key in sorted(days):
        day = days[key]
        day["by_vat_rate"] = {rate: day["by_vat_rate"][rate]
                              for rate in sorted(day["by_vat_rate"], key=rate_order)}
        result.append(day)
    return result
