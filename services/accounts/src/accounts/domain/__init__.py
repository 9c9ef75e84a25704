"""Pure domain model of the accounts: ledger, balances, order positions, holds. No I/O."""

from accounts.domain.holds import Hold
from accounts.domain.model import Account, Movement, OrderPosition

__all__ = ["Account", "Hold", "Movement", "OrderPosition"]
