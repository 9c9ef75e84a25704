"""An in-memory unit of work for the orders handlers: same contract, no database."""

from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

from ardoise_tools.testing.fakes import FakeUnitOfWork as SharedFakeUnitOfWork


@dataclass
class Store:
    orders: dict = field(default_factory=dict)
    online_required: dict = field(default_factory=dict)
    tracking: dict = field(default_factory=dict)
    time_zones: dict = field(default_factory=dict)
    settlements: dict = field(default_factory=dict)
    payments: dict = field(default_factory=dict)
    inbox: set = field(default_factory=set)
    published: list = field(default_factory=list)


class FakeOrders:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def add(self, order, placed_at):
        zone = ZoneInfo(self.store.time_zones.get(order.producer_id, "Europe/Paris"))
        order = replace(order, delivery_date=order.delivery_date
                        or placed_at.astimezone(zone).date())
        self.store.orders[(order.producer_id, order.order_id)] = order
        return order.delivery_date, self.store.online_required.get(order.producer_id, False)

    async def get_for_update(self, producer_id, order_id):
        return self.store.orders.get((producer_id, order_id))

    async def last_payment(self, producer_id, order_id):
        attempts = [p for (pid, oid, _), p in self.store.payments.items()
                    if (pid, oid) == (producer_id, order_id)]
        return max(attempts, key=lambda p: p.attempt) if attempts else None

    async def keep_settlement(self, event):
        key = (event.producer_id, event.order_id)
        if key not in self.store.settlements or self.store.settlements[key].version < event.version:
            self.store.settlements[key] = event

    async def keep_settings(self, event):
        self.store.tracking[event.producer_id] = event.payment_tracking
        self.store.online_required[event.producer_id] = event.online_payment_required
        self.store.time_zones[event.producer_id] = event.time_zone

    async def keep_checkout(self, event):
        self.store.payments[(event.producer_id, event.order_id, event.attempt)] = event
        key = (event.producer_id, event.order_id)
        status = getattr(event, "status", None)
        if key in self.store.orders and status == "PAID":
            self.store.orders[key] = replace(self.store.orders[key], status="accepted")
        elif key in self.store.orders and status == "EXPIRED":
            required = self.store.online_required.get(event.producer_id, False)
            self.store.orders[key] = replace(self.store.orders[key],
                                             status="cancelled" if required else "placed")


class FakeUnitOfWork(SharedFakeUnitOfWork):
    def repositories(self):
        return {"orders": FakeOrders(self.store)}
