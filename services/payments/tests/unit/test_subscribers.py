"""The payments worker's subscribers on FastStream's in-memory broker, with a fake unit of work."""

import uuid
from datetime import date
from functools import partial

from faststream.kafka import TestKafkaBroker

from ardoise import topics
from ardoise.events import CustomerRegistered, OrderPlaced, encode_event
from ardoise.kafka import make_broker
from payments.adapters.credentials import new_key
from payments.bootstrap import subscribe_with
from payments.config import Settings

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
