"""The weekly e-mail: last week's sales by mode, sent once per producer and week.

Once, even across crashes: the attempt is recorded (`sending`, with the message's Message-ID)
and committed before the message goes, then recorded `sent`. Two workers cannot both claim a
week. The window left: a crash after the mail server accepted the message and before `sent` is
committed; the week is then sent again once its claim lapses (CLAIM), with the same Message-ID,
which mail systems read as the same message.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import async_sessionmaker

from ardoise.changes import kept_actor
from ardoise.errors import NotFound
from exports.adapters.mailer import SmtpMailer
from exports.adapters.order_rows import period_query
from exports.adapters.repository import ExportsRepository
from exports.adapters.workbooks.filenames import filename_for
from exports.adapters.workbooks.sales_by_mode import write_sales_by_mode
from exports.domain.periods import parse_week, weeks_due
from exports.service_layer.building import build_workbook

log = logging.getLogger(__name__)
RETRY_AFTER = timedelta(minutes=5)
CLAIM = timedelta(minutes=10)
"""How long a worker may take to send a week before another may send it again."""


@dataclass(frozen=True)
class Outcome:
    """Whether a message went out, and if not, why (in words the producer reads)."""

    sent: bool
    reason: str | None = None


def message_id(producer_id: str, week: str, attempt: int | None = None) -> str:
    """The same for every attempt at one week's e-mail; a new one for a copy asked again."""
    again = f".{attempt}" if attempt else ""
    return f"<weekly.{week}{again}.{producer_id}@ardoise>"


async def send_week(sessions: async_sessionmaker, mailer: SmtpMailer, producer_id: str,
                    week: str, *, again: bool, now: datetime | None = None,
                    asked_by: str | None = None) -> Outcome:
    """Send one week's workbook; without `again`, a week already sent (or being sent) is not
    sent twice. A failed send is recorded for a later retry. `asked_by`: who asked for it (the
    week's record keeps it; None: the timer)."""
    now = now or datetime.now(UTC)
    monday, sunday = parse_week(week)
    async with sessions() as session, session.begin():
        repository = ExportsRepository(session)
        producer = await repository.producer(producer_id)
        if producer is None:
            raise NotFound("no e-mail address set for this producer's exports")
        record = await repository.weekly_email_for_update(producer_id, week)
        if record.status == "sent" and not again:
            return Outcome(False, f"already sent on {record.sent_at:%d/%m/%Y at %H:%M} UTC")
        claimed = record.status == "sending" and record.claimed_until > now
        if claimed and not again:
            return Outcome(False, "being sent by another worker")
        attempts = record.attempts + 1
        # a copy asked again after one went out is a new message; a retry is the same one
        identity = (message_id(producer_id, week, attempts) if record.status == "sent"
                    else record.message_id or message_id(producer_id, week))
        await repository.save_weekly_email(
            producer_id, week, status="sending", message_id=identity, attempts=attempts,
            claimed_until=now + CLAIM, updated_at=now, asked_by=kept_actor(asked_by))
    # committed: the attempt is on record before anything goes out
    async with sessions() as session:
        repository = ExportsRepository(session)
        tracking = await repository.tracking_is_on(producer_id)
        moved = await repository.movements(producer_id, monday, sunday,
                                           await repository.time_zone(producer_id))
        workbook = await build_workbook(
            session, period_query(producer_id, monday, sunday),
            lambda rows, out: write_sales_by_mode(rows, monday, sunday, producer.name, out,
                                                  moved, tracking))
    try:
        with workbook:
            await mailer.send_workbook(
                producer.email,
                f"{'Ventes par mode de paiement' if tracking else 'Ventes'} — semaine {week}",
                f"Bonjour,\n\nVoici les ventes de la semaine {week} "
                f"(du {monday:%d/%m/%Y} au {sunday:%d/%m/%Y})"
                f"{' par mode de paiement' if tracking else ''}.\n",
                filename_for("sales-by-mode", producer_id, monday, sunday), workbook.read(),
                message_id=identity)
    except Exception as error:  # noqa: BLE001 - recorded and retried later
        log.error("weekly e-mail %s %s failed: %s", producer_id, week, error)
        async with sessions() as session, session.begin():
            await ExportsRepository(session).save_weekly_email(
                producer_id, week, status="failed", last_error=str(error)[:500],
                next_attempt_at=now + RETRY_AFTER, claimed_until=None, updated_at=now)
        return Outcome(False, f"the mail server did not take it: {str(error)[:300]}")
    async with sessions() as session, session.begin():
        await ExportsRepository(session).save_weekly_email(
            producer_id, week, status="sent", sent_at=datetime.now(UTC), last_error=None,
            next_attempt_at=None, claimed_until=None, updated_at=datetime.now(UTC))
    log.info("weekly e-mail %s %s sent to %s", producer_id, week, producer.email)
    return Outcome(True)


def _owed(record, now: datetime) -> bool:
    """A week not sent, not waiting for its retry, not being sent by another worker."""
    if record is None:
        return True
    if record.status == "sent":
        return False
    if record.status == "sending":
        return record.claimed_until is None or record.claimed_until <= now
    return not (record.next_attempt_at and record.next_attempt_at > now)


async def send_due_weeks(sessions: async_sessionmaker, mailer: SmtpMailer, send_hour: int,
                         now: datetime | None = None) -> list[tuple[str, str]]:
    """Every producer's weeks due and not yet sent, oldest first: last week from Monday
    `send_hour` on in the producer's time zone, and the weeks missed before it (the service
    down, the mail server refusing), back to when the producer gave its address."""
    now = now or datetime.now(UTC)
    async with sessions() as session:
        repository = ExportsRepository(session)
        rows = await repository.producers_with_time_zones()
        records = await repository.weekly_emails()
    sent = []
    for producer in rows:
        local_now = now.astimezone(ZoneInfo(producer.time_zone))
        since = producer.created_at.astimezone(ZoneInfo(producer.time_zone)).date()
        for week in weeks_due(local_now, send_hour, since):
            if not _owed(records.get((producer.producer_id, week)), now):
                continue
            outcome = await send_week(sessions, mailer, producer.producer_id, week, again=False,
                                      now=now)
            if outcome.sent:
                sent.append((producer.producer_id, week))
    return sent
