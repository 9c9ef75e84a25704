"""Orders handlers: placing an order, and keeping what the orders service hears of payments."""

import uuid
from datetime import date, datetime

from ardoise.errors import Conflict, NotFound
from ardoise.events import (
    CheckoutClosed,
    CheckoutOpened,
    CheckoutStatus,
    OrderPlaced,
    PaymentRetryRequested,
    PaymentSettingsChanged,
    SettlementChanged,
)
from orders.domain.credit_limit import paid_online_for_limit
from orders.domain.order import AWAITING_PAYMENT, Line, new_order
from orders.service_layer.ports import CreditCheck, OrdersUnitOfWork


async def place_order(producer_id: str, customer_id: str, delivery_date: date | None,
                      lines: list[Line], uow: OrdersUnitOfWork, placed_at: datetime,
                      credit: CreditCheck | None = None,
                      online_required: dict[str, bool] | None = None) -> dict:
    """The order and its OrderPlaced, in one transaction (refused lines: nothing written).
    Without a delivery date, the order is for the producer's day at `placed_at`. `credit` tells
    the customer's standing against its credit limit (asked before the transaction, which
    waits on no other service): over it, the order is refused (409, nothing written) or paid
    online, as the producer chose (domain/credit_limit.py).

    The standing does not matter to a producer requiring online payment of every order.
    `online_required` keeps, by producer, what the last order's transaction found of that
    setting: while it says required, the standing is not asked (a call to the accounts
    service saved on every order of the saga's path). The transaction reads the setting again;
    had it been turned off meanwhile, the transaction is rolled back and the order placed again,
    its standing asked."""
    order = new_order(producer_id, customer_id, delivery_date, lines)
    known = {} if online_required is None else online_required
    skip = credit is None or known.get(producer_id, False)
    while True:
        standing = None if skip else await credit(producer_id, customer_id)
        async with uow:
            delivery_date, required = await uow.orders.add(order, placed_at)
            known[producer_id] = required
            if credit is not None and skip and not required:
                skip = False
                continue  # rolled back: placed again below, its standing asked
            over_limit = paid_online_for_limit(standing, order.total_cents, required)
            online = required or over_limit
            uow.publish(OrderPlaced(producer_id=producer_id, order_id=order.order_id,
                                    customer_id=customer_id, total_cents=order.total_cents,
                                    delivery_date=delivery_date, online_payment=online))
            await uow.commit()
        return {"order_id": str(order.order_id), "total_cents": order.total_cents,
                "status": order.status, "delivery_date": delivery_date, "online_payment": online,
                "over_credit_limit": over_limit}


async def retry_payment(producer_id: str, order_id: uuid.UUID, uow: OrdersUnitOfWork) -> dict:
    """A new online payment attempt for an order whose last checkout failed or expired."""
    async with uow:
        order = await uow.orders.get_for_update(producer_id, order_id)
        if order is None:
            raise NotFound("no such order")
        last = await uow.orders.last_payment(producer_id, order_id)
        if order.status != AWAITING_PAYMENT or last is None or last.status != CheckoutStatus.FAILED:
            raise Conflict("only an order whose online payment failed can be paid again (one "
                           "left unpaid past its validity was given up)")
        attempt = last.attempt + 1
        uow.publish(PaymentRetryRequested(producer_id=producer_id, order_id=order_id,
                                          customer_id=order.customer_id,
                                          total_cents=order.total_cents, attempt=attempt))
        await uow.commit()
    return {"order_id": str(order_id), "attempt": attempt}


async def keep_settlement(event: SettlementChanged, uow: OrdersUnitOfWork) -> None:
    await uow.orders.keep_settlement(event)


async def keep_settings(event: PaymentSettingsChanged, uow: OrdersUnitOfWork) -> None:
    await uow.orders.keep_settings(event)


async def keep_checkout(event: CheckoutOpened | CheckoutClosed, uow: OrdersUnitOfWork) -> None:
    await uow.orders.keep_checkout(event)
