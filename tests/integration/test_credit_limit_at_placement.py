"""The credit limit checked when an order is placed: the orders gateway asks the accounts
gateway (both in process, each on its own schema of the real PostgreSQL) through its real
client; refused with 409 naming the limit and nothing written, or placed to be paid online,
the producer's choice; placed unchecked when the accounts service does not answer."""

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator
from functools import partial

import httpx
import pytest
from aiokafka import AIOKafkaConsumer
from fastapi import FastAPI
from sqlalchemy import func, select

from accounts.adapters.orm import SCHEMA as ACCOUNTS
from accounts.domain.commands import RecordMovement, RegisterCustomer, SetPaymentTracking
from accounts.entrypoints import limits_api
from accounts.entrypoints.api import router as accounts_router
from accounts.service_layer import handlers as accounts_handlers
from accounts.service_layer.unit_of_work import SqlAccountsUnitOfWork
from ardoise import topics
from ardoise.auth import Principal, issue_token
from ardoise.db import make_engine, make_sessionmaker
from ardoise.gateway import install_error_handlers
from ardoise_tools.testing.fakes import gateway_clients
from orders.adapters.accounts_client import AccountsClient
from orders.adapters.orm import SCHEMA as ORDERS
from orders.adapters.orm import orders, outbox
from orders.bootstrap import create_app
from orders.config import Settings

LINES = [{"label": "Panier de légumes", "quantity": 1, "unit_price_cents": 2000}]


@pytest.fixture
async def accounts(servers) -> AsyncIterator[FastAPI]:
    """The accounts gateway's routes, in process."""
    engine = make_engine(servers["ACCOUNTS_DATABASE_URL"], ACCOUNTS)
    app = FastAPI()
    app.state.jwt_secret, app.state.sessionmaker = (servers["ARDOISE_JWT_SECRET"],
                                                    make_sessionmaker(engine))
    app.state.uow_factory = partial(SqlAccountsUnitOfWork, app.state.sessionmaker)
    install_error_handlers(app)
    app.include_router(accounts_router)
    app.include_router(limits_api.router)
    yield app
    await engine.dispose()


@pytest.fixture
async def producer_id(accounts) -> str:
    """A producer tracking payments; Claire, its customer, owes 40,00 €."""
    producer = f"p-{uuid.uuid4().hex[:12]}"
    new_uow = accounts.state.uow_factory
    await accounts_handlers.set_payment_tracking(SetPaymentTracking(
        event_id=uuid.uuid4(), producer_id=producer, payment_tracking=True), new_uow(), "tests")
    await accounts_handlers.register_customer(
        RegisterCustomer(producer, "claire", "Claire Martin", None), new_uow())
    await accounts_handlers.record_movement(
        RecordMovement(producer, "claire", "debit", 4000, None, None), new_uow())
    return producer


@pytest.fixture
async def shop(servers, accounts, producer_id) -> AsyncIterator:
    """`shop(principal)`: a client of the orders gateway, whose accounts client reaches the
    accounts gateway above (`shop.accounts_down(port)` points it at a port of 127.0.0.1)."""
    settings = Settings(database_url=servers["ORDERS_DATABASE_URL"],
                        jwt_secret=servers["ARDOISE_JWT_SECRET"],
                        kafka_bootstrap=servers["KAFKA_BOOTSTRAP"])
    app = create_app(settings)
    secret = servers["ARDOISE_JWT_SECRET"]
    async with gateway_clients(app, secret, producer_id, "http://orders") as client:
        app.state.accounts = AccountsClient("http://accounts", secret,
                                            transport=httpx.ASGITransport(app=accounts))
        client.app = app
        client.accounts_down = lambda port: setattr(
            app.state, "accounts", AccountsClient(f"http://127.0.0.1:{port}", secret,
                                                  timeout_s=0.5))
        engine = make_engine(servers["ORDERS_DATABASE_URL"], ORDERS)
        client.orders_db = make_sessionmaker(engine)
        yield client
        await engine.dispose()


async def operator_puts(accounts: FastAPI, producer_id: str, path: str, body: dict) -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=accounts),
                                 base_url="http://accounts") as client:
        token = issue_token(accounts.state.jwt_secret, Principal("operator", producer_id))
        answer = await client.put(f"/v1/producers/{producer_id}{path}", json=body,
                                  headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text


async def order(shop, producer_id: str, customer_id: str = "claire", **kwargs) -> httpx.Response:
    return await shop(Principal("customer", producer_id, customer_id)).post(
        f"/v1/producers/{producer_id}/orders",
        json={"customer_id": customer_id, "lines": kwargs.get("lines", LINES)})


@pytest.fixture
async def orders_topic(servers) -> AsyncIterator[AIOKafkaConsumer]:
    """A reader of the orders' topic from its present end: where OrderPlaced goes once a running
    system's relay has taken it out of the outbox."""
    consumer = AIOKafkaConsumer(topics.ORDERS, bootstrap_servers=servers["KAFKA_BOOTSTRAP"],
                                enable_auto_commit=False, auto_offset_reset="latest")
    await consumer.start()
    try:
        partitions = consumer.assignment()
        assert partitions, "the orders' topic has no partition"
        await consumer.seek_to_end(*partitions)
        for partition in partitions:
            await consumer.position(partition)
        yield consumer
    finally:
        await consumer.stop()


async def written(shop, producer_id: str, orders_topic: AIOKafkaConsumer | None = None,
                  expected: int = 0) -> tuple[int, list[dict]]:
    """(orders, OrderPlaced payloads) of this producer: its rows in the orders schema, and its
    events whether still in the outbox or already published by a running relay (read until
    `expected` are found, at most 15 s)."""
    found: dict[str, dict] = {}
    async with asyncio.timeout(15):
        while True:
            async with shop.orders_db() as session:
                placed = (await session.execute(select(func.count()).select_from(orders).where(
                    orders.c.producer_id == producer_id))).scalar()
                for payload in (await session.execute(select(outbox.c.payload).where(
                        outbox.c.payload["producer_id"].astext == producer_id))).scalars():
                    found[payload["event_id"]] = payload
            if orders_topic is not None:
                for records in (await orders_topic.getmany(timeout_ms=200)).values():
                    for record in records:
                        payload = json.loads(record.value)
                        if payload.get("producer_id") == producer_id:
                            found[payload["event_id"]] = payload
            if len(found) >= expected:
                return placed, [payload for payload in found.values()
                                if "online_payment" in payload]
            await asyncio.sleep(0.1)


async def test_at_40_owed_under_a_50_euro_limit_an_order_of_20_is_refused_naming_the_limit(
        shop, accounts, producer_id):
    await operator_puts(accounts, producer_id, "/credit-limits", {"credit_limit_cents": 5000})
    answer = await order(shop, producer_id)
    assert answer.status_code == 409, answer.text
    assert answer.json() == {"detail": (
        "this order would take the available balance to -60,00 €, below the limit of "
        "-50,00 € set by the producer (available now: -40,00 €); pay what is owed, or order "
        "less")}
    assert await written(shop, producer_id) == (0, [])


async def test_an_order_reaching_the_limit_exactly_is_placed(shop, accounts, producer_id):
    await operator_puts(accounts, producer_id, "/credit-limits", {"credit_limit_cents": 6000})
    answer = await order(shop, producer_id)
    assert answer.status_code == 201, answer.text
    assert (answer.json()["online_payment"], answer.json()["over_credit_limit"]) == (False,
                                                                                     False)


async def test_with_online_payment_chosen_the_order_is_placed_to_be_paid_online(
        shop, accounts, producer_id, orders_topic):
    await operator_puts(accounts, producer_id, "/credit-limits",
                        {"credit_limit_cents": 5000, "over_limit": "online_payment"})
    answer = await order(shop, producer_id)
    assert answer.status_code == 201, answer.text
    placed = answer.json()
    assert (placed["status"], placed["online_payment"], placed["over_credit_limit"]) == (
        "placed", True, True)
    count, [event] = await written(shop, producer_id, orders_topic, expected=1)
    assert count == 1 and (event["order_id"], event["online_payment"]) == (placed["order_id"],
                                                                           True)


async def test_a_customers_own_limit_overrides_the_default(shop, accounts, producer_id):
    await operator_puts(accounts, producer_id, "/credit-limits", {"credit_limit_cents": 5000})
    await operator_puts(accounts, producer_id, "/customers/claire/credit-limit",
                        {"credit_limit_cents": 10000})
    assert (await order(shop, producer_id)).status_code == 201
    await operator_puts(accounts, producer_id, "/customers/claire/credit-limit",
                        {"credit_limit_cents": 0})
    refused = await order(shop, producer_id)
    assert refused.status_code == 409 and "below the limit of 0,00 €" in refused.json()["detail"]


async def test_a_customer_not_registered_is_checked_against_the_default_from_0(
        shop, accounts, producer_id):
    await operator_puts(accounts, producer_id, "/credit-limits", {"credit_limit_cents": 1500})
    refused = await order(shop, producer_id, "newcomer")
    assert refused.status_code == 409
    assert "to -20,00 €, below the limit of -15,00 €" in refused.json()["detail"]


@pytest.fixture
async def silent_port() -> AsyncIterator[int]:
    """A port that takes connections and never answers: a hung accounts gateway."""
    held = []

    async def hold(reader, writer) -> None:
        held.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1]
    for writer in held:
        writer.close()
    server.close()


@pytest.mark.parametrize("down", ["refusing", "hung"])
async def test_when_the_accounts_service_is_down_the_order_is_placed_unchecked(
        shop, accounts, producer_id, silent_port, caplog, down, orders_topic):
    await operator_puts(accounts, producer_id, "/credit-limits", {"credit_limit_cents": 0})
    shop.accounts_down(9 if down == "refusing" else silent_port)
    started = time.monotonic()
    answer = await order(shop, producer_id)
    assert answer.status_code == 201, answer.text
    assert time.monotonic() - started < 2  # the client's timeout (0.5 s here), not forever
    assert answer.json()["over_credit_limit"] is False
    count, [event] = await written(shop, producer_id, orders_topic, expected=1)
    assert count == 1 and event["online_payment"] is False
    assert "not checked" in caplog.text


async def test_two_orders_placed_at_once_are_each_checked_against_the_same_balance(
        shop, accounts, producer_id):
    """The documented window: the check reads the balance and holds at placement, and an order
    placed is not in the balance until settled. At −40,00 € under a −50,00 € limit, two orders
    of 10,00 € placed together each leave −50,00 € on their own: both pass. One alone is
    checked exactly (the tests above); a third, once the two are settled, is refused."""
    await operator_puts(accounts, producer_id, "/credit-limits", {"credit_limit_cents": 5000})
    ten = [{"label": "Œufs", "quantity": 1, "unit_price_cents": 1000}]
    both = await asyncio.gather(order(shop, producer_id, lines=ten),
                                order(shop, producer_id, lines=ten))
    assert [answer.status_code for answer in both] == [201, 201]
    for _ in both:  # settled from the account, as the producer hands them over
        await accounts_handlers.record_movement(
            RecordMovement(producer_id, "claire", "debit", 1000, None, None),
            accounts.state.uow_factory())
    refused = await order(shop, producer_id, lines=ten)
    assert refused.status_code == 409
    assert "to -70,00 €, below the limit of -50,00 €" in refused.json()["detail"]
