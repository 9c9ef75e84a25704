"""A customer's address, and a business's SIREN and VAT number, set by the producer's PUT and read
back in the account page (where the orders service reads them to print invoices): on the real
PostgreSQL, through the gateway's own routes."""

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
import sqlalchemy
from fastapi import FastAPI

from accounts.adapters.orm import SCHEMA
from accounts.entrypoints.api import router
from ardoise.auth import Principal, issue_token
from ardoise.db import make_engine, make_sessionmaker
from ardoise.gateway import install_error_handlers

SECRET = "a-test-secret-of-the-accounts-gateway-" + uuid.uuid4().hex
TILLEUL = {"name": "Restaurant Le Tilleul", "email": "achats@tilleul.fr",
           "address": "Restaurant Le Tilleul\n3 place du Marché\n49000 Angers",
           "professional": True, "siren": "732 829 320", "vat_number": "FR 44 732 829 320"}
IDENTITY = ("address", "professional", "siren", "vat_number")


@pytest.fixture
async def gateway(servers, new_uow) -> AsyncIterator[FastAPI]:
    engine = make_engine(servers["ACCOUNTS_DATABASE_URL"], SCHEMA)
    app = FastAPI()
    app.state.jwt_secret, app.state.sessionmaker = SECRET, make_sessionmaker(engine)
    app.state.uow_factory = new_uow
    install_error_handlers(app)
    app.include_router(router)
    yield app
    await engine.dispose()


async def call(app: FastAPI, principal: Principal, method: str, path: str,
               **kwargs) -> httpx.Response:
    token = issue_token(SECRET, principal)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://accounts") as client:
        return await client.request(method, path, headers={"Authorization": f"Bearer {token}"},
                                    **kwargs)


def identity(answer: dict) -> tuple:
    return tuple(answer[key] for key in IDENTITY)


async def test_a_business_put_with_its_identity_is_read_back_in_its_account_page(
        gateway, producer_id):
    operator = Principal("operator", producer_id)
    path = f"/v1/producers/{producer_id}/customers/c-tilleul"
    put = await call(gateway, operator, "PUT", path, json=TILLEUL)
    assert put.status_code == 200, put.text
    kept = ("Restaurant Le Tilleul\n3 place du Marché\n49000 Angers", True, "732829320",
            "FR44732829320")
    assert identity(put.json()) == kept

    account = await call(gateway, operator, "GET", f"{path}/account")
    assert account.status_code == 200 and identity(account.json()) == kept
    mine = await call(gateway, Principal("customer", producer_id, "c-tilleul"), "GET",
                      "/v1/me/account")
    assert mine.status_code == 200 and identity(mine.json()) == kept
    # the customers page lists balances, not identities
    listed = (await call(gateway, operator, "GET", f"/v1/producers/{producer_id}/customers"))
    assert not set(IDENTITY) & set(listed.json()["customers"][0])


async def test_a_consumer_has_no_identity_but_what_was_set_and_nulls_say_so(gateway, producer_id):
    operator = Principal("operator", producer_id)
    path = f"/v1/producers/{producer_id}/customers/c1"
    assert (await call(gateway, operator, "PUT", path,
                       json={"name": "Élise Martin"})).status_code == 200
    assert identity((await call(gateway, operator, "GET", f"{path}/account")).json()) == (
        None, False, None, None)
    await call(gateway, operator, "PUT", path, json={"name": "Élise Martin",
                                                     "address": "8 rue Haute\n49000 Angers"})
    assert identity((await call(gateway, operator, "GET", f"{path}/account")).json()) == (
        "8 rue Haute\n49000 Angers", False, None, None)


@pytest.mark.parametrize(("change", "field"), [
    ({"siren": None}, "siren"),                     # a business needs its SIREN
    ({"siren": "732829321"}, "siren"),              # wrong check digit
    ({"vat_number": "FR45732829320"}, "vat_number"),
    ({"vat_number": "FR83404833048"}, "vat_number"),  # another company's
    ({"professional": False}, "siren"),             # a consumer has none
    ({"professional": "true"}, "professional"),
    ({"address": "\n".join(["ligne"] * 6)}, "address"),
    ({"address": "3 place du Marché\r\n49000 Angers"}, "address"),
    ({"address": "x" * 301}, "address"),
])
async def test_what_no_invoice_could_name_is_a_422_naming_the_field_that_changes_nothing(
        gateway, producer_id, change, field):
    operator = Principal("operator", producer_id)
    path = f"/v1/producers/{producer_id}/customers/c-tilleul"
    assert (await call(gateway, operator, "PUT", path, json=TILLEUL)).status_code == 200
    before = (await call(gateway, operator, "GET", f"{path}/account")).json()

    refused = await call(gateway, operator, "PUT", path,
                         json={**TILLEUL, "name": "Autre nom", **change})
    assert refused.status_code == 422, refused.text
    assert [error["loc"] for error in refused.json()["detail"]] == [["body", field]]
    assert (await call(gateway, operator, "GET", f"{path}/account")).json() == before


async def test_a_business_put_again_without_its_identity_becomes_a_consumer_without_address(
        gateway, producer_id):
    operator = Principal("operator", producer_id)
    path = f"/v1/producers/{producer_id}/customers/c-tilleul"
    await call(gateway, operator, "PUT", path, json=TILLEUL)
    again = await call(gateway, operator, "PUT", path, json={"name": "Restaurant Le Tilleul",
                                                             "email": "achats@tilleul.fr"})
    assert again.status_code == 200, again.text
    assert identity(again.json()) == (None, False, None, None)
    account = (await call(gateway, operator, "GET", f"{path}/account")).json()
    assert identity(account) == (None, False, None, None)
    assert account["email"] == "achats@tilleul.fr"


async def test_the_table_itself_refuses_a_business_without_siren(servers, producer_id, gateway):
    await call(gateway, Principal("operator", producer_id), "PUT",
               f"/v1/producers/{producer_id}/customers/c1", json={"name": "Élise Martin"})
    engine = make_engine(servers["ACCOUNTS_DATABASE_URL"], SCHEMA)
    try:
        with pytest.raises(sqlalchemy.exc.IntegrityError, match="professional_has_siren"):
            async with engine.begin() as connection:
                await connection.execute(sqlalchemy.text(
                    "UPDATE accounts.accounts SET professional = true "
                    "WHERE producer_id = :p AND customer_id = 'c1'"), {"p": producer_id})
    finally:
        await engine.dispose()
