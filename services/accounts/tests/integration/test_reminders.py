"""Reminders of debts on the real PostgreSQL through a real SMTP server on loopback (aiosmtpd):
once per period with senders racing and restarting, not for a debt paid while the reminder is
written, a refused address recorded and left alone until it changes."""

import asyncio
import random
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.header import decode_header, make_header
from functools import partial

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message as MessageHandler
from sqlalchemy import text

from accounts.adapters.letters import write
from accounts.adapters.mailer import SmtpMailer
from accounts.adapters.orm import SCHEMA
from accounts.adapters.reminders_repository import (
    RemindersRepository,
    SqlRemindersUnitOfWork,
    producer_locks,
)
from accounts.domain.commands import RecordMovement, RegisterCustomer
from accounts.domain.reminders import (
    NoEmailAddress,
    NothingOwed,
    ReminderRule,
    below_since,
)
from accounts.service_layer import handlers, reminders
from accounts.service_layer.reminder_ports import Post, RequestKey
from accounts.views import account_page
from ardoise.db import make_engine, make_sessionmaker
from ardoise.errors import Conflict
from ardoise.payment_reference import payment_reference
from ardoise_tools.devservers.process import free_port

RULE = ReminderRule(enabled=True, below_cents=-1000, for_days=7, every_days=7,
                    farm_name="Ferme des Saules")
ACCOUNT_URL = "https://ardoise.example.org/mon-compte"


class Inbox(MessageHandler):
    """Keeps every message; refuses, for good, any address at refused.example."""

    def __init__(self) -> None:
        super().__init__()
        self.messages = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.endswith("@refused.example"):
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    def handle_message(self, message) -> None:
        self.messages.append(message)

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture
async def sessions(servers):
    engine = make_engine(servers["ACCOUNTS_DATABASE_URL"], SCHEMA, pool_size=20)
    yield make_sessionmaker(engine)
    await engine.dispose()


@pytest.fixture
def post(smtp) -> Post:
    controller, _ = smtp
    return Post(SmtpMailer("127.0.0.1", controller.port, "ardoise@localhost", timeout_s=5),
                write, ACCOUNT_URL)


@pytest.fixture
def new_reminders(sessions):
    return partial(SqlRemindersUnitOfWork, sessions)


@pytest.fixture
async def customer(new_uow, new_reminders, producer_id):
    """Registers a customer with an address, optionally in debt; the rule is on during the
    test, off after it (the timer's passes of later tests leave this producer alone)."""
    await reminders.set_rule(producer_id, RULE, new_reminders())

    async def register(customer_id: str, debt_cents: int = 0,
                       email: str | None = "auto") -> str:
        address = f"{customer_id}.{producer_id}@example.org" if email == "auto" else email
        await handlers.register_customer(
            RegisterCustomer(producer_id, customer_id, f"Client {customer_id}", address),
            new_uow())
        if debt_cents:
            await move(new_uow, producer_id, customer_id, "debit", debt_cents)
        return address

    yield register
    await reminders.set_rule(producer_id, ReminderRule(), new_reminders())


async def move(new_uow, producer_id: str, customer_id: str, direction: str,
               amount_cents: int) -> None:
    await handlers.record_movement(
        RecordMovement(producer_id, customer_id, direction, amount_cents, None, None), new_uow())


def in_days(days: float) -> datetime:
    """A moment `days` after the movements just recorded (they carry the real time)."""
    return datetime.now(UTC) + timedelta(days=days)


async def history(sessions, producer_id: str, customer_id: str) -> list[dict]:
    async with sessions() as session:
        return (await account_page(session, producer_id, customer_id, 50, None))["reminders"]


async def every_reminder(sessions, producer_id: str, customer_id: str):
    async with sessions() as session:
        return await RemindersRepository(session).all_of(producer_id, customer_id)


def subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def mine(tried: list[dict], producer_id: str) -> list[dict]:
    return [t for t in tried if t["producer_id"] == producer_id]


async def test_a_debt_below_ten_euros_for_seven_days_is_reminded_once_a_week_until_paid(
        sessions, new_uow, new_reminders, post, smtp, customer, producer_id):
    _, inbox = smtp
    claire = await customer("claire", debt_cents=2350)
    await customer("bruno", debt_cents=500)  # -5 €: above the threshold
    await customer("chloe", debt_cents=5000, email=None)  # no address
    locks = producer_locks(sessions)

    assert mine(await reminders.send_due_reminders(new_reminders, post, locks, in_days(6)),
                producer_id) == []
    first_at = in_days(8)
    preview = await reminders.preview(producer_id, new_reminders(), 100, first_at)
    [due] = preview["customers"]
    assert (due["customer_id"], due["balance_cents"], due["last_reminder"]) == (
        "claire", -2350, None)
    assert datetime.now(UTC) - due["below_since_at"] < timedelta(minutes=1)

    tried = mine(await reminders.send_due_reminders(new_reminders, post, locks, first_at),
                 producer_id)
    assert [(t["customer_id"], t["status"], t["balance_cents"]) for t in tried] == [
        ("claire", "sent", -2350)]
    [message] = inbox.to(claire)
    assert subject(message) == "Rappel : votre solde chez Ferme des Saules est de -23,50 €"
    assert message["Message-ID"] == f"<reminder.{tried[0]['reminder_id']}@ardoise>"
    text = message.get_payload()[0].get_payload(decode=True).decode()
    assert "solde de -23,50 €" in text and ACCOUNT_URL in text
    assert payment_reference(producer_id, "claire") in text
    html = message.get_payload()[1].get_payload(decode=True).decode()
    assert f'href="{ACCOUNT_URL}"' in html

    # within the week, nothing; a week later, the second
    for days in (8.1, 14.5):
        assert mine(await reminders.send_due_reminders(new_reminders, post, locks,
                                                       in_days(days)), producer_id) == []
    assert (await reminders.preview(producer_id, new_reminders(), 100, in_days(9)))[
        "customers"] == []
    assert len(mine(await reminders.send_due_reminders(new_reminders, post, locks,
                                                       in_days(15.1)), producer_id)) == 1
    shown = await history(sessions, producer_id, "claire")
    assert [(r["status"], r["balance_cents"], r["manual"]) for r in shown] == [
        ("sent", -2350, False), ("sent", -2350, False)]
    assert shown[0]["sent_at"] > shown[1]["sent_at"]

    # paid: nothing more, however long
    await move(new_uow, producer_id, "claire", "credit", 2350)
    assert mine(await reminders.send_due_reminders(new_reminders, post, locks, in_days(40)),
                producer_id) == []
    assert len(inbox.to(claire)) == 2


@asynccontextmanager
async def always_mine(producer_id: str):
    """A lock every worker gets: the claims alone must keep the reminder single."""
    yield True


async def test_workers_racing_send_one_reminder(sessions, new_reminders, post, smtp, customer,
                                                producer_id):
    _, inbox = smtp
    claire = await customer("claire", debt_cents=2350)
    at = in_days(8)
    # each worker with its own view of the lock (or none at all): one e-mail
    racing = [reminders.send_due_reminders(new_reminders, post, producer_locks(sessions), at)
              for _ in range(3)]
    racing += [reminders.send_due_reminders(new_reminders, post, always_mine, at)
               for _ in range(3)]
    tried = [t for outcome in await asyncio.gather(*racing) for t in mine(outcome, producer_id)]
    assert [t["status"] for t in tried] == ["sent"]
    assert len(inbox.to(claire)) == 1
    assert [r.status for r in await every_reminder(sessions, producer_id, "claire")] == ["sent"]


async def test_the_producer_lock_keeps_a_second_worker_off_the_producer(sessions, customer,
                                                                        producer_id):
    await customer("claire", debt_cents=2350)
    locks = producer_locks(sessions)
    async with locks(producer_id) as first:
        async with locks(producer_id) as second:
            assert (first, second) == (True, False)
    async with locks(producer_id) as again:
        assert again  # let go at the end of the pass


class Interleaved:
    """The reminders' units of work, with something committed before the n-th one opens:
    by hand, the 1st claims, the 2nd reads what the letter tells, the 3rd reads the balance
    again just before sending, the last records the outcome."""

    def __init__(self, new_reminders, before: dict[int, object]) -> None:
        self.new_reminders, self.before, self.opened = new_reminders, before, 0

    def __call__(self):
        self.opened += 1
        return _Hooked(self.new_reminders(), self.before.get(self.opened))


class _Hooked:
    def __init__(self, uow, hook) -> None:
        self.uow, self.hook = uow, hook

    async def __aenter__(self):
        if self.hook is not None:
            await self.hook()
        return await self.uow.__aenter__()

    async def __aexit__(self, *exc_info):
        await self.uow.__aexit__(*exc_info)


CLAIM, LETTER, CHECK = 1, 2, 3


@pytest.mark.parametrize("lands_before", [LETTER, CHECK])
async def test_a_debt_paid_while_its_reminder_is_written_is_not_reminded(
        sessions, new_uow, new_reminders, post, smtp, customer, producer_id, lands_before):
    """The transfer lands after the reminder was claimed: before its letter was read, or after
    the letter was written and before the message goes. Either way nothing is sent; the
    reminder is recorded `cancelled` (not shown on the account) and the next pass, the debt
    being paid, sends nothing."""
    _, inbox = smtp
    claire = await customer("claire", debt_cents=2350)
    paying = Interleaved(new_reminders, {
        lands_before: partial(move, new_uow, producer_id, "claire", "credit", 2350)})
    outcome = await reminders.send_by_hand(producer_id, "claire", paying, post)
    assert (outcome["status"], outcome["balance_cents"]) == ("cancelled", 0)
    assert outcome["error"] == "paid before it went out (balance 0 cents)"
    assert inbox.to(claire) == []
    assert await history(sessions, producer_id, "claire") == []
    assert [r.status for r in await every_reminder(sessions, producer_id, "claire")] == [
        "cancelled"]
    assert mine(await reminders.send_due_reminders(
        new_reminders, post, producer_locks(sessions), in_days(8)), producer_id) == []


async def test_the_timer_does_not_send_a_reminder_for_a_debt_paid_meanwhile(
        sessions, new_uow, new_reminders, post, smtp, customer, producer_id, monkeypatch):
    _, inbox = smtp
    claire = await customer("claire", debt_cents=2350)
    read_again = RemindersRepository.balance_of
    paid = []

    async def paid_just_before_the_check(repository, producer, customer_id):
        if producer == producer_id and not paid:
            paid.append(await move(new_uow, producer_id, "claire", "credit", 5000))
        return await read_again(repository, producer, customer_id)

    monkeypatch.setattr(RemindersRepository, "balance_of", paid_just_before_the_check)
    tried = mine(await reminders.send_due_reminders(new_reminders, post,
                                                    producer_locks(sessions), in_days(8)),
                 producer_id)
    assert [(t["status"], t["balance_cents"]) for t in tried] == [("cancelled", 2650)]
    assert inbox.to(claire) == []


async def test_a_partial_payment_while_it_is_written_is_told_in_the_reminder(
        sessions, new_uow, new_reminders, post, smtp, customer, producer_id):
    """Still below the threshold after 10 € came in: the letter is written again with the new
    balance, and that one goes."""
    _, inbox = smtp
    claire = await customer("claire", debt_cents=2350)
    paying = Interleaved(new_reminders, {
        CHECK: partial(move, new_uow, producer_id, "claire", "credit", 1000)})
    outcome = await reminders.send_by_hand(producer_id, "claire", paying, post)
    assert (outcome["status"], outcome["balance_cents"]) == ("sent", -1350)
    [message] = inbox.to(claire)
    assert subject(message).endswith("est de -13,50 €")


class PaidDuringSending(SmtpMailer):
    """The transfer commits while the mail server is being talked to."""

    def __init__(self, *args, pay, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        object.__setattr__(self, "pay", pay)

    async def send(self, message, message_id):
        await self.pay()
        return await super().send(message, message_id)


async def test_a_payment_landing_as_the_message_goes_leaves_it_sent_and_ends_the_reminders(
        sessions, new_uow, new_reminders, post, smtp, customer, producer_id):
    """The one window left: the balance was read again a moment before the message went; a
    payment committed in that moment does not stop it. The e-mail tells the balance as it was
    read (-23,50 €, and « if you paid meanwhile, ignore this »), is recorded `sent` with it,
    and no other follows, the debt being paid."""
    controller, inbox = smtp
    claire = await customer("claire", debt_cents=2350)
    mailer = PaidDuringSending("127.0.0.1", controller.port, "ardoise@localhost",
                               pay=partial(move, new_uow, producer_id, "claire", "credit", 2350))
    outcome = await reminders.send_by_hand(producer_id, "claire", new_reminders,
                                           replace(post, mailer=mailer))
    assert (outcome["status"], outcome["balance_cents"]) == ("sent", -2350)
    assert len(inbox.to(claire)) == 1
    assert mine(await reminders.send_due_reminders(
        new_reminders, post, producer_locks(sessions), in_days(30)), producer_id) == []


async def test_a_refused_address_is_recorded_and_not_tried_again_until_it_changes(
        sessions, new_uow, new_reminders, post, smtp, customer, producer_id):
    _, inbox = smtp
    await customer("claire", debt_cents=2350, email=f"claire.{producer_id}@refused.example")
    locks = producer_locks(sessions)
    [refused] = mine(await reminders.send_due_reminders(new_reminders, post, locks,
                                                        in_days(8)), producer_id)
    assert refused["status"] == "refused"
    assert refused["error"].startswith("550 5.1.1") and "User unknown" in refused["error"]
    [shown] = await history(sessions, producer_id, "claire")
    assert (shown["status"], shown["error"]) == ("refused", refused["error"])
    preview = await reminders.preview(producer_id, new_reminders(), 100, in_days(30))
    assert preview["customers"] == []
    for days in (15.1, 30, 60):
        assert mine(await reminders.send_due_reminders(new_reminders, post, locks,
                                                       in_days(days)), producer_id) == []
    fixed = await customer("claire", email=f"claire.{producer_id}@example.org")
    [sent] = mine(await reminders.send_due_reminders(new_reminders, post, locks, in_days(60)),
                  producer_id)
    assert sent["status"] == "sent" and len(inbox.to(fixed)) == 1


async def test_a_mail_server_down_is_tried_again_with_the_same_message(
        sessions, new_reminders, post, smtp, customer, producer_id):
    _, inbox = smtp
    claire = await customer("claire", debt_cents=2350)
    locks = producer_locks(sessions)
    down = replace(post, mailer=SmtpMailer("127.0.0.1", free_port(), "ardoise@localhost",
                                           timeout_s=2))
    at = in_days(8)
    [failed] = mine(await reminders.send_due_reminders(new_reminders, down, locks, at),
                    producer_id)
    assert failed["status"] == "failed" and failed["error"]
    assert mine(await reminders.send_due_reminders(
        new_reminders, post, locks, at + timedelta(minutes=2)), producer_id) == []
    [sent] = mine(await reminders.send_due_reminders(
        new_reminders, post, locks, at + timedelta(minutes=6)), producer_id)
    assert sent["reminder_id"] == failed["reminder_id"] and sent["status"] == "sent"
    [record] = await every_reminder(sessions, producer_id, "claire")
    assert record.attempts == 2 and len(inbox.to(claire)) == 1


class Crashing(SmtpMailer):
    """Hands the message to the mail server, then the process dies before recording it."""

    async def send(self, message, message_id):
        await super().send(message, message_id)
        raise asyncio.CancelledError("killed after the mail server took the message")


async def test_a_crash_after_sending_sends_once_more_with_the_same_message_id_and_no_more(
        sessions, new_reminders, post, smtp, customer, producer_id):
    controller, inbox = smtp
    claire = await customer("claire", debt_cents=2350)
    locks = producer_locks(sessions)
    at = in_days(8)
    crashing = replace(post, mailer=Crashing("127.0.0.1", controller.port, "ardoise@localhost"))
    with pytest.raises(asyncio.CancelledError):
        await reminders.send_due_reminders(new_reminders, crashing, locks, at)
    async with locks(producer_id) as free:
        assert free  # the dead worker's lock went with it
    # while its claim holds, no other worker sends it; once it lapsed, once more, no more
    assert mine(await reminders.send_due_reminders(
        new_reminders, post, locks, at + timedelta(minutes=5)), producer_id) == []
    later = at + timedelta(minutes=11)
    assert len(mine(await reminders.send_due_reminders(new_reminders, post, locks, later),
                    producer_id)) == 1
    assert mine(await reminders.send_due_reminders(new_reminders, post, locks, later),
                producer_id) == []
    sent = inbox.to(claire)
    assert len(sent) == 2 and sent[0]["Message-ID"] == sent[1]["Message-ID"]


async def test_by_hand_whatever_the_rule_but_only_a_debt_to_an_address(
        sessions, new_uow, new_reminders, post, smtp, customer, producer_id):
    _, inbox = smtp
    await reminders.set_rule(producer_id, ReminderRule(), new_reminders())  # off
    anne = await customer("anne", debt_cents=300)  # -3 €: below no threshold but owed
    outcome = await reminders.send_by_hand(producer_id, "anne", new_reminders, post)
    assert (outcome["status"], outcome["manual"], outcome["balance_cents"]) == (
        "sent", True, -300)
    assert len(inbox.to(anne)) == 1
    await customer("bruno")
    with pytest.raises(NothingOwed):
        await reminders.send_by_hand(producer_id, "bruno", new_reminders, post)
    await customer("chloe", debt_cents=100, email=None)
    with pytest.raises(NoEmailAddress):
        await reminders.send_by_hand(producer_id, "chloe", new_reminders, post)
    with pytest.raises(Conflict):
        await reminders.send_by_hand(f"{producer_id}-untracked", "anne", new_reminders, post)


async def test_one_sent_by_hand_counts_for_the_rules_period(
        sessions, new_reminders, post, smtp, customer, producer_id):
    _, inbox = smtp
    claire = await customer("claire", debt_cents=2350)
    await reminders.set_rule(producer_id, replace(RULE, for_days=0), new_reminders())
    await reminders.send_by_hand(producer_id, "claire", new_reminders, post)
    # due at once by the rule, but one was sent by hand just now: the next a week after it
    locks = producer_locks(sessions)
    assert mine(await reminders.send_due_reminders(new_reminders, post, locks, in_days(6.9)),
                producer_id) == []
    assert len(mine(await reminders.send_due_reminders(new_reminders, post, locks,
                                                       in_days(7.1)), producer_id)) == 1
    assert len(inbox.to(claire)) == 2


async def test_since_when_read_by_the_database_is_the_rules_since_when(
        sessions, new_uow, new_reminders, customer, producer_id):
    """Random histories recorded through the ledger: the statement that finds since when a
    balance is below the threshold agrees with the domain's reading of the movements."""
    rng = random.Random(25)
    for n in range(6):
        customer_id = f"h{n}"
        await customer(customer_id)
        for _ in range(rng.randint(1, 25)):
            amount = rng.randint(1, 4000)
            await move(new_uow, producer_id, customer_id, rng.choice(["credit", "debit",
                                                                       "debit"]), amount)
        async with sessions() as session, session.begin():
            repository = RemindersRepository(session)
            movements = await session.execute(text(
                "SELECT at, balance_after_cents FROM accounts.movements "
                "WHERE producer_id = :p AND customer_id = :c ORDER BY id"),
                {"p": producer_id, "c": customer_id})
            history = [(row.at, row.balance_after_cents) for row in movements]
            for below in (0, -1000, -2500, history[-1][1], history[-1][1] + 1):
                standing = await repository.standing_for_update(producer_id, customer_id,
                                                                below)
                assert standing.below_since_at == below_since(history, below), (n, below)


async def test_one_sent_by_hand_with_a_key_is_sent_once_however_often_it_is_asked(
        sessions, new_reminders, post, smtp, customer, producer_id):
    """A second click, or the same request again after a timeout, answers the first reminder;
    two at once with one key send one; a new key is a new reminder."""
    _, inbox = smtp
    claire = await customer("claire", debt_cents=2350)
    denis = await customer("denis", debt_cents=500)
    key = RequestKey("web-remind-claire-after-none", "claire by hand")

    async def ask(customer_id: str = "claire", asked: RequestKey = key):
        return await reminders.send_by_hand_once(producer_id, customer_id, new_reminders, post,
                                                 asked)

    together = await asyncio.gather(ask(), ask(), return_exceptions=True)
    answered = [outcome for outcome in together if not isinstance(outcome, Exception)]
    # the second waits for the first's claim: it replays it, or finds it being sent
    assert all(isinstance(outcome, Conflict) and "being sent" in str(outcome)
               for outcome in together if isinstance(outcome, Exception))
    assert [replayed for _, replayed in answered].count(False) == 1
    first = next(reminder for reminder, replayed in answered if not replayed)
    again, replayed = await ask()
    assert replayed and again == first and again["status"] == "sent"
    assert len(inbox.to(claire)) == 1

    with pytest.raises(Conflict, match="Idempotency-Key"):
        await ask("denis", RequestKey(key.key, "denis by hand"))
    assert inbox.to(denis) == []
    async with new_reminders() as uow:
        assert await uow.reminders.all_of(producer_id, "denis") == []

    _, replayed = await ask(asked=RequestKey(f"web-remind-claire-after-{first['reminder_id']}",
                                             "claire by hand"))
    assert not replayed and len(inbox.to(claire)) == 2


async def test_a_key_whose_reminder_was_cancelled_sends_once_the_customer_owes_again(
        sessions, new_uow, new_reminders, post, smtp, customer, producer_id):
    """The page still shows no reminder after one cancelled (the debt paid while it was
    written), so its form sends the same key: once owed again, a reminder goes, and that one
    is what the key replays from then on."""
    _, inbox = smtp
    claire = await customer("claire", debt_cents=2000)
    key = RequestKey("web-remind-claire-after-aucune", "claire by hand")
    paying = Interleaved(new_reminders, {
        LETTER: partial(move, new_uow, producer_id, "claire", "credit", 2000)})
    cancelled, replayed = await reminders.send_by_hand_once(producer_id, "claire", paying, post,
                                                            key)
    assert (cancelled["status"], replayed) == ("cancelled", False)
    with pytest.raises(NothingOwed):  # the same form while nothing is owed
        await reminders.send_by_hand_once(producer_id, "claire", new_reminders, post, key)
    await move(new_uow, producer_id, "claire", "debit", 3000)
    sent, replayed = await reminders.send_by_hand_once(producer_id, "claire", new_reminders,
                                                       post, key)
    assert (sent["status"], sent["balance_cents"], replayed) == ("sent", -3000, False)
    again, replayed = await reminders.send_by_hand_once(producer_id, "claire", new_reminders,
                                                        post, key)
    assert replayed and again == sent and len(inbox.to(claire)) == 1


async def test_one_key_for_two_customers_at_once_sends_to_one_of_them(
        sessions, new_reminders, post, smtp, customer, producer_id):
    _, inbox = smtp
    await customer("anne", debt_cents=1000)
    await customer("bruno", debt_cents=1000)
    asked = [reminders.send_by_hand_once(producer_id, who, new_reminders, post,
                                         RequestKey("one-key", f"{who} by hand"))
             for who in ("anne", "bruno")]
    outcomes = await asyncio.gather(*asked, return_exceptions=True)
    sent = [o for o in outcomes if not isinstance(o, BaseException)]
    refused = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(sent) == 1 and len(refused) == 1
    assert isinstance(refused[0], Conflict) and "Idempotency-Key" in str(refused[0])
    assert len(inbox.messages) == 1
