"""Who did it (issue #23), on the real PostgreSQL through the gateway's routes: a top-up recorded
by Léa Martin shows her name in the account's history (today's and at a date), a settlement's
movements show who made it when its event says and no one otherwise, and the reminders rule
keeps who set it."""

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
from fastapi import FastAPI

from accounts.adapters.orm import SCHEMA
from accounts.domain.commands import ApplySettlement, RegisterCustomer
from accounts.entrypoints import reminders_api
from accounts.entrypoints.api import router
from accounts.service_layer import handlers
from ardoise.auth import Principal, issue_token
from ardoise.db import make_engine, make_read_sessionmaker, make_sessionmaker
from ardoise.gateway import install_error_handlers

SECRET = "a-test-secret-of-the-accounts-gateway-" + uuid.uuid4().hex
LEA = "Léa Martin"


@pytest.fixture
async def as_caller(servers, new_uow, producer_id) -> AsyncIterator:
    """`as_caller(principal)`: a client of the accounts routes with that caller's token."""
    engine = make_engine(servers["ACCOUNTS_DATABASE_URL"], SCHEMA)
    app = FastAPI()
    app.state.jwt_secret, app.state.sessionmaker = SECRET, make_sessionmaker(engine)
    app.state.uow_factory, app.state.reads = new_uow, make_read_sessionmaker(engine)
    install_error_handlers(app)
    app.include_router(router)
    app.include_router(reminders_api.router)
    clients = []

    def client(principal: Principal) -> httpx.AsyncClient:
        clients.append(httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://accounts",
            headers={"Authorization": f"Bearer {issue_token(SECRET, principal)}"}))
        return clients[-1]

    yield client
    for opened in clients:
        await opened.aclose()
    await engine.dispose()


@pytest.fixture
async def claire(new_uow, producer_id) -> str:
    await handlers.register_customer(RegisterCustomer(producer_id, "claire", "Claire Martin",
                                                      None), new_uow())
    return "claire"


def settled(producer_id: str, actor: str | None) -> ApplySettlement:
    return ApplySettlement(event_id=uuid.uuid4(), producer_id=producer_id, customer_id="claire",
                           order_id=uuid.uuid4(), version=1, total_cents=2000, mode="cash",
                           received={"cash": 2000}, actor=actor)


async def test_a_top_up_by_lea_shows_her_name_in_the_history_now_and_at_a_date(
        as_caller, producer_id, claire):
    lea = as_caller(Principal("operator", producer_id, person="op-1", name=LEA))
    account = f"/v1/producers/{producer_id}/customers/{claire}"
    posted = await lea.post(f"{account}/movements",
                            json={"direction": "credit", "amount_cents": 2000, "mode": "cash"})
    assert posted.status_code == 201, posted.text
    assert posted.json()["recorded_by"] == LEA
    [movement] = (await lea.get(f"{account}/account")).json()["movements"]
    assert (movement["amount_cents"], movement["recorded_by"]) == (2000, LEA)
    then = (await lea.get(f"{account}/account",
                          params={"at": datetime.now(UTC).isoformat()})).json()
    assert [m["recorded_by"] for m in then["movements"]] == [LEA]
    mine = await as_caller(Principal("customer", producer_id, claire)).get("/v1/me/account")
    assert [m["recorded_by"] for m in mine.json()["movements"]] == [LEA]


async def test_an_operator_without_a_name_is_shown_by_its_id(as_caller, producer_id, claire):
    answer = await as_caller(Principal("operator", producer_id, person="op-7")).post(
        f"/v1/producers/{producer_id}/customers/{claire}/movements",
        json={"direction": "debit", "amount_cents": 500})
    assert answer.json()["recorded_by"] == "op-7"


async def test_a_settlements_movements_show_who_made_it_or_no_one(
        as_caller, new_uow, producer_id, claire):
    await handlers.apply_settlements([settled(producer_id, LEA)], new_uow(), "tests")
    await handlers.apply_settlements([settled(producer_id, None)], new_uow(), "tests")
    page = await as_caller(Principal("operator", producer_id)).get(
        f"/v1/producers/{producer_id}/customers/{claire}/account")
    assert [(m["kind"], m["recorded_by"]) for m in page.json()["movements"]] == [
        ("payment", None), ("order", None), ("payment", LEA), ("order", LEA)]


async def test_the_reminders_rule_keeps_who_set_it_and_when(as_caller, producer_id):
    path = f"/v1/producers/{producer_id}/reminders/settings"
    lea = as_caller(Principal("operator", producer_id, person="op-1", name=LEA))
    before = (await lea.get(path)).json()
    assert (before["changed_by"], before["changed_at"]) == (None, None)
    put = await lea.put(path, json={"enabled": True, "below_cents": -1000})
    assert put.status_code == 200, put.text
    after = (await lea.get(path)).json()
    assert after == put.json() and after["changed_by"] == LEA
    assert after["changed_at"] is not None
