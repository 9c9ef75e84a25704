"""Pure domain model of the accounts: ledger, balances, order positions, holds. No I/O."""

from accounts.domain.holds import Hold
from accounts.domain.identity import CustomerIdentity
from accounts.domain.model import (
    Account,
    BalanceMoved,
    CustomerDetailsSet,
    HoldClosed,
    HoldOpened,
    Movement,
    MovementRecorded,
)
from accounts.domain.settlements import OrderPosition

__all__ = [
    "Account",
    "BalanceMoved",
    "CustomerDetailsSet",
    "CustomerIdentity",
    "Hold",
    "HoldClosed",
    "HoldOpened",
    "Movement",
    "MovementRecorded",
    "OrderPosition",
]
