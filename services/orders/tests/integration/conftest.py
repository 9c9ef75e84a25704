"""The orders schema on the real test PostgreSQL, through the service's own role; the gateway in
process, with the accounts service stood in for."""

import uuid
from collections.abc import AsyncIterator
from functools import partial

import pytest

from ardoise.db import make_engine, make_sessionmaker
from ardoise.events import PaymentSettingsChanged
from ardoise_tools.testing.fakes import gateway_clients
from orders.adapters.orm import SCHEMA
from orders.bootstrap import create_app
from orders.config import Settings
from orders.service_layer import messagebus
from orders.service_layer.unit_of_work import SqlOrdersUnitOfWork


class StandInAccounts:
    """The accounts gateway as `AccountsClient.customer` sees it; None: it cannot say."""

    def __init__(self) -> None:
        self.balances, self.names, self.asked = {}, {}, 0
        self.identities: dict = {}
        self.standings: dict = {}
        """(producer, customer) → `CreditStanding`; none: the accounts service cannot say."""

    async def credit_standing(self, producer_id, customer_id):
        return self.standings.get((producer_id, customer_id))

    async def customer(self, producer_id, customer_id):
        from orders.adapters.accounts_client import CustomerFigures

        balance = await self.balance_cents(producer_id, customer_id)
        return CustomerFigures(self.names.get((producer_id, customer_id)), balance,
                               identity=self.identities.get((producer_id, customer_id)))

    async def buyer(self, producer_id, customer_id):
        from ardoise.errors import Unavailable
        from orders.adapters.accounts_client import buyer_of

        figures = await self.customer(producer_id, customer_id)
        if figures.balance_cents is None:
            raise Unavailable("the accounts service did not answer")
        return buyer_of(customer_id, figures)

    async def balance_cents(self, producer_id, customer_id):
        self.asked += 1
        return self.balances.get((producer_id, customer_id))


@pytest.fixture
async def new_uow(servers) -> AsyncIterator:
    engine = make_engine(servers["ORDERS_DATABASE_URL"], SCHEMA, pool_size=10)
    yield partial(SqlOrdersUnitOfWork, make_sessionmaker(engine))
    await engine.dispose()


@pytest.fixture
async def producer_id(new_uow) -> str:
    """A producer of its own whose payment settings, as heard, say tracking is on."""
    producer = f"p-{uuid.uuid4().hex[:12]}"
    await messagebus.handle(PaymentSettingsChanged(
        producer_id=producer, payment_tracking=True, accepted_modes=["cash", "card"],
        online_payment_required=False), new_uow(), "tests")
    return producer


@pytest.fixture
async def gateway(servers, producer_id) -> AsyncIterator:
    """`gateway(principal)` is an httpx client of the orders gateway with that caller's token;
    `gateway.accounts` stands in for the accounts service; `gateway.app` is the app (its
    `state.clock` tells when orders are placed)."""
    settings = Settings(database_url=servers["ORDERS_DATABASE_URL"],
                        jwt_secret=servers["ARDOISE_JWT_SECRET"],
                        kafka_bootstrap=servers["KAFKA_BOOTSTRAP"])
    app = create_app(settings)
    accounts = StandInAccounts()
    async with gateway_clients(app, servers["ARDOISE_JWT_SECRET"], producer_id,
                               "http://orders") as client:
        app.state.accounts = accounts
        client.accounts = accounts
        client.app = app
        yield client
