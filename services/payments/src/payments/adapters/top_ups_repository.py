"""Reading and writing the customers' online top-ups, inside the handlers' transaction."""

import uuid
from datetime import datetime

from sqlalchemy import exists, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from ardoise.events.vocabulary import CheckoutStatus
from payments.adapters.checkouts_repository import NEXT_READ_BACK
from payments.adapters.orm import customers, top_ups
from payments.domain.checkouts import FINAL
from payments.domain.top_ups import TopUp


def _top_up(row) -> TopUp:
    return TopUp(row.producer_id, row.top_up_id, row.customer_id, row.amount_cents, row.currency,
                 row.status, row.checkout_id, row.checkout_url, row.valid_until,
                 row.transaction_id, row.created_at)


class TopUpsRepository:
    """Top-ups, their checkouts' read-back turns, and who the customers are."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def customer_is_known(self, producer_id: str, customer_id: str) -> bool:
        """Whether the producer registered this customer (CustomerRegistered, kept here)."""
        return bool(await self.session.scalar(select(exists().where(
            customers.c.producer_id == producer_id, customers.c.customer_id == customer_id))))

    async def add(self, top_up: TopUp, key: str | None, fingerprint: str | None) -> bool:
        """The top-up, once: False when one with its id (or key) was already there."""
        added = await self.session.execute(insert(top_ups).values(
            producer_id=top_up.producer_id, top_up_id=top_up.top_up_id,
            customer_id=top_up.customer_id, amount_cents=top_up.amount_cents,
            currency=top_up.currency, checkout_id=top_up.checkout_id,
            checkout_url=top_up.checkout_url, status=top_up.status,
            valid_until=top_up.valid_until, idempotency_key=key, fingerprint=fingerprint,
        ).on_conflict_do_nothing().returning(top_ups.c.top_up_id))
        return added.first() is not None

    async def by_key(self, producer_id: str, customer_id: str,
                     key: str) -> tuple[TopUp, str | None] | None:
        """The customer's top-up asked with this Idempotency-Key, and its request's fingerprint."""
        row = (await self.session.execute(select(top_ups).where(
            top_ups.c.producer_id == producer_id, top_ups.c.customer_id == customer_id,
            top_ups.c.idempotency_key == key))).first()
        return (_top_up(row), row.fingerprint) if row else None

    async def get(self, producer_id: str, customer_id: str, top_up_id: uuid.UUID) -> TopUp | None:
        row = (await self.session.execute(select(top_ups).where(
            top_ups.c.producer_id == producer_id, top_ups.c.customer_id == customer_id,
            top_ups.c.top_up_id == top_up_id))).first()
        return _top_up(row) if row else None

    async def of_customer(self, producer_id: str, customer_id: str, limit: int) -> list[TopUp]:
        """The customer's top-ups, newest first."""
        rows = await self.session.execute(select(top_ups).where(
            top_ups.c.producer_id == producer_id, top_ups.c.customer_id == customer_id)
            .order_by(top_ups.c.created_at.desc(), top_ups.c.top_up_id).limit(limit))
        return [_top_up(row) for row in rows]

    async def by_checkout(self, checkout_id: str) -> tuple[TopUp, datetime] | None:
        """The top-up paid through this checkout, and the database's time now (the one clock
        every process shares)."""
        row = (await self.session.execute(
            select(top_ups, func.now().label("now"))
            .where(top_ups.c.checkout_id == checkout_id))).first()
        return (_top_up(row), row.now) if row else None

    async def close(self, checkout_id: str, status: str, transaction_id: str | None) -> bool:
        """The top-up ends with `status`, once: False when it had already ended (a concurrent
        close waits for this row's lock, then finds it ended)."""
        claimed = await self.session.execute(
            update(top_ups).where(top_ups.c.checkout_id == checkout_id,
                                  top_ups.c.status.notin_(FINAL))
            .values(status=status, transaction_id=transaction_id, closed_at=func.now())
            .returning(top_ups.c.top_up_id))
        return claimed.first() is not None

    async def take_due(self, limit: int) -> list[str]:
        """Pending top-ups' checkouts whose read-back is due (those waiting longest first), each
        given its next turn as it is taken."""
        due = (select(top_ups.c.checkout_id)
               .where(top_ups.c.status == CheckoutStatus.PENDING,
                      top_ups.c.next_check_at <= func.now())
               .order_by(top_ups.c.next_check_at).limit(limit)
               .with_for_update(skip_locked=True))
        taken = await self.session.execute(
            update(top_ups).where(top_ups.c.checkout_id.in_(due))
            .values(next_check_at=NEXT_READ_BACK).returning(top_ups.c.checkout_id))
        return list(taken.scalars().all())
