"""Which handler each event the orders service hears of goes to, in one place."""

from collections.abc import Awaitable, Callable

from ardoise.events import (
    CheckoutClosed,
    CheckoutOpened,
    Event,
    PaymentSettingsChanged,
    SettlementChanged,
)
from orders.service_layer import handlers
from orders.service_layer.ports import OrdersUnitOfWork

EVENT_HANDLERS: dict[type[Event], Callable[[Event, OrdersUnitOfWork], Awaitable[None]]] = {
    SettlementChanged: handlers.keep_settlement,
    PaymentSettingsChanged: handlers.keep_settings,
    CheckoutOpened: handlers.keep_checkout,
    CheckoutClosed: handlers.keep_checkout,
}
"""What the orders service keeps of the payments service's events (the order page, invoices,
receipts); other events are not its business."""
CONSUMED = tuple(EVENT_HANDLERS)


async def handle(event: Event, uow: OrdersUnitOfWork, consumer: str) -> None:
    """The event's handler, in its own transaction with the event's inbox row: once."""
    handler = EVENT_HANDLERS.get(type(event))
    if handler is None:
        return
    async with uow:
        if await uow.claim(consumer, event.event_id):
            await handler(event, uow)
        await uow.commit()
