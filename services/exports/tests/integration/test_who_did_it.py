"""Who did it (issue #23), on the real PostgreSQL through the exports routes: the read model keeps
who recorded each settlement and movement and the payments workbook shows it ("Saisi par"); the
weekly e-mail's settings keep who changed them; every export asked for is logged with who asked,
and the weekly e-mail sent by hand says who asked for it."""

import io
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from types import SimpleNamespace

import httpx
import openpyxl
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Sink
from fastapi import FastAPI

from ardoise.auth import Principal, issue_token
from ardoise.events import MovementRecorded, OrderPlaced, PaymentSettingsChanged, SettlementChanged
from ardoise.gateway import install_error_handlers
from ardoise_tools.devservers.process import free_port
from exports.adapters.mailer import SmtpMailer
from exports.entrypoints.api import router
from exports.service_layer.read_model import apply_events

SECRET = "a-test-secret-of-the-exports-gateway-" + uuid.uuid4().hex
LEA = "Léa Martin"
DAY = date(2026, 11, 25)


@pytest.fixture
async def lea(sessions, producer_id) -> AsyncIterator[httpx.AsyncClient]:
    """Léa Martin, an operator of the producer, calling the exports routes (mail to a sink)."""
    controller = Controller(Sink(), hostname="127.0.0.1", port=free_port())
    controller.start()
    app = FastAPI()
    app.state.jwt_secret, app.state.sessionmaker = SECRET, sessions
    app.state.settings = SimpleNamespace(weekly_send_hour=6)
    app.state.mailer = SmtpMailer("127.0.0.1", controller.port, "ardoise@localhost")
    install_error_handlers(app)
    app.include_router(router)
    token = issue_token(SECRET, Principal("operator", producer_id, person="op-1", name=LEA))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://exports",
                                 headers={"Authorization": f"Bearer {token}"}) as client:
        yield client
    controller.stop()


async def sold_and_settled(sessions, producer_id: str, actor: str | None) -> str:
    order_id = uuid.uuid4()
    await apply_events(sessions, "test", [
        OrderPlaced(producer_id=producer_id, order_id=order_id, customer_id="c1",
                    total_cents=2000, delivery_date=DAY),
        SettlementChanged(producer_id=producer_id, order_id=order_id, customer_id="c1",
                          version=1, total_cents=2000, delivery_date=DAY, mode="cash",
                          amount_paid_cents=2000, actor=actor)])
    return str(order_id)


async def test_the_payments_workbook_says_who_recorded_each_settlement_and_movement(
        sessions, lea, producer_id):
    await apply_events(sessions, "test", [PaymentSettingsChanged(
        producer_id=producer_id, payment_tracking=True, accepted_modes=["cash"],
        online_payment_required=False)])
    by_lea = await sold_and_settled(sessions, producer_id, LEA)
    by_no_one = await sold_and_settled(sessions, producer_id, None)
    top_up = MovementRecorded(producer_id=producer_id, customer_id="c1",
                              movement_id=uuid.uuid4(), at=datetime(2026, 11, 25, 9, tzinfo=UTC),
                              amount_cents=1000, mode="cash", label="Recharge", actor=LEA)
    await apply_events(sessions, "test", [top_up])
    answer = await lea.post(f"/v1/producers/{producer_id}/exports/payments.xlsx", json={
        "order_ids": [by_lea, by_no_one], "movement_ids": [str(top_up.movement_id)]})
    assert answer.status_code == 200, answer.text
    book = openpyxl.load_workbook(io.BytesIO(answer.content))
    orders = {row[1]: row[7] for row in book["Paiements reçus"].iter_rows(
        min_row=4, max_row=5, values_only=True)}
    assert orders == {by_lea: LEA, by_no_one: None}
    assert [row[6] for row in book["Mouvements de compte"].iter_rows(
        min_row=4, values_only=True)] == [LEA]
    [logged] = (await lea.get(f"/v1/producers/{producer_id}/exports/weekly-email")).json()[
        "requests"]
    assert (logged["kind"], logged["asked_by"], logged["detail"]) == (
        "payments.xlsx", LEA, {"orders": 2, "movements": 1})


async def test_the_weekly_emails_settings_and_a_sending_by_hand_say_who(
        sessions, lea, producer_id):
    path = f"/v1/producers/{producer_id}/exports"
    put = await lea.put(f"{path}/settings",
                        json={"name": "Ferme des Saules", "email": "compta@saules.example"})
    assert put.status_code == 200, put.text
    got = (await lea.get(f"{path}/settings")).json()
    assert got == put.json() and got["changed_by"] == LEA and got["changed_at"]
    sent = await lea.post(f"{path}/weekly-email", params={"week": "2026-W48"})
    assert sent.json()["sent"] is True, sent.text
    [week] = (await lea.get(f"{path}/weekly-email")).json()["weeks"]
    assert (week["week"], week["status"], week["asked_by"]) == ("2026-W48", "sent", LEA)
    logged = (await lea.get(f"{path}/weekly-email")).json()["requests"][0]
    assert (logged["kind"], logged["asked_by"], logged["detail"]) == (
        "weekly-email", LEA, {"week": "2026-W48", "sent": True})
