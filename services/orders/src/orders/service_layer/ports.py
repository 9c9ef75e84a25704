"""What the orders handlers ask of their unit of work and repository: the ports the database
adapters (and the unit tests' fakes) stand behind."""

import uuid
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Protocol

from ardoise.events import (
    CheckoutClosed,
    CheckoutOpened,
    PaymentSettingsChanged,
    SettlementChanged,
)
from ardoise.uow import UnitOfWorkPort
from orders.domain.credit_limit import CreditStanding
from orders.domain.order import Order


class OrdersRepository(Protocol):
    """Orders, and what the orders service keeps of the payments service's events."""

    async def add(self, order: Order, placed_at: datetime) -> tuple[date, bool]: ...

    async def get_for_update(self, producer_id: str, order_id: uuid.UUID): ...

    async def last_payment(self, producer_id: str, order_id: uuid.UUID): ...

    async def keep_settlement(self, event: SettlementChanged) -> None: ...

    async def keep_settings(self, event: PaymentSettingsChanged) -> None: ...

    async def keep_checkout(self, event: CheckoutOpened | CheckoutClosed) -> None: ...


class OrdersUnitOfWork(UnitOfWorkPort, Protocol):
    orders: OrdersRepository


CreditCheck = Callable[[str, str], Awaitable[CreditStanding | None]]
"""A customer's standing against its credit limit (producer, customer), as the accounts service
tells it; None when it cannot say."""
