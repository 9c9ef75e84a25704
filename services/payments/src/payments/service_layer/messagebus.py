"""Which handler each event the payments service hears of goes to, in one place."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from ardoise.events import BalanceHeld, CustomerRegistered, Event, MovementRecorded, OrderPlaced
from ardoise.inbox import first_deliveries
from payments.adapters.sumup_accounts import GatewayFor
from payments.service_layer import checkouts, handlers
from payments.service_layer.handlers import FetchOrder
from payments.service_layer.ports import NewPaymentsUnitOfWork, PaymentsUnitOfWork

READ_MODEL_HANDLERS: dict[type[Event], Callable[[Event, PaymentsUnitOfWork],
                                                Awaitable[None]]] = {
    CustomerRegistered: handlers.remember_customer,
    MovementRecorded: handlers.remember_movement,
}
"""What the payments service keeps of the other services' events, one event at a time; the
orders placed of a batch are kept together (`handlers.remember_orders`)."""
KEPT = (OrderPlaced, *READ_MODEL_HANDLERS)
CONSUMED = (BalanceHeld, *KEPT)


@dataclass(frozen=True)
class MessageBus:
    """The payments worker's handlers and what they need: a balance held for an order opens its
    checkout (the saga); orders and customers feed the read models; other events are ignored."""

    new_uow: NewPaymentsUnitOfWork
    gateways: GatewayFor
    fetch_order: FetchOrder
    return_url: str

    async def handle(self, event: Event, consumer: str) -> None:
        if isinstance(event, BalanceHeld):
            await checkouts.open_checkout(event, self.new_uow, self.gateways, self.return_url,
                                          self.fetch_order, consumer)
            return
        await self.remember([event], consumer)

    async def remember(self, events: list[Event], consumer: str) -> None:
        """A batch of events for the read models only, in one transaction (those the payments
        service does not keep are skipped); each event once, even delivered twice in it."""
        kept = [event for event in events if type(event) in KEPT]
        if not kept:
            return
        async with self.new_uow() as uow:
            fresh = await uow.claim_many(consumer, [event.event_id for event in kept])
            placed = []
            for event in first_deliveries(kept, fresh):
                if isinstance(event, OrderPlaced):
                    placed.append(event)
                else:
                    await READ_MODEL_HANDLERS[type(event)](event, uow)
            await handlers.remember_orders(placed, uow)
            await uow.commit()
