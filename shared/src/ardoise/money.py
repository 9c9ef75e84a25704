"""Money as integer cents, and its French display (`1250` → `12,50 €`)."""

from typing import Annotated

from pydantic import Field, StrictInt

MAX_AMOUNT_CENTS = 10**11
"""The largest amount any single request may carry (one billion euros)."""

PositiveCents = Annotated[StrictInt, Field(gt=0, le=MAX_AMOUNT_CENTS)]
NonNegativeCents = Annotated[StrictInt, Field(ge=0, le=MAX_AMOUNT_CENTS)]

_SYMBOLS = {"EUR": "€", "GBP": "£", "CHF": "CHF", "USD": "$"}


def format_cents(amount_cents: int, currency: str = "EUR") -> str:
    """Show cents as people read them in France: `-1234567` → `-12 345,67 €`."""
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int):
        raise TypeError(f"amount must be integer cents, not {type(amount_cents).__name__}")
    sign = "-" if amount_cents < 0 else ""
    units, cents = divmod(abs(amount_cents), 100)
    grouped = f"{units:,}".replace(",", " ")
    symbol = _SYMBOLS.get(currency, currency)
    return f"{sign}{grouped},{cents:02d} {symbol}"
