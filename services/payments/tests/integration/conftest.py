"""The payments schema on the real test PostgreSQL, through the service's own role; the gateway
in process, with the orders service stood in for."""

import uuid
from collections.abc import AsyncIterator
from functools import partial

import pytest

from ardoise.db import make_engine, make_sessionmaker
from ardoise_tools.testing.fakes import gateway_clients
from payments.adapters.orm import SCHEMA
from payments.bootstrap import create_app
from payments.config import Settings
from payments.domain.settlement import PaymentSettings
from payments.service_layer.unit_of_work import SqlPaymentsUnitOfWork


class StandInOrders:
    """The orders gateway as `OrdersClient.fetch` sees it: these orders, or down."""

    def __init__(self) -> None:
        self.orders, self.down = {}, False

    async def fetch(self, producer_id, order_id):
        from payments.adapters.orders_client import OrdersUnavailable

        if self.down:
            raise OrdersUnavailable("the orders service did not answer")
        return self.orders.get((producer_id, order_id))


@pytest.fixture
async def new_uow(servers) -> AsyncIterator:
    engine = make_engine(servers["PAYMENTS_DATABASE_URL"], SCHEMA, pool_size=30)
    yield partial(SqlPaymentsUnitOfWork, make_sessionmaker(engine))
    await engine.dispose()


@pytest.fixture
async def producer_id(new_uow) -> str:
    """A producer of its own whose settings say payment tracking is on (and nothing else
    changed); stored as they stand, so that the outbox holds only what a test causes."""
    producer = f"p-{uuid.uuid4().hex[:12]}"
    async with new_uow() as uow:
        await uow.payments.save_settings(producer, PaymentSettings(payment_tracking=True))
        await uow.commit()
    return producer


@pytest.fixture
def new_producer_id() -> str:
    """A producer that never saved its payment settings."""
    return f"p-{uuid.uuid4().hex[:12]}"


@pytest.fixture
async def gateway(servers, producer_id) -> AsyncIterator:
    """`gateway(principal)` is an httpx client of the payments gateway with that caller's token;
    `gateway.orders` stands in for the orders service."""
    settings = Settings(database_url=servers["PAYMENTS_DATABASE_URL"],
                        jwt_secret=servers["ARDOISE_JWT_SECRET"],
                        secrets_keys=servers["ARDOISE_SECRETS_KEYS"],
                        kafka_bootstrap=servers["KAFKA_BOOTSTRAP"])
    app = create_app(settings)
    orders = StandInOrders()
    async with gateway_clients(app, servers["ARDOISE_JWT_SECRET"], producer_id,
                               "http://payments") as client:
        app.state.orders = orders
        client.orders = orders
        client.app = app
        yield client
