"""The refunds of online payments: what each paid checkout has left to refund, the refunds asked
of SumUp (found again by the caller's idempotency key), and those whose answer was lost."""

import uuid

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from ardoise.events.vocabulary import CheckoutStatus
from payments.adapters.orm import checkouts, refunds
from payments.domain.refunds import REFUNDED, REQUESTED, PaidCheckout, Refund


class RefundsRepository:
    """Refunds and the paid checkouts they give back: a part of `PaymentsRepository`, on its
    session."""

    session: AsyncSession

    async def paid_checkouts(self, producer_id: str, order_id: uuid.UUID) -> list[PaidCheckout]:
        """The order's checkouts SumUp confirmed paid, oldest first, with what was refunded or
        is being refunded of each."""
        asked = (select(func.coalesce(func.sum(refunds.c.amount_cents), 0))
                 .where(refunds.c.producer_id == checkouts.c.producer_id,
                        refunds.c.checkout_id == checkouts.c.checkout_id,
                        refunds.c.status.in_([REQUESTED, REFUNDED])).scalar_subquery())
        rows = await self.session.execute(
            select(checkouts.c.checkout_id, checkouts.c.transaction_id,
                   checkouts.c.amount_due_cents, asked.label("refunded_cents"))
            .where(checkouts.c.producer_id == producer_id, checkouts.c.order_id == order_id,
                   checkouts.c.status == CheckoutStatus.PAID,
                   checkouts.c.transaction_id.is_not(None))
            .order_by(checkouts.c.attempt))
        return [PaidCheckout(r.checkout_id, r.transaction_id, r.amount_due_cents,
                             int(r.refunded_cents)) for r in rows]

    async def pending_refund_cents(self, producer_id: str, order_id: uuid.UUID) -> int:
        return int(await self.session.scalar(
            select(func.coalesce(func.sum(refunds.c.amount_cents), 0)).where(
                refunds.c.producer_id == producer_id, refunds.c.order_id == order_id,
                refunds.c.status == REQUESTED)))

    async def add_refund(self, producer_id: str, refund: Refund, key: str | None) -> None:
        await self.session.execute(insert(refunds).values(
            producer_id=producer_id, refund_id=refund.refund_id, order_id=refund.order_id,
            checkout_id=refund.checkout_id, transaction_id=refund.transaction_id,
            amount_cents=refund.amount_cents, status=refund.status, idempotency_key=key,
            requested_by=refund.requested_by))

    async def refund_by_key(self, producer_id: str, key: str):
        return (await self.session.execute(select(refunds).where(
            refunds.c.producer_id == producer_id, refunds.c.idempotency_key == key))).first()

    async def refunds_of_order(self, producer_id: str, order_id: uuid.UUID) -> list:
        return list(await self.session.execute(select(refunds).where(
            refunds.c.producer_id == producer_id, refunds.c.order_id == order_id)
            .order_by(refunds.c.created_at)))

    async def close_refund(self, producer_id: str, refund_id: uuid.UUID, status: str,
                           error: str | None = None):
        """The refund, if it was still requested: it becomes `status`, once (None otherwise)."""
        return (await self.session.execute(
            update(refunds).where(refunds.c.producer_id == producer_id,
                                  refunds.c.refund_id == refund_id,
                                  refunds.c.status == REQUESTED)
            .values(status=status, last_error=error, updated_at=func.now())
            .returning(refunds))).first()

    async def refunded_of_transaction(self, producer_id: str, transaction_id: str) -> int:
        return int(await self.session.scalar(
            select(func.coalesce(func.sum(refunds.c.amount_cents), 0)).where(
                refunds.c.producer_id == producer_id,
                refunds.c.transaction_id == transaction_id,
                refunds.c.status == REFUNDED)))

    async def requested_refunds(self, older_than_s: float, limit: int) -> list:
        """Refunds asked of SumUp whose answer was lost, oldest first."""
        return list(await self.session.execute(
            select(refunds).where(refunds.c.status == REQUESTED,
                                  refunds.c.created_at <= func.now()
                                  - func.make_interval(0, 0, 0, 0, 0, 0, older_than_s))
            .order_by(refunds.c.created_at).limit(limit)))
