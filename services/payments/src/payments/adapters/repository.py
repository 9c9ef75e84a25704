"""Reading and writing the payments tables for the handlers."""

import uuid
from dataclasses import dataclass
from datetime import date

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
from payments.domain.settlement import PaymentSettings, Settlement


@dataclass(frozen=True)
class KnownOrder:
    order_id: uuid.UUID
    customer_id: str
    total_cents: int
    delivery_date: date


async def load_settings(session: AsyncSession, producer_id: str) -> PaymentSettings:
    row = (await session.execute(
        select(settings).where(settings.c.producer_id == producer_id))).first()
    if row is None:
        return PaymentSettings()
    return PaymentSettings(row.payment_tracking, tuple(row.accepted_modes),
                           row.online_payment_required, row.sumup_merchant_code)


async def save_settings(session: AsyncSession, producer_id: str, value: PaymentSettings) -> None:
    values = {"payment_tracking": value.payment_tracking,
              "accepted_modes": list(value.accepted_modes),
              "online_payment_required": value.online_payment_required,
              "sumup_merchant_code": value.sumup_merchant_code}
    statement = insert(settings).values(producer_id=producer_id, **values)
    await session.execute(statement.on_conflict_do_update(
        index_elements=[settings.c.producer_id], set_=values))


async def remember_order(session: AsyncSession, producer_id: str, order: KnownOrder) -> None:
    await session.execute(insert(orders).values(
        producer_id=producer_id, order_id=order.order_id, customer_id=order.customer_id,
        total_cents=order.total_cents, delivery_date=order.delivery_date,
    ).on_conflict_do_nothing())


async def remember_customer(session: AsyncSession, producer_id: str, customer_id: str,
                            name: str) -> None:
    statement = insert(customers).values(producer_id=producer_id, customer_id=customer_id,
                                         name=name)
    await session.execute(statement.on_conflict_do_update(
        index_elements=[customers.c.producer_id, customers.c.customer_id],
        set_={"name": statement.excluded.name}))


async def known_orders(session: AsyncSession, producer_id: str,
                       order_ids: list[uuid.UUID]) -> dict[uuid.UUID, KnownOrder]:
    rows = await session.execute(select(orders).where(
        orders.c.producer_id == producer_id, orders.c.order_id.in_(order_ids)))
    return {r.order_id: KnownOrder(r.order_id, r.customer_id, r.total_cents, r.delivery_date)
            for r in rows}


async def settlements_for_update(session: AsyncSession, producer_id: str,
                                 order_ids: list[uuid.UUID]) -> dict[uuid.UUID, Settlement]:
    """Current settlements, locked (orders never settled yet have none: the default applies)."""
    rows = await session.execute(
        select(settlements).where(settlements.c.producer_id == producer_id,
                                  settlements.c.order_id.in_(order_ids))
        .order_by(settlements.c.order_id).with_for_update())
    return {r.order_id: Settlement(r.mode, r.amount_paid_cents, r.version) for r in rows}


async def save_settlement(session: AsyncSession, producer_id: str, order_id: uuid.UUID,
                          value: Settlement, credit_note_number: int | None) -> None:
    values = {"mode": value.mode, "amount_paid_cents": value.amount_paid_cents,
              "version": value.version, "credit_note_number": credit_note_number}
    statement = insert(settlements).values(producer_id=producer_id, order_id=order_id, **values)
    await session.execute(statement.on_conflict_do_update(
        index_elements=[settlements.c.producer_id, settlements.c.order_id], set_=values))


async def current_credit_note(session: AsyncSession, producer_id: str,
                              order_id: uuid.UUID) -> tuple[int, int] | None:
    row = (await session.execute(select(credit_notes.c.number, credit_notes.c.amount_cents).where(
        credit_notes.c.producer_id == producer_id, credit_notes.c.order_id == order_id,
        credit_notes.c.status == "issued"))).first()
    return (row.number, row.amount_cents) if row else None


async def cancel_credit_note(session: AsyncSession, producer_id: str, number: int) -> None:
    await session.execute(update(credit_notes).where(
        credit_notes.c.producer_id == producer_id, credit_notes.c.number == number
    ).values(status="cancelled"))


async def issue_credit_note(session: AsyncSession, producer_id: str, order_id: uuid.UUID,
                            amount_cents: int) -> int:
    """The next number of this producer: the counter row is locked until the transaction ends."""
    counter = insert(credit_note_counters).values(producer_id=producer_id, last_number=1)
    number = (await session.execute(counter.on_conflict_do_update(
        index_elements=[credit_note_counters.c.producer_id],
        set_={"last_number": credit_note_counters.c.last_number + 1},
    ).returning(credit_note_counters.c.last_number))).scalar_one()
    await session.execute(insert(credit_notes).values(
        producer_id=producer_id, number=number, order_id=order_id, amount_cents=amount_cents,
        status="issued"))
    return number
