"""Reading and writing the payments tables for the handlers, inside their transaction."""

import uuid

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from payments.adapters.orm import (
    credit_note_counters,
    credit_notes,
    customers,
    orders,
    settings,
    settlements,
)
from payments.domain.credit_notes import CreditNote
from payments.domain.settlement import KnownOrder, PaymentSettings, Settlement


def _columns(value: PaymentSettings) -> dict:
    return {"payment_tracking": value.payment_tracking,
            "accepted_modes": list(value.accepted_modes),
            "online_payment_required": value.online_payment_required,
            "sumup_merchant_code": value.sumup_merchant_code,
            "time_zone": value.time_zone}


class PaymentsRepository:
    """Settings, the orders and customers read models, settlements and credit notes."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def settings(self, producer_id: str) -> PaymentSettings:
        row = (await self.session.execute(
            select(settings).where(settings.c.producer_id == producer_id))).first()
        if row is None:
            return PaymentSettings()
        return PaymentSettings(row.payment_tracking, tuple(row.accepted_modes),
                               row.online_payment_required, row.sumup_merchant_code,
                               row.time_zone)

    async def settings_for_update(self, producer_id: str) -> PaymentSettings:
        """The settings, with the producer's row locked so that two changes do not interleave."""
        await self.session.execute(insert(settings).values(
            producer_id=producer_id, **_columns(PaymentSettings())).on_conflict_do_nothing())
        await self.session.execute(select(settings.c.producer_id).where(
            settings.c.producer_id == producer_id).with_for_update())
        return await self.settings(producer_id)

    async def save_settings(self, producer_id: str, value: PaymentSettings) -> None:
        values = _columns(value)
        statement = insert(settings).values(producer_id=producer_id, **values)
        await self.session.execute(statement.on_conflict_do_update(
            index_elements=[settings.c.producer_id], set_=values))

    async def remember_order(self, producer_id: str, order: KnownOrder) -> None:
        await self.session.execute(insert(orders).values(
            producer_id=producer_id, order_id=order.order_id, customer_id=order.customer_id,
            total_cents=order.total_cents, delivery_date=order.delivery_date,
        ).on_conflict_do_nothing())

    async def remember_customer(self, producer_id: str, customer_id: str, name: str) -> None:
        statement = insert(customers).values(producer_id=producer_id, customer_id=customer_id,
                                             name=name)
        await self.session.execute(statement.on_conflict_do_update(
            index_elements=[customers.c.producer_id, customers.c.customer_id],
            set_={"name": statement.excluded.name}))

    async def orders_for_update(self, producer_id: str,
                                order_ids: list[uuid.UUID]) -> dict[uuid.UUID, KnownOrder]:
        """The known orders among these, locked in id order until the transaction ends.

        The order's row, not its settlement's, is the lock: an order settled for the first
        time has no settlement row yet, and two first settlements must not both be version 1.
        """
        rows = await self.session.execute(
            select(orders).where(orders.c.producer_id == producer_id,
                                 orders.c.order_id.in_(order_ids))
            .order_by(orders.c.order_id).with_for_update())
        return {r.order_id: KnownOrder(r.order_id, r.customer_id, r.total_cents, r.delivery_date)
                for r in rows}

    async def settlements(self, producer_id: str,
                          order_ids: list[uuid.UUID]) -> dict[uuid.UUID, Settlement]:
        """Current settlements (orders never settled have none: the default applies)."""
        rows = await self.session.execute(
            select(settlements).where(settlements.c.producer_id == producer_id,
                                      settlements.c.order_id.in_(order_ids)))
        return {r.order_id: Settlement(r.mode, dict(r.received), r.version,
                                       r.balance_applied_cents) for r in rows}

    async def save_settlement(self, producer_id: str, order_id: uuid.UUID, value: Settlement,
                              credit_note_number: int | None) -> None:
        values = {"mode": value.mode, "amount_paid_cents": value.amount_paid_cents,
                  "received": dict(value.received),
                  "balance_applied_cents": value.balance_applied_cents,
                  "version": value.version, "credit_note_number": credit_note_number}
        statement = insert(settlements).values(producer_id=producer_id, order_id=order_id,
                                               **values)
        await self.session.execute(statement.on_conflict_do_update(
            index_elements=[settlements.c.producer_id, settlements.c.order_id], set_=values))

    async def credit_note_in_force(self, producer_id: str,
                                   order_id: uuid.UUID) -> CreditNote | None:
        row = (await self.session.execute(
            select(credit_notes.c.number, credit_notes.c.amount_cents).where(
                credit_notes.c.producer_id == producer_id, credit_notes.c.order_id == order_id,
                credit_notes.c.status == "issued"))).first()
        return CreditNote(row.number, row.amount_cents) if row else None

    async def cancel_credit_note(self, producer_id: str, number: int) -> None:
        await self.session.execute(update(credit_notes).where(
            credit_notes.c.producer_id == producer_id, credit_notes.c.number == number
        ).values(status="cancelled"))

    async def issue_credit_note(self, producer_id: str, order_id: uuid.UUID,
                                amount_cents: int) -> CreditNote:
        """Numbered from the producer's counter, whose row stays locked until the transaction
        ends: concurrent notes get consecutive numbers, and a rolled-back one frees nothing."""
        counter = insert(credit_note_counters).values(producer_id=producer_id, last_number=1)
        number = (await self.session.execute(counter.on_conflict_do_update(
            index_elements=[credit_note_counters.c.producer_id],
            set_={"last_number": credit_note_counters.c.last_number + 1},
        ).returning(credit_note_counters.c.last_number))).scalar_one()
        await self.session.execute(insert(credit_notes).values(
            producer_id=producer_id, number=number, order_id=order_id, amount_cents=amount_cents,
            status="issued"))
        return CreditNote(number, amount_cents)
