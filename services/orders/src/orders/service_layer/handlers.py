"""Orders handlers: placing an order, and keeping what the orders service hears of payments."""

import uuid
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert

from ardoise.errors import Conflict, NotFound
from ardoise.events import (
    CheckoutClosed,
    CheckoutOpened,
    Event,
    OrderPlaced,
    PaymentRetryRequested,
    PaymentSettingsChanged,
    SettlementChanged,
)
from orders.adapters.orm import orders, payments, producers, settlements
from orders.domain.order import Line, order_total


async def place_order(producer_id: str, customer_id: str, delivery_date: date,
                      lines: list[Line], uow) -> dict:
    total_cents = order_total(lines)
    order_id = uuid.uuid4()
    async with uow:
        online = (await uow.session.execute(select(producers.c.online_payment_required).where(
            producers.c.producer_id == producer_id))).scalar() or False
        await uow.session.execute(insert(orders).values(
            producer_id=producer_id, order_id=order_id, customer_id=customer_id,
            delivery_date=delivery_date, total_cents=total_cents, status="placed",
            lines=[line.__dict__ for line in lines]))
        uow.publish(OrderPlaced(producer_id=producer_id, order_id=order_id,
                                customer_id=customer_id, total_cents=total_cents,
                                delivery_date=delivery_date, online_payment=online))
        await uow.commit()
    return {"order_id": str(order_id), "total_cents": total_cents, "status": "placed"}


async def retry_payment(producer_id: str, order_id: uuid.UUID, uow) -> dict:
    """A new online payment attempt for an order whose last checkout failed or expired."""
    async with uow:
        order = (await uow.session.execute(
            select(orders).where(orders.c.producer_id == producer_id,
                                 orders.c.order_id == order_id).with_for_update())).first()
        last = (await uow.session.execute(
            select(payments.c.attempt, payments.c.status)
            .where(payments.c.producer_id == producer_id, payments.c.order_id == order_id)
            .order_by(payments.c.attempt.desc()).limit(1))).first()
        if order is None:
            raise NotFound("no such order")
        if order.status == "accepted" or last is None or last.status not in ("FAILED", "EXPIRED"):
            raise Conflict("only an order whose online payment failed or expired can be paid again")
        attempt = last.attempt + 1
        uow.publish(PaymentRetryRequested(producer_id=producer_id, order_id=order_id,
                                          customer_id=order.customer_id,
                                          total_cents=order.total_cents, attempt=attempt))
        await uow.commit()
    return {"order_id": str(order_id), "attempt": attempt}


async def apply_event(event: Event, uow, consumer: str) -> None:
    if not isinstance(event, SettlementChanged | PaymentSettingsChanged | CheckoutOpened
                      | CheckoutClosed):
        return
    async with uow:
        if await uow.claim(consumer, event.event_id):
            if isinstance(event, CheckoutOpened | CheckoutClosed):
                await _record_payment(uow.session, event)
            elif isinstance(event, SettlementChanged):
                values = {"mode": event.mode, "amount_paid_cents": event.amount_paid_cents,
                          "credit_note_cents": event.credit_note_cents,
                          "credit_note_number": event.credit_note_number,
                          "version": event.version}
                statement = insert(settlements).values(producer_id=event.producer_id,
                                                       order_id=event.order_id, **values)
                await uow.session.execute(statement.on_conflict_do_update(
                    index_elements=[settlements.c.producer_id, settlements.c.order_id],
                    set_=values, where=settlements.c.version < statement.excluded.version))
            else:
                values = {"payment_tracking": event.payment_tracking,
                          "online_payment_required": event.online_payment_required}
                statement = insert(producers).values(producer_id=event.producer_id, **values)
                await uow.session.execute(statement.on_conflict_do_update(
                    index_elements=[producers.c.producer_id], set_=values))
        await uow.commit()


async def _record_payment(session, event: CheckoutOpened | CheckoutClosed) -> None:
    """The order page's payment: opened (awaiting payment, or accepted when the balance covers
    it), then paid (accepted) or failed/expired (left unpaid for another attempt)."""
    key = (payments.c.producer_id == event.producer_id) & (payments.c.order_id == event.order_id)
    order = (orders.c.producer_id == event.producer_id) & (orders.c.order_id == event.order_id)
    if isinstance(event, CheckoutOpened):
        status = "PENDING" if event.checkout_id else "NOT_NEEDED"
        await session.execute(insert(payments).values(
            producer_id=event.producer_id, order_id=event.order_id, attempt=event.attempt,
            balance_applied_cents=event.balance_applied_cents,
            amount_due_cents=event.amount_due_cents, checkout_id=event.checkout_id,
            checkout_url=event.checkout_url, status=status).on_conflict_do_nothing())
        await session.execute(update(orders).where(order, orders.c.status != "accepted").values(
            status="awaiting_payment" if event.checkout_id else "accepted"))
        return
    await session.execute(update(payments).where(key, payments.c.attempt == event.attempt)
                          .values(status=event.status))
    if event.status == "PAID":
        await session.execute(update(orders).where(order).values(status="accepted"))
