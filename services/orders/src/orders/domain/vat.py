"""VAT of a document whose prices are entered tax included (TTC), as farms price. No I/O.

The rounding rule, once per rate and never per line: the lines of one rate are added up tax
included (`total`), the base is `total × 100 / (100 + rate)` rounded to the cent half away
from zero, and the VAT is what remains, `total − base`. So, per rate and in all, base + VAT
is exactly the amount the customer pays; a facture d'avoir, whose amounts are the invoice's
negated, has exactly the invoice's figures negated.

A line's own base (`line_bases`) is its share of its rate's base, the cents left over given
to the largest remainders: the lines of a rate add up to the rate's base, as Factur-X asks.
"""

from dataclasses import dataclass
from decimal import Decimal

RATES = {"0": 0, "2.1": 210, "5.5": 550, "10": 1000, "20": 2000}
"""The French rates, as documents and the API write them, in basis points."""
RATE_TEXT = {"0": "0 %", "2.1": "2,1 %", "5.5": "5,5 %", "10": "10 %", "20": "20 %"}


def rate_of(value) -> str:
    """`5.5`, `"5,5"`, `Decimal("5.50")` → `"5.5"`; ValueError for a rate France does not have."""
    text = str(value).strip().replace(",", ".").removesuffix("%").strip()
    try:
        number = Decimal(text)
    except ArithmeticError:
        raise ValueError(f"not a VAT rate: {value!r}") from None
    for name in RATES:
        if number.is_finite() and Decimal(name) == number:
            return name
    raise ValueError(f"a VAT rate is one of {', '.join(RATES)} (per cent), not {value!r}")


@dataclass(frozen=True)
class VatRow:
    rate: str
    base_cents: int
    vat_cents: int
    total_cents: int


def _half_away(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded to the nearest integer, halves away from zero."""
    sign = -1 if (numerator < 0) != (denominator < 0) else 1
    quotient, remainder = divmod(abs(numerator), abs(denominator))
    return sign * (quotient + (2 * remainder >= abs(denominator)))


def base_of(total_cents: int, rate: str) -> int:
    """The base before tax of `total_cents` tax included at `rate`."""
    points = RATES[rate]
    return _half_away(total_cents * 10_000, 10_000 + points)


def breakdown(amounts: list[tuple[str, int]]) -> list[VatRow]:
    """Per rate (in increasing order): base, VAT and total of the (rate, amount TTC) lines."""
    totals: dict[str, int] = {}
    for rate, amount in amounts:
        totals[rate] = totals.get(rate, 0) + amount
    rows = []
    for rate in sorted(totals, key=RATES.__getitem__):
        total = totals[rate]
        base = base_of(total, rate)
        rows.append(VatRow(rate, base, total - base, total))
    return rows


def line_bases(amounts: list[tuple[str, int]]) -> list[int]:
    """Each line's base: its rate's base shared in proportion to the lines' amounts (largest
    remainder), so that the lines of each rate add up to exactly that rate's base."""
    bases = [0] * len(amounts)
    for row in breakdown(amounts):
        members = [i for i, (rate, _) in enumerate(amounts) if rate == row.rate]
        if row.total_cents == 0:
            for i in members:
                bases[i] = base_of(amounts[i][1], row.rate)
            continue
        shares = []
        for i in members:
            quotient, remainder = divmod(amounts[i][1] * row.base_cents, row.total_cents)
            bases[i] = quotient
            shares.append((remainder, -i))
        left = row.base_cents - sum(bases[i] for i in members)
        for _, minus_i in sorted(shares, reverse=True)[:left]:
            bases[-minus_i] += 1
    return bases
