"""The words the events are written in: settlement modes and SumUp's checkout statuses, once."""

from collections.abc import Mapping
from enum import StrEnum


class SettlementMode(StrEnum):
    """How an order was settled (PRODUCT.md), in the order pages and workbooks list them."""

    NOT_DELIVERED = "not_delivered"
    ACCOUNT = "account"
    CASH = "cash"
    CHEQUE = "cheque"
    CARD = "card"
    TRANSFER = "transfer"
    ONLINE = "online"


MODES = tuple(SettlementMode)
PAYING_MODES = frozenset({SettlementMode.CASH, SettlementMode.CHEQUE, SettlementMode.CARD,
                          SettlementMode.TRANSFER, SettlementMode.ONLINE})
"""The modes money comes in by."""
MANUAL_MODES = PAYING_MODES - {SettlementMode.ONLINE}
"""Money the producer counts itself; online money only SumUp confirms."""


def received_in(mode: str, amount_paid_cents: int) -> dict[SettlementMode, int]:
    """The money a settlement of one mode and amount received: its amount, in its mode, when
    that mode is a paying one (the rule of settlements written before money was kept per mode)."""
    if mode in PAYING_MODES and amount_paid_cents:
        return {SettlementMode(mode): amount_paid_cents}
    return {}


def check_received(received: Mapping[str, int]) -> None:
    """Money is received in paying modes only, in positive whole cents."""
    for mode, cents in received.items():
        if mode not in PAYING_MODES:
            raise ValueError(f"money is received in one of {sorted(PAYING_MODES)}, not {mode!r}")
        if isinstance(cents, bool) or not isinstance(cents, int) or cents < 0:
            raise ValueError(f"money received is whole cents, not {cents!r}")


class CheckoutStatus(StrEnum):
    """A SumUp checkout's status, as SumUp names it."""

    PENDING = "PENDING"
    PAID = "PAID"
    FAILED = "FAILED"
    EXPIRED = "EXPIRED"


ENDED_UNPAID = frozenset({CheckoutStatus.FAILED, CheckoutStatus.EXPIRED})
"""A checkout that ended without a payment: its hold on the balance is given back."""
