"""The payments worker's subscribers on FastStream's in-memory broker, with a fake unit of work."""

import uuid
from datetime import date
from functools import partial

from faststream.kafka import TestKafkaBroker

from ardoise import topics
from ardoise.events import (
    CustomerRegistered,
    OrderPlaced,
    PaymentRetryRequested,
    encode_event,
)
from ardoise.kafka import make_broker
from payments.adapters.credentials import new_key
from payments.bootstrap import subscribe_with
from payments.config import Settings
from payments.service_layer.messagebus import MessageBus

from .fakes import FakeOrdersGateway, FakeUnitOfWork, Store


async def test_orders_placed_and_customers_registered_feed_the_read_models_once():
    store = Store()
    broker = make_broker("127.0.0.1:1", client_id="unit")
    settings = Settings(database_url="postgresql+asyncpg://unused/x", jwt_secret="s",
                        secrets_keys=new_key())
    consumed = subscribe_with(broker, settings, partial(FakeUnitOfWork, store), sumup=None,
                              orders=FakeOrdersGateway())
    placed = OrderPlaced(producer_id="ferme-a", order_id=uuid.uuid4(), customer_id="c1",
                         total_cents=2000, delivery_date=date(2026, 11, 25))
    named = CustomerRegistered(producer_id="ferme-a", customer_id="c1", name="Claire Martin")
    async with TestKafkaBroker(broker) as test_broker:
        for _ in range(2):  # a redelivery changes nothing
            await test_broker.publish(encode_event(placed), topics.ORDERS, key=placed.key.encode())
            await test_broker.publish(encode_event(named), topics.ACCOUNTS, key=named.key.encode())
    assert consumed == [topics.ORDERS, topics.ACCOUNTS]
    assert store.orders[("ferme-a", placed.order_id)].total_cents == 2000
    assert store.customers[("ferme-a", "c1")] == "Claire Martin"
    assert len(store.inbox) == 2


async def test_a_batch_of_orders_is_remembered_in_one_statement_each_event_once():
    store = Store()
    transactions: list[FakeUnitOfWork] = []

    def new_uow() -> FakeUnitOfWork:
        transactions.append(FakeUnitOfWork(store))
        return transactions[-1]

    bus = MessageBus(new_uow, gateways=None, fetch_order=FakeOrdersGateway().fetch,
                     return_url="https://shop.example/return")
    orders = [OrderPlaced(producer_id="ferme-a", order_id=uuid.uuid4(), customer_id=f"c{n}",
                          total_cents=1000 + n, delivery_date=date(2026, 11, 25))
              for n in range(3)]
    retried = PaymentRetryRequested(producer_id="ferme-a", order_id=orders[0].order_id,
                                    customer_id="c0", total_cents=1000, attempt=2)
    # the second order twice in one fetch (a redelivery), and an event the service does not keep
    await bus.remember([orders[0], orders[1], retried, orders[1], orders[2]], "payments.o")
    assert len(transactions) == 1
    assert store.statements == [("remember_orders", 3)], "each order once, in one statement"
    assert list(store.orders) == [("ferme-a", o.order_id) for o in orders], "in the fetch's order"
    assert [store.orders[("ferme-a", o.order_id)].total_cents for o in orders] == [1000, 1001,
                                                                                   1002]
    assert len(store.inbox) == 3
    await bus.remember(orders, "payments.o")  # delivered again after a crash: nothing changes
    assert len(store.inbox) == 3 and store.statements == [("remember_orders", 3)]
    await bus.remember([retried], "payments.o")  # nothing kept: no transaction at all
    assert len(transactions) == 2
