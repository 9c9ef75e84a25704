"""The invoices the read model keeps, once per number, and their workbook through the gateway's
own route, on the real PostgreSQL."""

import io
import uuid
from datetime import UTC, date, datetime

import httpx
import openpyxl
from fastapi import FastAPI
from sqlalchemy import func, select

from ardoise.auth import Principal, issue_token
from ardoise.events import InvoiceIssued, VatAmounts
from ardoise.gateway import install_error_handlers
from exports.adapters.orm import invoices
from exports.adapters.repository import ExportsRepository
from exports.entrypoints.api import router
from exports.service_layer.read_model import apply_events

SECRET = "a-test-secret-of-the-exports-gateway-" + uuid.uuid4().hex


def issued(producer_id: str, number: str, issue_date: date, total_cents: int = 2000,
           corrects: str | None = None, issued_at: datetime | None = None) -> InvoiceIssued:
    """A basket at 5,5 %: 20,00 € is 18,96 € HT and 1,04 € of VAT (negated for an avoir)."""
    base_cents = 1896 if total_cents > 0 else -1896
    return InvoiceIssued(
        producer_id=producer_id, order_id=uuid.uuid4(), customer_id="c-0042",
        customer_name="Élise Martin", number=number,
        kind="credit_invoice" if corrects else "invoice",
        issued_at=issued_at or datetime.combine(issue_date, datetime.min.time(), UTC),
        issue_date=issue_date, corrects=corrects, total_ht_cents=base_cents,
        total_vat_cents=total_cents - base_cents, total_cents=total_cents,
        vat=[VatAmounts(rate="5.5", base_cents=base_cents, vat_cents=total_cents - base_cents,
                        total_cents=total_cents)])


async def kept(sessions, producer_id: str, period_from=date(2000, 1, 1),
               period_to=date(2100, 1, 1)) -> list:
    async with sessions() as session:
        return await ExportsRepository(session).invoices(producer_id, period_from, period_to)


async def workbook_answer(sessions, producer_id: str, principal: Principal,
                          **params) -> httpx.Response:
    """`GET …/exports/invoices.xlsx` through the exports router, as `principal`."""
    app = FastAPI()
    app.state.jwt_secret, app.state.sessionmaker = SECRET, sessions
    install_error_handlers(app)
    app.include_router(router)
    token = issue_token(SECRET, principal)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://exports") as client:
        return await client.get(f"/v1/producers/{producer_id}/exports/invoices.xlsx",
                                params=params, headers={"Authorization": f"Bearer {token}"})


async def test_an_invoice_delivered_twice_or_published_again_is_kept_once(sessions, producer_id):
    invoice = issued(producer_id, "F000001", date(2026, 12, 1))
    await apply_events(sessions, "test-a", [invoice, invoice])
    await apply_events(sessions, "test-a", [invoice])
    # the same number in an event of its own (the orders outbox publishing it again): no row
    again = invoice.model_copy(update={"event_id": uuid.uuid4(), "total_cents": 9999})
    await apply_events(sessions, "test-b", [again])
    async with sessions() as session:
        assert (await session.execute(select(func.count()).select_from(invoices).where(
            invoices.c.producer_id == producer_id))).scalar_one() == 1
    [row] = await kept(sessions, producer_id)
    assert (row.number, row.kind, row.customer_name, row.order_id) == (
        "F000001", "invoice", "Élise Martin", str(invoice.order_id))
    assert (row.total_ht_cents, row.total_vat_cents, row.total_cents) == (1896, 104, 2000)
    assert {rate: (a.base_cents, a.vat_cents, a.total_cents) for rate, a in row.vat.items()} \
        == {"5.5": (1896, 104, 2000)}


async def test_the_period_is_of_issue_dates_invoices_first_then_avoirs_in_number_order(
        sessions, producer_id):
    # issued at 23:30 UTC on 30 November: already 1 December at the farm, so in December
    late_evening = issued(producer_id, "F000002", date(2026, 12, 1),
                          issued_at=datetime(2026, 11, 30, 23, 30, tzinfo=UTC))
    events = [issued(producer_id, "F000001", date(2026, 11, 30)), late_evening,
              issued(producer_id, "FA000001", date(2026, 12, 31), -2000, corrects="F000002"),
              issued(producer_id, "F000010", date(2026, 12, 15)),
              issued(producer_id, "F000011", date(2027, 1, 1))]
    await apply_events(sessions, "test", events[::-1])
    december = await kept(sessions, producer_id, date(2026, 12, 1), date(2026, 12, 31))
    assert [(row.number, row.corrects) for row in december] == [
        ("F000002", None), ("F000010", None), ("FA000001", "F000002")]


async def test_the_workbook_lists_the_operators_own_invoices_only(sessions, producer_id):
    other = f"p-{uuid.uuid4().hex[:12]}"
    await apply_events(sessions, "test", [
        issued(producer_id, "F000001", date(2026, 12, 2)),
        issued(producer_id, "FA000001", date(2026, 12, 3), -2000, corrects="F000001"),
        issued(other, "F000001", date(2026, 12, 2), 5000), issued(other, "F000002",
                                                                  date(2026, 12, 4))])
    answer = await workbook_answer(sessions, producer_id, Principal("operator", producer_id),
                                   **{"from": "2026-12-01", "to": "2026-12-31"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-disposition"] == \
        'attachment; filename="factures-2026-12-01-2026-12-31.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(answer.content))
    sheet = book["Factures"]
    assert [sheet.cell(row, 1).value for row in range(5, 9)] == [
        "F000001", "FA000001", None, "Total"]
    assert [sheet.cell(8, column).value for column in range(7, 12)] == [0, 0, 0, 0, 0]
    assert [[cell.value for cell in row] for row in book["TVA"].iter_rows(min_row=5)] == [
        ["5,5 %", 0, 0, 0], ["Total", 0, 0, 0]]


async def test_only_the_producers_operator_gets_the_workbook_of_a_year_at_most(
        sessions, producer_id):
    december = {"from": "2026-12-01", "to": "2026-12-31"}
    stranger = await workbook_answer(sessions, producer_id,
                                     Principal("operator", f"p-{uuid.uuid4().hex[:12]}"),
                                     **december)
    assert stranger.status_code == 404
    customer = await workbook_answer(sessions, producer_id,
                                     Principal("customer", producer_id, "c-0042"), **december)
    assert customer.status_code == 403
    operator = Principal("operator", producer_id)
    too_long = await workbook_answer(sessions, producer_id, operator,
                                     **{"from": "2026-01-01", "to": "2027-01-02"})
    assert too_long.status_code == 422
    assert too_long.json()["detail"][0]["loc"] == ["body", "to"]
    backwards = await workbook_answer(sessions, producer_id, operator,
                                      **{"from": "2026-12-31", "to": "2026-12-01"})
    assert backwards.status_code == 422
    leap_year = await workbook_answer(sessions, producer_id, operator,
                                      **{"from": "2028-01-01", "to": "2028-12-31"})
    assert leap_year.status_code == 200
