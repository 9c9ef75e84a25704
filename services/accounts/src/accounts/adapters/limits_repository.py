"""Reading and writing credit limits: the producer's default and choice, each customer's own
limit, and a customer's standing against its limit in one statement."""

from typing import Self

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from accounts.adapters.orm import accounts, credit_limits, inbox, outbox, producers
from accounts.domain.limits import CreditLimits, CreditStanding, available_until_limit_cents
from ardoise.changes import Change
from ardoise.db import last_change
from ardoise.uow import UnitOfWork


class LimitsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def producer_limits(self, producer_id: str) -> CreditLimits:
        """No limit and refusal until the producer sets them."""
        row = (await self.session.execute(
            select(credit_limits.c.default_limit_cents, credit_limits.c.over_limit)
            .where(credit_limits.c.producer_id == producer_id))).first()
        return CreditLimits() if row is None else CreditLimits(*row)

    async def producer_limits_change(self, producer_id: str) -> Change:
        """Who set the producer's limits, and when (`updated_at`)."""
        return await last_change(self.session, credit_limits, producer_id, "updated_at")

    async def set_producer_limits(self, producer_id: str, limits: CreditLimits,
                                  change: Change | None = None) -> None:
        change = change or Change()
        values = {"default_limit_cents": limits.default_limit_cents,
                  "over_limit": limits.over_limit, "changed_by": change.by,
                  "updated_at": change.at or func.now()}
        statement = insert(credit_limits).values(producer_id=producer_id, **values)
        await self.session.execute(statement.on_conflict_do_update(
            index_elements=[credit_limits.c.producer_id], set_=values))

    async def set_customer_limit(self, producer_id: str, customer_id: str,
                                 limit_cents: int | None, change: Change | None = None) -> bool:
        """The customer's own limit (None: the default again) and who set it; False for an
        unknown customer. Only these columns are written: the balance written meanwhile by a
        movement stays."""
        change = change or Change()
        changed = await self.session.execute(
            update(accounts).where(accounts.c.producer_id == producer_id,
                                   accounts.c.customer_id == customer_id)
            .values(credit_limit_cents=limit_cents, credit_limit_changed_by=change.by,
                    credit_limit_changed_at=change.at)
            .returning(accounts.c.customer_id))
        return changed.first() is not None

    async def standing(self, producer_id: str, customer_id: str) -> CreditStanding | None:
        """Balance, held, own limit, the producer's limits and tracking, read together (one
        snapshot); None for an unknown customer."""
        row = (await self.session.execute(
            select(accounts.c.customer_id, accounts.c.balance_cents, accounts.c.held_cents,
                   accounts.c.credit_limit_cents, credit_limits.c.default_limit_cents,
                   credit_limits.c.over_limit, producers.c.payment_tracking,
                   accounts.c.credit_limit_changed_by, accounts.c.credit_limit_changed_at)
            .select_from(accounts
                         .outerjoin(credit_limits,
                                    credit_limits.c.producer_id == accounts.c.producer_id)
                         .outerjoin(producers, producers.c.producer_id == accounts.c.producer_id))
            .where(accounts.c.producer_id == producer_id, accounts.c.customer_id == customer_id)
        )).first()
        if row is None:
            return None
        limits = (CreditLimits() if row.over_limit is None
                  else CreditLimits(row.default_limit_cents, row.over_limit))
        return CreditStanding(row.customer_id, row.balance_cents, row.held_cents,
                              row.credit_limit_cents, limits, row.payment_tracking is True,
                              Change(row.credit_limit_changed_by, row.credit_limit_changed_at))

    async def shown_on_account(self, producer_id: str, customer_limit_cents: int | None,
                               available_cents: int) -> dict:
        """The account page's `credit_limit_cents` (in force) and `available_until_limit_cents`;
        the producer's default is read only for a customer without a limit of its own."""
        limit_cents = customer_limit_cents
        if limit_cents is None:
            limit_cents = (await self.producer_limits(producer_id)).default_limit_cents
        return {"credit_limit_cents": limit_cents,
                "available_until_limit_cents": available_until_limit_cents(available_cents,
                                                                           limit_cents)}

    async def tracking_is_on(self, producer_id: str) -> bool:
        """Whether the producer tracks payments, as last heard: off until heard on."""
        return (await self.session.execute(select(producers.c.payment_tracking).where(
            producers.c.producer_id == producer_id))).scalar() is True


class SqlLimitsUnitOfWork(UnitOfWork):
    """`uow.limits` reads and writes the limits inside one transaction (no events to publish)."""

    limits: LimitsRepository

    def __init__(self, sessions: async_sessionmaker) -> None:
        super().__init__(sessions, outbox, inbox)

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.limits = LimitsRepository(self.session)
        return self
