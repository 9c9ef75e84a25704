"""The payments unit of work: one transaction, its repository, outbox events and inbox claims."""

from typing import Self

from sqlalchemy.ext.asyncio import async_sessionmaker

from ardoise.uow import UnitOfWork
from payments.adapters import orm
from payments.adapters.bank_repository import BankRepository
from payments.adapters.repository import PaymentsRepository


class SqlPaymentsUnitOfWork(UnitOfWork):
    """`uow.payments` and `uow.bank` read and write the payments tables inside the open
    transaction."""

    payments: PaymentsRepository
    bank: BankRepository

    def __init__(self, sessions: async_sessionmaker) -> None:
        super().__init__(sessions, orm.outbox, orm.inbox)

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.payments = PaymentsRepository(self.session)
        self.bank = BankRepository(self.session)
        return self
