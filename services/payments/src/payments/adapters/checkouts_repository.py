"""The orders' SumUp checkouts, one per attempt, and their read-back turns: each pending checkout
is taken when its turn is due and given the next one in the same statement."""

from datetime import datetime

from sqlalchemy import func, literal_column, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from ardoise.events.vocabulary import CheckoutStatus
from payments.adapters.orm import checkouts
from payments.domain import checkouts as saga
from payments.domain.checkouts import CheckoutRecord


def _seconds(delta) -> str:
    return f"interval '{int(delta.total_seconds())} seconds'"


NEXT_READ_BACK = literal_column(
    f"least(now() + least(greatest((now() - created_at) / 2, {_seconds(saga.FIRST_READ_BACK)}), "
    f"{_seconds(saga.LONGEST_WAIT)}), greatest(coalesce(valid_until, 'infinity'::timestamptz) "
    f"+ {_seconds(saga.AFTER_VALIDITY)}, now() + {_seconds(saga.FIRST_READ_BACK)}))")
"""`saga.next_read_back` for every checkout taken at once, in the statement that takes them."""


class CheckoutsRepository:
    """The orders' checkouts: a part of `PaymentsRepository`, on its session."""

    session: AsyncSession

    async def add_checkout(self, record: CheckoutRecord) -> None:
        """An attempt's checkout; an attempt already recorded is left as it is (a redelivered
        BalanceHeld)."""
        await self.session.execute(insert(checkouts).values(
            producer_id=record.producer_id, order_id=record.order_id, attempt=record.attempt,
            checkout_id=record.checkout_id, customer_id=record.customer_id,
            total_cents=record.total_cents, applied_cents=record.applied_cents,
            amount_due_cents=record.amount_due_cents, currency=record.currency,
            checkout_url=record.checkout_url, status=record.status,
            valid_until=record.valid_until,
        ).on_conflict_do_nothing())

    async def checkout(self, checkout_id: str) -> tuple[CheckoutRecord, datetime] | None:
        """The checkout, and the database's time now (the one clock every process shares)."""
        row = (await self.session.execute(
            select(checkouts, func.now().label("now"))
            .where(checkouts.c.checkout_id == checkout_id))).first()
        if row is None:
            return None
        return CheckoutRecord(row.producer_id, row.order_id, row.attempt, row.customer_id,
                              row.total_cents, row.applied_cents, row.amount_due_cents,
                              row.currency, row.status, row.checkout_id, row.checkout_url,
                              row.valid_until), row.now

    async def close_checkout(self, checkout_id: str, status: str,
                             transaction_id: str | None) -> bool:
        """The checkout ends with `status`, once: False when it had already ended."""
        claimed = await self.session.execute(
            update(checkouts).where(checkouts.c.checkout_id == checkout_id,
                                    checkouts.c.status.notin_(saga.FINAL))
            .values(status=status, transaction_id=transaction_id)
            .returning(checkouts.c.checkout_id))
        return claimed.first() is not None

    async def take_due_checkouts(self, limit: int) -> list[str]:
        """Pending checkouts whose read-back is due (those waiting longest when more than
        `limit` are), each given its next turn as it is taken: another round, or another
        poller, takes others."""
        due = (select(checkouts.c.checkout_id)
               .where(checkouts.c.status == CheckoutStatus.PENDING,
                      checkouts.c.next_check_at <= func.now())
               .order_by(checkouts.c.next_check_at).limit(limit)
               .with_for_update(skip_locked=True))
        taken = await self.session.execute(
            update(checkouts).where(checkouts.c.checkout_id.in_(due))
            .values(next_check_at=NEXT_READ_BACK).returning(checkouts.c.checkout_id))
        return list(taken.scalars().all())
