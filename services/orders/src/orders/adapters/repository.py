"""Reading and writing the orders tables for the handlers, inside their transaction."""

import uuid
from datetime import date, datetime

from sqlalchemy import Date, DateTime, case, cast, func, literal, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from ardoise.events import (
    CheckoutClosed,
    CheckoutOpened,
    CheckoutStatus,
    PaymentSettingsChanged,
    SettlementChanged,
)
from orders.adapters.orm import orders, payments, producers, settlements
from orders.domain.order import (
    ACCEPTED,
    AWAITING_PAYMENT,
    CANCELLED,
    DEFAULT_TIME_ZONE,
    PLACED,
    Order,
)


class OrdersRepository:
    """Orders, and what the orders service keeps of the payments service's events."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, order: Order, placed_at: datetime) -> tuple[date, bool]:
        """Add the order; returns its delivery date and whether its producer requires online
        payment, both settled by the same statement (one round trip, on the path of every order
        placed). An order without a delivery date is for the producer's day at `placed_at`, in
        the producer's time zone (Europe/Paris until the payments service says otherwise)."""
        producer = producers.c.producer_id == order.producer_id
        online = select(producers.c.online_payment_required).where(producer).scalar_subquery()
        zone = func.coalesce(select(producers.c.time_zone).where(producer).scalar_subquery(),
                             DEFAULT_TIME_ZONE)
        at = literal(placed_at, DateTime(timezone=True))
        delivery_date = (order.delivery_date if order.delivery_date is not None
                         else cast(func.timezone(zone, at), Date))
        row = (await self.session.execute(insert(orders).values(
            producer_id=order.producer_id, order_id=order.order_id,
            customer_id=order.customer_id, delivery_date=delivery_date,
            total_cents=order.total_cents, status=order.status, created_at=at,
            lines=[line.to_stored() for line in order.lines],
        ).returning(orders.c.delivery_date, online))).one()
        return row[0], bool(row[1])

    async def get_for_update(self, producer_id: str, order_id: uuid.UUID):
        return (await self.session.execute(
            select(orders).where(orders.c.producer_id == producer_id,
                                 orders.c.order_id == order_id).with_for_update())).first()

    async def last_payment(self, producer_id: str, order_id: uuid.UUID):
        return (await self.session.execute(
            select(payments.c.attempt, payments.c.status)
            .where(payments.c.producer_id == producer_id, payments.c.order_id == order_id)
            .order_by(payments.c.attempt.desc()).limit(1))).first()

    async def keep_settlement(self, event: SettlementChanged) -> None:
        """The order's settlement as the payments service says it; an older version never
        overwrites a newer one, whatever order the events arrive in."""
        values = {"mode": event.mode, "amount_paid_cents": event.amount_paid_cents,
                  "credit_note_cents": event.credit_note_cents,
                  "credit_note_number": event.credit_note_number, "version": event.version}
        statement = insert(settlements).values(producer_id=event.producer_id,
                                               order_id=event.order_id, **values)
        await self.session.execute(statement.on_conflict_do_update(
            index_elements=[settlements.c.producer_id, settlements.c.order_id],
            set_=values, where=settlements.c.version < statement.excluded.version))

    async def keep_settings(self, event: PaymentSettingsChanged) -> None:
        values = {"payment_tracking": event.payment_tracking,
                  "online_payment_required": event.online_payment_required,
                  "time_zone": event.time_zone}
        statement = insert(producers).values(producer_id=event.producer_id, **values)
        await self.session.execute(statement.on_conflict_do_update(
            index_elements=[producers.c.producer_id], set_=values))

    async def keep_checkout(self, event: CheckoutOpened | CheckoutClosed) -> None:
        """The order page's payment: opened (awaiting payment, or accepted when the balance
        covers it), then paid (accepted), failed (still awaiting payment: the customer may try
        again) or expired (given up: cancelled when the producer requires online payment, since
        nothing will be delivered unpaid; else placed again, to be paid at delivery)."""
        key = ((payments.c.producer_id == event.producer_id)
               & (payments.c.order_id == event.order_id))
        order = (orders.c.producer_id == event.producer_id) & (orders.c.order_id == event.order_id)
        if isinstance(event, CheckoutOpened):
            status = CheckoutStatus.PENDING if event.checkout_id else "NOT_NEEDED"
            kept = insert(payments).values(
                producer_id=event.producer_id, order_id=event.order_id, attempt=event.attempt,
                balance_applied_cents=event.balance_applied_cents,
                amount_due_cents=event.amount_due_cents, checkout_id=event.checkout_id,
                checkout_url=event.checkout_url, status=status).on_conflict_do_nothing()
            # the payment and the order's status in one statement: the customer waits on it
            await self.session.execute(
                update(orders).where(order, orders.c.status != ACCEPTED)
                .values(status=AWAITING_PAYMENT if event.checkout_id else ACCEPTED)
                .add_cte(kept.cte("kept_payment")))
            return
        await self.session.execute(update(payments).where(key, payments.c.attempt == event.attempt)
                                   .values(status=event.status))
        if event.status == CheckoutStatus.PAID:
            await self.session.execute(update(orders).where(order).values(status=ACCEPTED))
        elif event.status == CheckoutStatus.EXPIRED:
            # given up: left unpaid past its validity, the checkout was deactivated
            requires_online = (select(producers.c.online_payment_required)
                               .where(producers.c.producer_id == event.producer_id)
                               .scalar_subquery())
            await self.session.execute(
                update(orders).where(order, orders.c.status == AWAITING_PAYMENT)
                .values(status=case((func.coalesce(requires_online, False), CANCELLED),
                                    else_=PLACED)))

    async def time_zone(self, producer_id: str) -> str | None:
        """The producer's time zone as the payments service last named it (None: not heard)."""
        return (await self.session.execute(select(producers.c.time_zone).where(
            producers.c.producer_id == producer_id))).scalar()
