"""Money and JSON at SumUp's edge: integer cents to SumUp's major units and back, exactly, and
JSON whose amounts stay the exact decimals they were written as."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

import httpx


def cents_to_sumup_amount(cents: int) -> Decimal:
    """Integer cents as SumUp's major units, exactly: 1500 → 15.0, 1550 → 15.5, 1 → 0.01."""
    if isinstance(cents, bool) or not isinstance(cents, int):
        raise TypeError(f"amount must be integer cents, not {type(cents).__name__}")
    sign = 1 if cents < 0 else 0
    if cents % 10 == 0:
        return Decimal((sign, tuple(map(int, str(abs(cents) // 10))), -1))
    return Decimal((sign, tuple(map(int, str(abs(cents)))), -2))


def sumup_amount_to_cents(value: Decimal | float | str) -> int:
    """SumUp's major-unit amount as integer cents, exactly; finer than a cent is refused."""
    if isinstance(value, bool):
        raise TypeError("an amount cannot be a boolean")
    try:
        amount = Decimal(str(value))  # a float counts as the digits it prints, not its binary value
    except InvalidOperation:
        raise ValueError(f"{value!r} is not an amount") from None
    if not amount.is_finite():
        raise ValueError(f"{value!r} is not an amount")
    cents = amount.scaleb(2)
    if cents != cents.to_integral_value():
        raise ValueError(f"{value} has sub-cent precision")
    return int(cents)


def _dumps(value: Any) -> str:
    """JSON with each Decimal written as the exact number it holds."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        members = (f"{json.dumps(key)}:{_dumps(item)}" for key, item in value.items())
        return "{" + ",".join(members) + "}"
    return json.dumps(value)


def _loads(response: httpx.Response) -> Any:
    return json.loads(response.content, parse_float=Decimal)
