"""Credit limits on the real PostgreSQL, through the gateway's own routes: the producer's default
and choice, a customer's own limit overriding it, the standing the orders service asks (holds
count), the account page's figures, who may reach them, and nothing written on bad input."""

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI

from accounts.adapters.orm import SCHEMA
from accounts.domain.commands import HoldBalance, RecordMovement, RegisterCustomer
from accounts.entrypoints import limits_api
from accounts.entrypoints.api import router
from accounts.service_layer import handlers
from ardoise.auth import Principal, issue_token
from ardoise.db import make_engine, make_sessionmaker
from ardoise.gateway import install_error_handlers

SECRET = "a-test-secret-of-the-accounts-gateway-" + uuid.uuid4().hex


@pytest.fixture
async def gateway(servers, new_uow) -> AsyncIterator[FastAPI]:
    engine = make_engine(servers["ACCOUNTS_DATABASE_URL"], SCHEMA)
    app = FastAPI()
    app.state.jwt_secret, app.state.sessionmaker = SECRET, make_sessionmaker(engine)
    app.state.uow_factory = new_uow
    install_error_handlers(app)
    app.include_router(router)
    app.include_router(limits_api.router)
    yield app
    await engine.dispose()


async def call(app: FastAPI, principal: Principal, method: str, path: str,
               **kwargs) -> httpx.Response:
    token = issue_token(SECRET, principal)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://accounts") as client:
        return await client.request(method, path, headers={"Authorization": f"Bearer {token}"},
                                    **kwargs)


@pytest.fixture
async def claire(new_uow, producer_id) -> str:
    """Claire owes 40,00 €."""
    await handlers.register_customer(RegisterCustomer(producer_id, "claire", "Claire Martin",
                                                      None), new_uow())
    await handlers.record_movement(RecordMovement(producer_id, "claire", "debit", 4000, None,
                                                  None), new_uow())
    return "claire"


async def test_until_set_there_is_no_limit_and_orders_over_one_would_be_refused(
        gateway, producer_id):
    answer = await call(gateway, Principal("operator", producer_id), "GET",
                        f"/v1/producers/{producer_id}/credit-limits")
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"credit_limit_cents": None, "over_limit": "refuse",
                             "payment_tracking": True, "changed_by": None, "changed_at": None}


async def test_a_default_of_50_euros_shows_in_the_standing_and_the_account_page(
        gateway, producer_id, claire):
    operator = Principal("operator", producer_id, person="op-1", name="Léa Martin")
    base = f"/v1/producers/{producer_id}"
    put = await call(gateway, operator, "PUT", f"{base}/credit-limits",
                     json={"credit_limit_cents": 5000, "over_limit": "online_payment"})
    assert put.status_code == 200, put.text
    assert put.json() == {"credit_limit_cents": 5000, "over_limit": "online_payment",
                          "payment_tracking": True, "changed_by": "Léa Martin",
                          "changed_at": put.json()["changed_at"]}
    assert put.json()["changed_at"] is not None
    assert (await call(gateway, operator, "GET", f"{base}/credit-limits")).json() == put.json()
    standing = (await call(gateway, operator, "GET",
                           f"{base}/customers/{claire}/credit-limit")).json()
    assert standing == {
        "customer_id": "claire", "balance_cents": -4000, "held_cents": 0,
        "available_cents": -4000, "credit_limit_cents": 5000,
        "customer_credit_limit_cents": None, "default_credit_limit_cents": 5000,
        "over_limit": "online_payment", "available_until_limit_cents": 1000,
        "payment_tracking": True, "changed_by": None, "changed_at": None}
    page = (await call(gateway, operator, "GET", f"{base}/customers/{claire}/account")).json()
    assert (page["credit_limit_cents"], page["available_until_limit_cents"]) == (5000, 1000)
    mine = (await call(gateway, Principal("customer", producer_id, claire), "GET",
                       "/v1/me/account")).json()
    assert (mine["credit_limit_cents"], mine["available_until_limit_cents"]) == (5000, 1000)


async def test_a_customers_own_limit_overrides_the_default_until_set_back_to_null(
        gateway, producer_id, claire):
    operator = Principal("operator", producer_id, person="op-1", name="Léa Martin")
    base = f"/v1/producers/{producer_id}"
    await call(gateway, operator, "PUT", f"{base}/credit-limits", json={"credit_limit_cents": 5000})
    own = await call(gateway, operator, "PUT", f"{base}/customers/{claire}/credit-limit",
                     json={"credit_limit_cents": 10000})
    assert own.status_code == 200, own.text
    assert (own.json()["credit_limit_cents"], own.json()["customer_credit_limit_cents"],
            own.json()["available_until_limit_cents"]) == (10000, 10000, 6000)
    standing = (await call(gateway, operator, "GET",
                           f"{base}/customers/{claire}/credit-limit")).json()
    assert (standing["changed_by"], standing["changed_at"]) == (
        "Léa Martin", own.json()["changed_at"])
    page = (await call(gateway, operator, "GET", f"{base}/customers/{claire}/account")).json()
    assert (page["credit_limit_cents"], page["balance_cents"]) == (10000, -4000)
    back = (await call(gateway, operator, "PUT", f"{base}/customers/{claire}/credit-limit",
                       json={"credit_limit_cents": None})).json()
    assert (back["credit_limit_cents"], back["customer_credit_limit_cents"]) == (5000, None)


async def test_without_any_limit_the_account_page_says_null(gateway, producer_id, claire):
    page = (await call(gateway, Principal("operator", producer_id), "GET",
                       f"/v1/producers/{producer_id}/customers/{claire}/account")).json()
    assert (page["credit_limit_cents"], page["available_until_limit_cents"]) == (None, None)


async def test_holds_count_in_the_standing(gateway, new_uow, producer_id, claire):
    """A checkout collecting Claire's debt holds it: meanwhile nothing of it is available to
    collect twice, nor counted as owed twice."""
    await handlers.hold_balance(HoldBalance(
        event_id=uuid.uuid4(), producer_id=producer_id, customer_id=claire,
        order_id=uuid.uuid4(), attempt=1, total_cents=2000,
        expires_at=datetime.now(UTC) + timedelta(minutes=35)), new_uow(), "tests")
    standing = (await call(gateway, Principal("operator", producer_id), "GET",
                           f"/v1/producers/{producer_id}/customers/{claire}/credit-limit")).json()
    assert (standing["balance_cents"], standing["held_cents"], standing["available_cents"]) == (
        -4000, -4000, 0)


@pytest.mark.parametrize("body, field", [
    ({"credit_limit_cents": -5000}, "credit_limit_cents"),
    ({"credit_limit_cents": 50.5}, "credit_limit_cents"),
    ({"credit_limit_cents": 10**11 + 1}, "credit_limit_cents"),
    ({"credit_limit_cents": 5000, "over_limit": "accept"}, "over_limit"),
    ({"credit_limit_cents": 5000, "other": 1}, "other")])
async def test_bad_limits_answer_422_naming_the_field_and_change_nothing(
        gateway, producer_id, claire, body, field):
    operator = Principal("operator", producer_id)
    base = f"/v1/producers/{producer_id}"
    for path in (f"{base}/credit-limits", f"{base}/customers/{claire}/credit-limit"):
        if path.endswith("credit-limit") and field == "over_limit":
            continue
        answer = await call(gateway, operator, "PUT", path, json=body)
        assert answer.status_code == 422, answer.text
        assert any(field in error["loc"] for error in answer.json()["detail"])
    standing = (await call(gateway, operator, "GET",
                           f"{base}/customers/{claire}/credit-limit")).json()
    assert (standing["credit_limit_cents"], standing["over_limit"]) == (None, "refuse")


async def test_an_unknown_customer_answers_404(gateway, producer_id):
    operator = Principal("operator", producer_id)
    base = f"/v1/producers/{producer_id}/customers/nobody/credit-limit"
    assert (await call(gateway, operator, "GET", base)).status_code == 404
    assert (await call(gateway, operator, "PUT", base,
                       json={"credit_limit_cents": 100})).status_code == 404


async def test_limits_are_the_producers_operators_own(gateway, producer_id, claire):
    base = f"/v1/producers/{producer_id}"
    customer = Principal("customer", producer_id, claire)
    stranger = Principal("operator", f"p-{uuid.uuid4().hex[:12]}")
    for method, path, body in [
            ("PUT", f"{base}/credit-limits", {"credit_limit_cents": 0}),
            ("GET", f"{base}/credit-limits", None),
            ("PUT", f"{base}/customers/{claire}/credit-limit", {"credit_limit_cents": 0}),
            ("GET", f"{base}/customers/{claire}/credit-limit", None)]:
        assert (await call(gateway, customer, method, path, json=body)).status_code == 403
        assert (await call(gateway, stranger, method, path, json=body)).status_code == 404
    other = Principal("customer", producer_id, "someone-else")
    assert (await call(gateway, other, "GET",
                       f"{base}/customers/{claire}/credit-limit")).status_code == 404
    limits = (await call(gateway, Principal("operator", producer_id), "GET",
                         f"{base}/credit-limits")).json()
    assert limits["credit_limit_cents"] is None
