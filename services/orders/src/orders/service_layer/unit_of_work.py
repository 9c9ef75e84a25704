"""The orders unit of work: one transaction, its repository, outbox events and inbox claims."""

from typing import Self

from sqlalchemy.ext.asyncio import async_sessionmaker

from ardoise.uow import UnitOfWork
from orders.adapters import orm
from orders.adapters.invoices_repository import InvoicesRepository
from orders.adapters.repository import OrdersRepository


class SqlOrdersUnitOfWork(UnitOfWork):
    """`uow.orders` and `uow.invoices` read and write inside the open transaction."""

    orders: OrdersRepository
    invoices: InvoicesRepository

    def __init__(self, sessions: async_sessionmaker) -> None:
        super().__init__(sessions, orm.outbox, orm.inbox)

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.orders = OrdersRepository(self.session)
        self.invoices = InvoicesRepository(self.session)
        return self
