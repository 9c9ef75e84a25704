"""`?at=` and the balances workbook through the gateway's own routes on the real PostgreSQL: a
date without a zone is the producer's wall-clock time, in the zone its payment settings named;
the workbook read back with openpyxl holds what the page says; only the operator gets them."""

import uuid
from datetime import UTC, datetime
from io import BytesIO

import httpx
from fastapi import FastAPI
from openpyxl import load_workbook

from accounts.adapters.orm import SCHEMA
from accounts.domain import Account
from accounts.domain.commands import SetPaymentTracking
from accounts.entrypoints.api import router
from accounts.entrypoints.balances_api import router as balances_router
from accounts.service_layer import handlers
from accounts.service_layer.unit_of_work import SqlAccountsUnitOfWork
from ardoise.auth import Principal, issue_token
from ardoise.db import make_engine, make_read_sessionmaker, make_sessionmaker
from ardoise.gateway import install_error_handlers

SECRET = "a-test-secret-of-the-accounts-gateway-" + uuid.uuid4().hex
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Martinique is UTC-4 all year: 31 December 23:59 there is 1 January 03:59 UTC
TOP_UP_AT = datetime(2026, 1, 1, 3, 30, tzinfo=UTC)   # 31/12 23:30 in Martinique
DEBIT_AT = datetime(2026, 1, 1, 4, 30, tzinfo=UTC)    # 01/01 00:30 in Martinique


async def gateway(servers):
    engine = make_engine(servers["ACCOUNTS_DATABASE_URL"], SCHEMA)
    app = FastAPI()
    app.state.jwt_secret = SECRET
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.reads = make_read_sessionmaker(engine)
    install_error_handlers(app)
    app.include_router(router)
    app.include_router(balances_router)
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://a")
    return engine, client


def as_(principal: Principal) -> dict:
    return {"Authorization": f"Bearer {issue_token(SECRET, principal)}"}


async def farm_in_martinique(new_uow, sessions) -> str:
    """A producer in America/Martinique: Amélie topped up 50 € before midnight there and was
    debited 80 € after it; Bruno never moved."""
    producer = f"p-{uuid.uuid4().hex[:12]}"
    await handlers.set_payment_tracking(
        SetPaymentTracking(event_id=uuid.uuid4(), producer_id=producer, payment_tracking=True,
                           time_zone="America/Martinique"), new_uow(), "tests")
    async with SqlAccountsUnitOfWork(sessions) as uow:
        amelie = Account.open(producer, "amelie", "Amélie Martin", "amelie@example.org")
        bruno = Account.open(producer, "bruno", "Bruno Petit", None)
        for account in (amelie, bruno):
            await uow.accounts.register(account)
        amelie.record("credit", 5000, None, "transfer", TOP_UP_AT)
        amelie.record("debit", 8000, None, None, DEBIT_AT)
        await uow.accounts.save_many([amelie, bruno])
        await uow.commit()
    return producer


async def test_a_date_without_a_zone_is_the_end_of_that_day_where_the_producer_is(
        servers, new_uow):
    engine, client = await gateway(servers)
    try:
        producer = await farm_in_martinique(new_uow, make_sessionmaker(engine))
        operator = as_(Principal("operator", producer))
        year_end = await client.get(f"/v1/producers/{producer}/customers",
                                    params={"at": "2025-12-31", "sort": "name"},
                                    headers=operator)
        assert year_end.status_code == 200, year_end.text
        page = year_end.json()
        assert page["at"] == "2026-01-01T03:59:59.999999Z"
        assert page["time_zone"] == "America/Martinique"
        assert [(r["customer_id"], r["balance_cents"], r["held_cents"], r["available_cents"])
                for r in page["customers"]] == [("amelie", 5000, None, None),
                                                ("bruno", 0, None, None)]
        in_paris = await client.get(f"/v1/producers/{producer}/customers",
                                    params={"at": "2025-12-31T23:59+01:00"}, headers=operator)
        assert [r["balance_cents"] for r in in_paris.json()["customers"]] == [0, 0]
        owed = await client.get(f"/v1/producers/{producer}/customers",
                                params={"at": "2026-01-01", "in_debt": "true"},
                                headers=operator)
        assert [(r["customer_id"], r["balance_cents"]) for r in owed.json()["customers"]] == [
            ("amelie", -3000)]
        nobody_owed = await client.get(f"/v1/producers/{producer}/customers",
                                       params={"at": "2025-12-31", "in_debt": "true"},
                                       headers=operator)
        assert nobody_owed.json() == {"at": "2026-01-01T03:59:59.999999Z",
                                      "time_zone": "America/Martinique", "customers": [],
                                      "total": 0, "payment_tracking": True}
        account = await client.get(f"/v1/producers/{producer}/customers/amelie/account",
                                   params={"at": "2025-12-31T23:59"}, headers=operator)
        body = account.json()
        assert (body["balance_cents"], body["held_cents"], body["at"]) == (
            5000, None, "2026-01-01T03:59:59.999999Z")
        assert [m["amount_cents"] for m in body["movements"]] == [5000]
        today = await client.get(f"/v1/producers/{producer}/customers/amelie/account",
                                 headers=operator)
        assert (today.json()["balance_cents"], today.json()["held_cents"]) == (-3000, 0)
    finally:
        await client.aclose()
        await engine.dispose()


async def test_the_customer_reads_its_own_account_at_a_date_and_nothing_else(servers, new_uow):
    engine, client = await gateway(servers)
    try:
        producer = await farm_in_martinique(new_uow, make_sessionmaker(engine))
        amelie = as_(Principal("customer", producer, "amelie"))
        mine = await client.get("/v1/me/account", params={"at": "2026-01-01T00:00"},
                                headers=amelie)
        assert mine.status_code == 200 and mine.json()["balance_cents"] == 5000
        for path in (f"/v1/producers/{producer}/customers",
                     f"/v1/producers/{producer}/customers/balances.xlsx"):
            refused = await client.get(path, params={"at": "2026-01-01"}, headers=amelie)
            assert refused.status_code == 403
        bruno = await client.get(f"/v1/producers/{producer}/customers/amelie/account",
                                 params={"at": "2026-01-01"},
                                 headers=as_(Principal("customer", producer, "bruno")))
        assert bruno.status_code == 404
        stranger = as_(Principal("operator", f"p-{uuid.uuid4().hex[:12]}"))
        for path in (f"/v1/producers/{producer}/customers",
                     f"/v1/producers/{producer}/customers/amelie/account",
                     f"/v1/producers/{producer}/customers/balances.xlsx"):
            answer = await client.get(path, params={"at": "2026-01-01"}, headers=stranger)
            assert answer.status_code == 404 and "Amélie" not in answer.text
    finally:
        await client.aclose()
        await engine.dispose()


async def test_bad_dates_are_refused_naming_the_field(servers, new_uow):
    engine, client = await gateway(servers)
    try:
        producer = await farm_in_martinique(new_uow, make_sessionmaker(engine))
        operator = as_(Principal("operator", producer))
        for at in ("2025-02-30", "31/12/2025", "2025-12-31T23:59+24:00"):
            for path in ("customers", "customers/amelie/account", "customers/balances.xlsx"):
                answer = await client.get(f"/v1/producers/{producer}/{path}",
                                          params={"at": at}, headers=operator)
                assert answer.status_code == 422, (at, path, answer.text)
                assert answer.json()["detail"][0]["loc"][:2] == ["query", "at"]
        unknown = await client.get(f"/v1/producers/{producer}/customers/nobody/account",
                                   params={"at": "2025-12-31"}, headers=operator)
        assert unknown.status_code == 404
    finally:
        await client.aclose()
        await engine.dispose()


async def test_the_workbook_read_back_holds_every_balance_at_the_date(servers, new_uow):
    engine, client = await gateway(servers)
    try:
        producer = await farm_in_martinique(new_uow, make_sessionmaker(engine))
        answer = await client.get(f"/v1/producers/{producer}/customers/balances.xlsx",
                                  params={"at": "2026-01-01T01:00"},
                                  headers=as_(Principal("operator", producer)))
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == XLSX
        assert f'filename="soldes-clients_{producer}_2026-01-01.xlsx"' in answer.headers[
            "content-disposition"]
        sheet = load_workbook(BytesIO(answer.content))["Soldes"]
        lines = [tuple(cell.value for cell in line) for line in sheet.iter_rows()]
        assert lines[0][0] == "Soldes des comptes clients au 01/01/2026 01:00:59"
        assert lines[4] == ("Amélie Martin", "amelie", "amelie@example.org", -30,
                            datetime(2026, 1, 1, 0, 30))
        assert lines[5] == ("Bruno Petit", "bruno", None, 0, None)
        totals = {line[0]: line[3] for line in lines[7:] if line[0]}
        assert totals == {"Total des soldes": -30,
                          "Dont soldes débiteurs (dus par les clients)": -30,
                          "Dont soldes créditeurs (avances des clients)": 0, "Clients": 2}
    finally:
        await client.aclose()
        await engine.dispose()
