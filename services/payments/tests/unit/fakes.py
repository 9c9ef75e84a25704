"""An in-memory unit of work for the payments handlers: same contract, no database."""

import copy
from dataclasses import dataclass, field

from ardoise.testing.fakes import FakeUnitOfWork as SharedFakeUnitOfWork
from payments.domain.credit_notes import CreditNote
from payments.domain.settlement import PaymentSettings


@dataclass
class Store:
    settings: dict = field(default_factory=dict)
    orders: dict = field(default_factory=dict)
    customers: dict = field(default_factory=dict)
    settlements: dict = field(default_factory=dict)
    credit_notes: dict = field(default_factory=dict)
    counters: dict = field(default_factory=dict)
    sumup_keys: dict = field(default_factory=dict)
    inbox: set = field(default_factory=set)
    published: list = field(default_factory=list)

    def written(self) -> tuple:
        """Everything a refused request must leave as it was."""
        return copy.deepcopy((self.settings, self.orders, self.settlements, self.credit_notes,
                              self.counters, self.published))


class FakePayments:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def settings(self, producer_id):
        return self.store.settings.get(producer_id, PaymentSettings())

    async def settings_for_update(self, producer_id):
        return await self.settings(producer_id)

    async def save_settings(self, producer_id, value):
        self.store.settings[producer_id] = value

    async def save_sumup_key(self, producer_id, sealed):
        self.store.sumup_keys[producer_id] = sealed

    async def remember_order(self, producer_id, order):
        self.store.orders.setdefault((producer_id, order.order_id), order)

    async def remember_customer(self, producer_id, customer_id, name):
        self.store.customers[(producer_id, customer_id)] = name

    async def orders_for_update(self, producer_id, order_ids):
        return {i: self.store.orders[(producer_id, i)] for i in order_ids
                if (producer_id, i) in self.store.orders}

    async def settlements(self, producer_id, order_ids):
        return {i: self.store.settlements[(producer_id, i)][0] for i in order_ids
                if (producer_id, i) in self.store.settlements}

    async def save_settlement(self, producer_id, order_id, value, credit_note_number):
        self.store.settlements[(producer_id, order_id)] = (value, credit_note_number)

    async def credit_note_in_force(self, producer_id, order_id):
        for (p, number), note in self.store.credit_notes.items():
            if (p, note["order_id"], note["status"]) == (producer_id, order_id, "issued"):
                return CreditNote(number, note["amount_cents"])
        return None

    async def cancel_credit_note(self, producer_id, number):
        self.store.credit_notes[(producer_id, number)]["status"] = "cancelled"

    async def issue_credit_note(self, producer_id, order_id, amount_cents):
        number = self.store.counters[producer_id] = self.store.counters.get(producer_id, 0) + 1
        self.store.credit_notes[(producer_id, number)] = {
            "order_id": order_id, "amount_cents": amount_cents, "status": "issued"}
        return CreditNote(number, amount_cents)


class FakeUnitOfWork(SharedFakeUnitOfWork):
    def repositories(self):
        return {"payments": FakePayments(self.store)}



class FakeOrdersGateway:
    """The orders service's orders, as `OrdersClient.fetch` would find them."""

    def __init__(self, *orders) -> None:
        self.orders = {(p, o.order_id): o for p, o in orders}
        self.asked = []

    async def fetch(self, producer_id, order_id):
        self.asked.append(order_id)
        return self.orders.get((producer_id, order_id))
