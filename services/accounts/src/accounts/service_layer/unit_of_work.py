"""The accounts unit of work: one transaction, its repository, outbox events, inbox claims and
the idempotency keys of the requests that move money."""

from typing import Self

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import async_sessionmaker

from accounts.adapters import orm
from accounts.adapters.repository import AccountRepository
from accounts.service_layer.told import told
from ardoise.uow import UnitOfWork


class SqlAccountsUnitOfWork(UnitOfWork):
    """`uow.accounts` reads and writes the accounts tables inside the open transaction."""

    accounts: AccountRepository

    def __init__(self, sessions: async_sessionmaker) -> None:
        super().__init__(sessions, orm.outbox, orm.inbox)

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.accounts = AccountRepository(self.session)
        return self

    async def commit(self) -> None:
        """The accounts' changes, their events (published with them) and the events queued."""
        for account in self.accounts.seen:
            self.publish(*told(account))
            account.events.clear()
        await super().commit()

    async def remembered_response(self, producer_id: str, key: str) -> tuple[str, dict] | None:
        table = orm.idempotency_keys
        row = (await self.session.execute(
            select(table.c.fingerprint, table.c.response)
            .where(table.c.producer_id == producer_id, table.c.key == key)
        )).first()
        return (row.fingerprint, row.response) if row else None

    async def remember_response(self, producer_id: str, key: str, fingerprint: str,
                                response: dict) -> None:
        await self.session.execute(insert(orm.idempotency_keys).values(
            producer_id=producer_id, key=key, fingerprint=fingerprint, response=response))
