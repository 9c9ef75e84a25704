"""The payments unit of work: one transaction, its repository, outbox events and inbox claims."""

from typing import Self

from sqlalchemy.ext.asyncio import async_sessionmaker

from ardoise.uow import UnitOfWork
from payments.adapters import orm
from payments.adapters.bank_repository import BankRepository
from payments.adapters.repository import PaymentsRepository
from payments.adapters.top_ups_repository import TopUpsRepository


class SqlPaymentsUnitOfWork(UnitOfWork):
    """`uow.payments`, `uow.bank` and `uow.top_ups` read and write the payments tables inside
    the open transaction."""

    payments: PaymentsRepository
    bank: BankRepository
    top_ups: TopUpsRepository

    def __init__(self, sessions: async_sessionmaker) -> None:
        super().__init__(sessions, orm.outbox, orm.inbox)

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.payments = PaymentsRepository(self.session)
        self.bank = BankRepository(self.session)
        self.top_ups = TopUpsRepository(self.session)
        return self
