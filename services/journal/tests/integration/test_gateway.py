"""The journal's routes on the real PostgreSQL: settings, verify, entries and closings read
back, the FEC and a closed month's signed archive handed out, each recorded in the technical
log; the producer's own data only."""

import csv
import io
import uuid
from datetime import date, timedelta
from types import SimpleNamespace

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from ardoise.auth import Principal, issue_token
from ardoise.gateway import install_error_handlers
from journal.adapters.repository import JournalRepository
from journal.domain.archive_check import verify_archive
from journal.entrypoints.api import router
from journal.service_layer.closing import close_producer
from journal.service_layer.recording import record_events

from ..unit.fec_rules import check_fec
from .events import at, invoice, moved, settled

SECRET = "a-test-secret-of-the-journal-gateway-" + uuid.uuid4().hex
SIGNING = "a-signing-secret-for-the-journal-tests-" + uuid.uuid4().hex
DAY = date(2026, 1, 20)


@pytest.fixture
async def client(sessions, reads, producer_id):
    app = FastAPI()
    app.state.jwt_secret, app.state.sessionmaker, app.state.reads = SECRET, sessions, reads
    app.state.settings = SimpleNamespace(signing_secret=SecretStr(SIGNING))
    install_error_handlers(app)
    app.include_router(router)
    token = issue_token(SECRET, Principal("operator", producer_id, person="op-1",
                                          name="Léa Martin"))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url=f"http://journal/v1/producers/{producer_id}/journal",
                                 headers={"Authorization": f"Bearer {token}"}) as http:
        yield http


async def a_month_of_sales(sessions, producer_id: str) -> None:
    async with sessions() as session, session.begin():
        await JournalRepository(session).save_settings(producer_id, siren="732829320",
                                                       legal_name="Ferme des Tilleuls")
    paid, unpaid = uuid.uuid4(), uuid.uuid4()
    await record_events(sessions, "test", [
        invoice(producer_id, paid, "F000001", DAY, total=2000),
        settled(producer_id, paid, 1, DAY, total=2000, mode="cash"),
        invoice(producer_id, unpaid, "F000002", DAY + timedelta(days=1), total=1500),
        moved(producer_id, DAY + timedelta(days=2), 1000, mode="transfer"),
    ])
    await close_producer(sessions, producer_id, at(date(2026, 2, 2)))


async def test_the_fec_of_the_fiscal_year_follows_every_structural_rule(client, sessions,
                                                                     producer_id):
    missing = await client.get("/fec", params={"year": 2026})
    assert missing.status_code == 422, missing.text
    assert missing.json()["detail"][0]["loc"][-1] == "invoicing.siret"
    await a_month_of_sales(sessions, producer_id)
    answer = await client.get("/fec", params={"year": 2026})
    assert answer.status_code == 200
    assert 'filename="732829320FEC20261231.txt"' in answer.headers["content-disposition"]
    text = answer.content.decode("utf-8")
    assert check_fec(text, "standard") == []
    rows = list(csv.reader(io.StringIO(text), delimiter="\t"))
    assert len(rows[0]) == 18 and rows[0][0] == "JournalCode"
    lettered = {row[13] for row in rows[1:] if row[4].startswith("411") and row[13]}
    assert len(lettered) == 1  # the paid order's sale and payment; the unpaid one stays open
    events = (await client.get("/technical-events")).json()["events"]
    assert any(e["kind"] == "export" and e["content"]["file"] == "732829320FEC20261231.txt"
               for e in events)


async def test_the_cash_basis_variant_has_21_columns(client, sessions, producer_id):
    await a_month_of_sales(sessions, producer_id)
    assert (await client.put("/settings", json={"fec_variant": "cash_basis"})).status_code == 200
    text = (await client.get("/fec", params={"year": 2026})).content.decode()
    assert check_fec(text, "cash_basis") == []
    assert text.splitlines()[0].split("\t")[-3:] == ["DateRglt", "ModeRglt", "NatOp"]


async def test_a_closed_month_s_archive_verifies_offline_with_the_producer_s_key(
        client, sessions, producer_id):
    await a_month_of_sales(sessions, producer_id)
    assert (await client.get("/archives/month/2026-02-01")).status_code == 409  # not over yet
    assert (await client.get("/archives/month/2026-01-15")).status_code == 422
    answer = await client.get("/archives/month/2026-01-01")
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/zip"
    key = (await client.get("/public-key")).json()
    report = verify_archive(answer.content, key["public_key"])
    assert report.valid, report.problems
    assert report.entries == 5  # 2 invoices, a settlement, its payment, a transfer
    tampered = bytearray(answer.content)
    at_fec = bytes(tampered).find(b"FEC")
    assert not verify_archive(bytes(tampered[:at_fec]) + b"X" + bytes(tampered[at_fec + 1:]),
                              key["public_key"]).valid


async def test_verify_answers_and_is_recorded(client, sessions, producer_id):
    await a_month_of_sales(sessions, producer_id)
    found = (await client.get("/verify")).json()
    assert found["valid"] and found["chains"]["entries"]["count"] == 5
    assert found["chains"]["closings"]["count"] > 0
    events = (await client.get("/technical-events")).json()["events"]
    assert events[-1]["kind"] == "verification" and events[-1]["content"]["valid"] is True
    assert [e["kind"] for e in events].count("closing") == found["chains"]["closings"]["count"]


async def test_entries_closings_and_daily_totals_read_back(client, sessions, producer_id):
    await a_month_of_sales(sessions, producer_id)
    page = (await client.get("/entries", params={"limit": 2})).json()
    assert [e["seq"] for e in page["entries"]] == [1, 2] and page["next_after"] == 2
    rest = (await client.get("/entries", params={"after": 2})).json()
    assert [e["seq"] for e in rest["entries"]] == [3, 4, 5] and rest["next_after"] is None
    months = (await client.get("/closings", params={"period": "month"})).json()["closings"]
    assert [(c["start"], c["content"]["sales"]["total_cents"]) for c in months] == [
        ("2026-01-01", 3500)]
    days = (await client.get("/daily-totals", params={"from": "2026-01-01",
                                                       "to": "2026-01-31"})).json()["days"]
    assert [(d["day"], d["sales"], d["total_cents"]) for d in days] == [
        ("2026-01-20", 1, 2000), ("2026-01-21", 1, 1500)]
    text = (await client.get("/daily-totals", params={"from": "2026-01-01", "to": "2026-01-31",
                                                       "format": "csv"})).text
    assert text.splitlines()[1].startswith("2026-01-20;1;0;")


async def test_settings_are_checked_and_the_fiscal_year_is_fixed_once_closed(client, sessions,
                                                                          producer_id):
    bad = await client.put("/settings", json={"chart": {"cash": {"number": "411000",
                                                                 "label": "Caisse"}}})
    assert bad.status_code == 422
    good = await client.put("/settings", json={"fiscal_year_start": "07-01", "chart": {
        "cash": {"number": "531000", "label": "Caisse marché"}}})
    assert good.status_code == 200 and good.json()["chart"]["cash"]["number"] == "531000"
    assert good.json()["chart"]["customers"]["number"].startswith("411")
    await a_month_of_sales(sessions, producer_id)
    assert (await client.put("/settings", json={"fiscal_year_start": "01-01"})).status_code == 409


async def test_a_settings_change_keeps_who_made_it_not_what_the_events_tell(
        client, sessions, producer_id):
    before = (await client.get("/settings")).json()
    assert (before["changed_by"], before["changed_at"]) == (None, None)
    async with sessions() as session, session.begin():  # as the invoicing identity's event does
        await JournalRepository(session).save_settings(producer_id, siren="732829320")
    assert (await client.get("/settings")).json()["changed_by"] is None
    put = (await client.put("/settings", json={"fec_variant": "cash_basis"})).json()
    assert put["changed_by"] == "Léa Martin" and put["changed_at"] is not None
    assert (await client.get("/settings")).json() == put


async def test_a_customer_or_another_producer_reads_nothing(sessions, producer_id):
    app = FastAPI()
    app.state.jwt_secret, app.state.sessionmaker, app.state.reads = SECRET, sessions, sessions
    app.state.settings = SimpleNamespace(signing_secret=SecretStr(SIGNING))
    install_error_handlers(app)
    app.include_router(router)
    for principal, refused in ((Principal("customer", producer_id, "c-1"), 403),
                               (Principal("operator", "p-someone-else"), 404)):
        token = issue_token(SECRET, principal)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://journal") as http:
            for path in ("verify", "entries", "closings", "fec?year=2026", "public-key"):
                answer = await http.get(f"/v1/producers/{producer_id}/journal/{path}",
                                        headers={"Authorization": f"Bearer {token}"})
                assert answer.status_code == refused, (principal, path)
