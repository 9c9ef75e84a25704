"""The weekly e-mail through a real SMTP server on loopback, from the real read model."""

import asyncio
import io
import uuid
from datetime import UTC, date, datetime, timedelta
from email.header import decode_header, make_header

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
from exports.service_layer.weekly import send_due_weeks, send_week

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


async def seed_week(sessions, producer_id: str, *days: date, time_zone: str = "Europe/Paris",
                    email: str = "compta@saules.example", tracking: bool = True) -> None:
    """The producer's exports settings, its payment settings (tracking on unless said, its
    time zone), and one sale a day."""
    events = [CustomerRegistered(producer_id=producer_id, customer_id="c1", name="Claire Martin"),
              PaymentSettingsChanged(
                  producer_id=producer_id, payment_tracking=tracking, accepted_modes=["cash"],
                  online_payment_required=False, time_zone=time_zone)]
    for day in days or (date(2026, 11, 27),):
        events.extend(sold(producer_id, day))
    await apply_events(sessions, "test", events)
    async with sessions() as session, session.begin():
        await session.execute(insert(producers).values(
            producer_id=producer_id, name="Ferme des Saules", email=email,
            created_at=datetime(2026, 11, 1, tzinfo=UTC)))


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
    # orders, sales, received for orders, received outside orders, total received, credit notes
    assert by_mode["Espèces"] == (1, 20, 25, 0, 25, 5)


async def test_without_payment_tracking_the_weeks_workbook_has_no_payment_column(
        sessions, smtp, producer_id):
    controller, inbox = smtp
    address = f"compta+{producer_id}@saules.example"
    await seed_week(sessions, producer_id, email=address, tracking=False)
    mailer = SmtpMailer("127.0.0.1", controller.port, "ardoise@localhost")
    assert (producer_id, LAST_WEEK) in await send_due_weeks(sessions, mailer, 6,
                                                            MONDAY_MORNING_IN_PARIS)
    [message] = [m for m in inbox.messages if m["To"] == address and LAST_WEEK in m["Subject"]]
    assert str(make_header(decode_header(message["Subject"]))) == f"Ventes — semaine {LAST_WEEK}"
    attachment = next(part for part in message.walk() if part.get_filename())
    book = openpyxl.load_workbook(io.BytesIO(attachment.get_payload(decode=True)))
    assert book.sheetnames == ["Ventes", "Commandes"]
    assert [c.value for c in book["Commandes"][4]] == ["Date", "Commande", "Client", "Total"]
    assert [c.value for c in book["Ventes"][5]] == ["Total", 1, 20]


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
    assert by_mode["Espèces"] == (3, 60, 75, 0, 75, 15)  # the 28th, the 31st and the 3rd; not the 27th or 4th


class Crashing(SmtpMailer):
    """Hands the message to the mail server, then the process dies before recording it sent."""

    async def send_workbook(self, *args, **kwargs):
        await super().send_workbook(*args, **kwargs)
        raise asyncio.CancelledError("killed after the mail server took the message")


async def test_a_crash_after_sending_sends_once_more_with_the_same_message_id_and_no_more(
        sessions, smtp, producer_id):
    controller, inbox = smtp
    address = f"compta+{producer_id}@saules.example"
    await seed_week(sessions, producer_id, email=address)
    crashing = Crashing("127.0.0.1", controller.port, "ardoise@localhost")
    with pytest.raises(asyncio.CancelledError):
        await send_week(sessions, crashing, producer_id, LAST_WEEK, again=False,
                        now=MONDAY_MORNING_IN_PARIS)
    mailer = SmtpMailer("127.0.0.1", controller.port, "ardoise@localhost")
    # while its claim holds, no other worker sends it
    assert (producer_id, LAST_WEEK) not in await send_due_weeks(
        sessions, mailer, 6, MONDAY_MORNING_IN_PARIS + timedelta(minutes=5))
    later = MONDAY_MORNING_IN_PARIS + timedelta(minutes=11)
    assert (producer_id, LAST_WEEK) in await send_due_weeks(sessions, mailer, 6, later)
    assert (producer_id, LAST_WEEK) not in await send_due_weeks(sessions, mailer, 6, later)
    mine = [m for m in inbox.messages if m["To"] == address and LAST_WEEK in m["Subject"]]
    assert len(mine) == 2 and mine[0]["Message-ID"] == mine[1]["Message-ID"]


async def test_two_workers_at_once_send_a_week_once(sessions, smtp, producer_id):
    controller, inbox = smtp
    address = f"compta+{producer_id}@saules.example"
    await seed_week(sessions, producer_id, email=address)
    mailer = SmtpMailer("127.0.0.1", controller.port, "ardoise@localhost")
    outcomes = await asyncio.gather(*(send_week(sessions, mailer, producer_id, LAST_WEEK,
                                                again=False, now=MONDAY_MORNING_IN_PARIS)
                                      for _ in range(4)))
    assert sum(o.sent for o in outcomes) == 1
    assert {o.reason for o in outcomes if not o.sent} <= {
        "being sent by another worker"} | {o.reason for o in outcomes
                                           if o.reason and o.reason.startswith("already sent")}
    assert len([m for m in inbox.messages if m["To"] == address]) == 1


async def test_weeks_missed_while_the_service_was_down_are_still_sent_oldest_first(
        sessions, smtp, producer_id):
    controller, inbox = smtp
    address = f"compta+{producer_id}@saules.example"
    await seed_week(sessions, producer_id, date(2026, 11, 4), date(2026, 11, 27),
                    email=address)  # its address given on 2026-11-01
    mailer = SmtpMailer("127.0.0.1", controller.port, "ardoise@localhost")
    three_weeks_later = datetime(2026, 12, 14, 7, 0, tzinfo=UTC)  # Monday 08:00 in Paris
    sent = [w for p, w in await send_due_weeks(sessions, mailer, 6, three_weeks_later)
            if p == producer_id]
    assert sent == ["2026-W45", "2026-W46", "2026-W47", "2026-W48", "2026-W49", "2026-W50"]
    assert len([m for m in inbox.messages if m["To"] == address]) == 6


async def test_a_send_that_does_not_go_says_why(sessions, smtp, producer_id):
    controller, _ = smtp
    await seed_week(sessions, producer_id)
    mailer = SmtpMailer("127.0.0.1", controller.port, "ardoise@localhost")
    assert (await send_week(sessions, mailer, producer_id, LAST_WEEK, again=False,
                            now=MONDAY_MORNING_IN_PARIS)).sent
    again = await send_week(sessions, mailer, producer_id, LAST_WEEK, again=False)
    assert not again.sent and again.reason.startswith("already sent on")
    nobody = SmtpMailer("127.0.0.1", free_port(), "ardoise@localhost", timeout_s=2)
    failed = await send_week(sessions, nobody, producer_id, LAST_WEEK, again=True)
    assert not failed.sent and failed.reason.startswith("the mail server did not take it")
