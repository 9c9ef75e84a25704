"""What the accounts handlers ask of their unit of work and repository: the ports the database
adapters (and the unit tests' fakes) stand behind."""

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from accounts.domain import Account, Hold, OrderPosition
from ardoise.uow import UnitOfWorkPort


class AccountRepository(Protocol):
    """Accounts (with their new movements), order positions and holds."""

    async def get_for_update(self, producer_id: str, customer_id: str) -> Account | None: ...

    async def get_or_open_for_update(self, producer_id: str, customer_id: str) -> Account: ...

    async def get_or_open_many_for_update(
        self, keys: list[tuple[str, str]]
    ) -> dict[tuple[str, str], Account]: ...

    async def tracking_is_on(self, producer_id: str) -> bool: ...

    async def keep_tracking(self, producer_id: str, on: bool,
                            time_zone: str | None = None) -> None: ...

    async def register(self, account: Account) -> None: ...

    async def save(self, account: Account) -> None: ...

    async def save_many(self, changed: list[Account]) -> None: ...

    async def positions_many(
        self, keys: list[tuple[str, uuid.UUID]]
    ) -> dict[tuple[str, uuid.UUID], OrderPosition]: ...

    async def save_positions(self, changed: list[tuple[str, str, OrderPosition]]) -> None: ...

    async def pending_holds_of_orders(
        self, keys: list[tuple[str, uuid.UUID]]
    ) -> dict[tuple[str, uuid.UUID], list[Hold]]: ...

    async def holds_of_order(self, producer_id: str, order_id: uuid.UUID) -> list[Hold]: ...

    async def save_hold(self, producer_id: str, customer_id: str, hold: Hold) -> None: ...

    async def expired_hold_owners(self, now: datetime, limit: int) -> list[tuple[str, str]]: ...

    async def pending_holds(self, producer_id: str, customer_id: str) -> list[Hold]: ...


class AccountsUnitOfWork(UnitOfWorkPort, Protocol):
    accounts: AccountRepository

    async def remembered_response(self, producer_id: str,
                                  key: str) -> tuple[str, dict] | None: ...

    async def remember_response(self, producer_id: str, key: str, fingerprint: str,
                                response: dict) -> None: ...


NewAccountsUnitOfWork = Callable[[], AccountsUnitOfWork]
"""Opens a fresh unit of work: one per request, message or step."""
