"""The weekly e-mail through a real SMTP server on loopback, from the real read model."""

import io
import uuid
from datetime import UTC, date, datetime

import openpyxl
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from sqlalchemy.dialects.postgresql import insert

from ardoise.devservers.process import free_port
from ardoise.events import CustomerRegistered, OrderPlaced, SettlementChanged
from exports.adapters.mailer import SmtpMailer
from exports.adapters.orm import producers
from exports.service_layer.read_model import apply_events
from exports.service_layer.weekly import send_due_weeks

MONDAY_MORNING_IN_PARIS = datetime(2026, 11, 30, 6, 30, tzinfo=UTC)  # 07:30 in Paris
LAST_WEEK = "2026-W48"


class Inbox(Message):
    def __init__(self) -> None:
        super().__init__()
        self.messages = []

    def handle_message(self, message) -> None:
        self.messages.append(message)


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


async def seed_week(sessions, producer_id: str) -> None:
    order_id = uuid.uuid4()
    await apply_events(sessions, "test", [
        CustomerRegistered(producer_id=producer_id, customer_id="c1", name="Claire Martin"),
        OrderPlaced(producer_id=producer_id, order_id=order_id, customer_id="c1",
                    total_cents=2000, delivery_date=date(2026, 11, 27)),
        SettlementChanged(producer_id=producer_id, order_id=order_id, customer_id="c1", version=1,
                          total_cents=2000, delivery_date=date(2026, 11, 27), mode="cash",
                          amount_paid_cents=2500, credit_note_cents=500, credit_note_number=1),
    ])
    async with sessions() as session, session.begin():
        await session.execute(insert(producers).values(
            producer_id=producer_id, name="Ferme des Saules", email="compta@saules.example",
            time_zone="Europe/Paris"))


async def test_last_weeks_workbook_is_mailed_once_on_monday_morning(sessions, smtp, producer_id):
    controller, inbox = smtp
    await seed_week(sessions, producer_id)
    mailer = SmtpMailer("127.0.0.1", controller.port, "ardoise@localhost")
    sunday_night = datetime(2026, 11, 29, 22, 0, tzinfo=UTC)
    assert (producer_id, LAST_WEEK) not in await send_due_weeks(sessions, mailer, 6, sunday_night)
    sent = await send_due_weeks(sessions, mailer, 6, MONDAY_MORNING_IN_PARIS)
    assert (producer_id, LAST_WEEK) in sent
    assert (producer_id, LAST_WEEK) not in await send_due_weeks(sessions, mailer, 6,
                                                                MONDAY_MORNING_IN_PARIS)
    mine = [m for m in inbox.messages if m["To"] == "compta@saules.example"
            and LAST_WEEK in m["Subject"]]
    assert len(mine) >= 1
    message = mine[-1]
    attachment = next(part for part in message.walk() if part.get_filename())
    assert attachment.get_filename().endswith("2026-11-23_2026-11-29.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(attachment.get_payload(decode=True)))
    rows = [r for r in book["Ventes par mode"].iter_rows(values_only=True) if r and r[0]]
    cash = next(r for r in rows if r[0] == "Espèces")
    assert cash[1:] == (1, 20, 25)


async def test_a_failed_send_is_recorded_and_not_counted_as_sent(sessions, producer_id):
    await seed_week(sessions, producer_id)
    nobody_listens = SmtpMailer("127.0.0.1", free_port(), "ardoise@localhost", timeout_s=2)
    assert (producer_id, LAST_WEEK) not in await send_due_weeks(
        sessions, nobody_listens, 6, MONDAY_MORNING_IN_PARIS)
