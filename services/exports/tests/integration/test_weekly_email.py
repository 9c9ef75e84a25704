"""The weekly e-mail through a real SMTP server on loopback, from the real read model."""

import io
import uuid
from datetime import UTC, date, datetime

import openpyxl
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from sqlalchemy.dialects.postgresql import insert

from ardoise.events import (
    CustomerRegistered,
    OrderPlaced,
    PaymentSettingsChanged,
    SettlementChanged,
)
from ardoise_tools.devservers.process import free_port
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


def sold(producer_id: str, day: date, paid_cents: int = 2500) -> list:
    """An order of 20,00 € delivered on `day`, settled in cash."""
    order_id = uuid.uuid4()
    return [
        OrderPlaced(producer_id=producer_id, order_id=order_id, customer_id="c1",
                    total_cents=2000, delivery_date=day),
        SettlementChanged(producer_id=producer_id, order_id=order_id, customer_id="c1", version=1,
                          total_cents=2000, delivery_date=day, mode="cash",
                          amount_paid_cents=paid_cents, credit_note_cents=paid_cents - 2000,
                          credit_note_number=1),
    ]


async def seed_week(sessions, producer_id: str, *days: date, time_zone: str | None = None,
                    email: str = "compta@saules.example") -> None:
    """The producer's exports settings, its time zone if named, and one sale a day."""
    events = [CustomerRegistered(producer_id=producer_id, customer_id="c1", name="Claire Martin")]
    if time_zone:
        events.append(PaymentSettingsChanged(
            producer_id=producer_id, payment_tracking=True, accepted_modes=["cash"],
            online_payment_required=False, time_zone=time_zone))
    for day in days or (date(2026, 11, 27),):
        events.extend(sold(producer_id, day))
    await apply_events(sessions, "test", events)
    async with sessions() as session, session.begin():
        await session.execute(insert(producers).values(
            producer_id=producer_id, name="Ferme des Saules", email=email))


def sales_rows(message) -> dict:
    attachment = next(part for part in message.walk() if part.get_filename())
    book = openpyxl.load_workbook(io.BytesIO(attachment.get_payload(decode=True)))
    rows = [r for r in book["Ventes par mode"].iter_rows(values_only=True) if r and r[0]]
    return attachment.get_filename(), {r[0]: r[1:] for r in rows}


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
    filename, by_mode = sales_rows(mine[-1])
    assert filename.endswith("2026-11-23_2026-11-29.xlsx")
    assert by_mode["Espèces"] == (1, 20, 25)


async def test_a_failed_send_is_recorded_and_not_counted_as_sent(sessions, producer_id):
    await seed_week(sessions, producer_id)
    nobody_listens = SmtpMailer("127.0.0.1", free_port(), "ardoise@localhost", timeout_s=2)
    assert (producer_id, LAST_WEEK) not in await send_due_weeks(
        sessions, nobody_listens, 6, MONDAY_MORNING_IN_PARIS)


async def test_the_week_is_due_on_monday_in_the_producers_own_time_zone(sessions, smtp,
                                                                        producer_id):
    """Sunday 20:00 UTC is still Sunday in Paris but already Monday 07:00 in Nouméa."""
    controller, inbox = smtp
    in_noumea = f"{producer_id}-nc"
    await seed_week(sessions, producer_id, time_zone="Europe/Paris")
    await seed_week(sessions, in_noumea, time_zone="Pacific/Noumea",
                    email="compta@noumea.example")
    mailer = SmtpMailer("127.0.0.1", controller.port, "ardoise@localhost")
    sunday_evening_utc = datetime(2026, 11, 29, 20, 0, tzinfo=UTC)
    sent = await send_due_weeks(sessions, mailer, 6, sunday_evening_utc)
    assert (in_noumea, LAST_WEEK) in sent
    assert (producer_id, LAST_WEEK) not in sent
    assert (producer_id, LAST_WEEK) in await send_due_weeks(sessions, mailer, 6,
                                                            MONDAY_MORNING_IN_PARIS)


async def test_the_week_over_new_year_holds_its_seven_days_across_the_two_years(
        sessions, smtp, producer_id):
    """2026-W53 runs from Monday 2026-12-28 to Sunday 2027-01-03; 2027-01-04 opens 2027-W01."""
    controller, inbox = smtp
    address = f"compta+{producer_id}@saules.example"
    await seed_week(sessions, producer_id, date(2026, 12, 27), date(2026, 12, 28),
                    date(2026, 12, 31), date(2027, 1, 3), date(2027, 1, 4),
                    time_zone="Europe/Paris", email=address)
    mailer = SmtpMailer("127.0.0.1", controller.port, "ardoise@localhost")
    sunday_late_in_paris = datetime(2027, 1, 3, 22, 30, tzinfo=UTC)  # 23:30 in Paris
    monday_morning_in_paris = datetime(2027, 1, 4, 5, 30, tzinfo=UTC)  # 06:30 in Paris
    assert (producer_id, "2026-W53") not in await send_due_weeks(sessions, mailer, 6,
                                                                 sunday_late_in_paris)
    assert (producer_id, "2026-W53") in await send_due_weeks(sessions, mailer, 6,
                                                             monday_morning_in_paris)
    sent = dict(sales_rows(m) for m in inbox.messages if m["To"] == address)
    [filename] = [name for name in sent if name.endswith("2026-12-28_2027-01-03.xlsx")]
    by_mode = sent[filename]
    assert by_mode["Espèces"] == (3, 60, 75)  # the 28th, the 31st and the 3rd; not the 27th or 4th
