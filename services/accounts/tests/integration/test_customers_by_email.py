"""The customers page carries each customer's address and, with `email=`, lists only those at
that address, case aside: on the real PostgreSQL, through the gateway's own route."""

import uuid

import httpx
from fastapi import FastAPI

from accounts.adapters.orm import SCHEMA
from accounts.domain.commands import RegisterCustomer
from accounts.entrypoints.api import router
from accounts.service_layer import handlers
from ardoise.auth import Principal, issue_token
from ardoise.db import make_engine, make_sessionmaker
from ardoise.gateway import install_error_handlers

SECRET = "a-test-secret-of-the-accounts-gateway-" + uuid.uuid4().hex


async def listed(servers, producer_id: str, **params) -> httpx.Response:
    """`GET …/customers` as the producer's operator, through the accounts router."""
    engine = make_engine(servers["ACCOUNTS_DATABASE_URL"], SCHEMA)
    app = FastAPI()
    app.state.jwt_secret, app.state.sessionmaker = SECRET, make_sessionmaker(engine)
    install_error_handlers(app)
    app.include_router(router)
    token = issue_token(SECRET, Principal("operator", producer_id))
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://accounts") as client:
            return await client.get(f"/v1/producers/{producer_id}/customers", params=params,
                                    headers={"Authorization": f"Bearer {token}"})
    finally:
        await engine.dispose()


async def test_customers_carry_their_address_and_are_found_by_it_case_aside(
        servers, new_uow, producer_id):
    for customer_id, name, email in (("c1", "Claire Martin", "Claire.Martin@Example.org"),
                                     ("c2", "Bruno Petit", "bruno@example.org"),
                                     ("c3", "Zoé Sans Adresse", None)):
        answer = await handlers.register_customer(
            RegisterCustomer(producer_id, customer_id, name, email), new_uow())
        assert answer["email"] == email

    everyone = (await listed(servers, producer_id)).json()
    assert {c["customer_id"]: c["email"] for c in everyone["customers"]} == {
        "c1": "Claire.Martin@Example.org", "c2": "bruno@example.org", "c3": None}

    found = await listed(servers, producer_id, email="claire.martin@EXAMPLE.org", limit=2)
    assert found.status_code == 200, found.text
    assert [(c["customer_id"], c["email"]) for c in found.json()["customers"]] == [
        ("c1", "Claire.Martin@Example.org")]
    assert found.json()["total"] == 1

    # exact: a part of an address, or another farm's customer, is no one
    assert (await listed(servers, producer_id, email="martin@example.org")).json()[
        "customers"] == []
    assert (await listed(servers, f"p-{uuid.uuid4().hex[:12]}",
                         email="bruno@example.org")).json()["customers"] == []
    assert (await listed(servers, producer_id, email="a\nb@example.org")).status_code == 422
