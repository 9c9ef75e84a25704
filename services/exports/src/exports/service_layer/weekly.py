"""The weekly e-mail: last week's sales by mode, sent once per producer and week."""

import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import async_sessionmaker

from ardoise.errors import NotFound
from exports.adapters.mailer import SmtpMailer
from exports.adapters.repository import ExportsRepository, period_query
from exports.adapters.workbooks import filename_for, write_sales_by_mode
from exports.domain.periods import parse_week, week_due
from exports.service_layer.building import build_workbook

log = logging.getLogger(__name__)
RETRY_AFTER = timedelta(minutes=5)


async def send_week(sessions: async_sessionmaker, mailer: SmtpMailer, producer_id: str,
                    week: str, *, again: bool) -> bool:
    """Send one week's workbook; without `again`, a week already sent is not sent twice.

    The week's row stays locked while sending, so two workers never both send it.
    Returns whether a message went out; a failed send is recorded for a later retry.
    """
    monday, sunday = parse_week(week)
    async with sessions() as session, session.begin():
        repository = ExportsRepository(session)
        producer = await repository.producer(producer_id)
        if producer is None:
            raise NotFound("no e-mail address set for this producer's exports")
        record = await repository.weekly_email_for_update(producer_id, week)
        if record.status == "sent" and not again:
            return False
        workbook = await build_workbook(
            session, period_query(producer_id, monday, sunday),
            lambda rows, out: write_sales_by_mode(rows, monday, sunday, producer.name, out))
        try:
            with workbook:
                await mailer.send_workbook(
                    producer.email, f"Ventes par mode de paiement — semaine {week}",
                    f"Bonjour,\n\nVoici les ventes de la semaine {week} "
                    f"(du {monday:%d/%m/%Y} au {sunday:%d/%m/%Y}) par mode de paiement.\n",
                    filename_for("sales-by-mode", producer_id, monday, sunday), workbook.read())
        except Exception as error:  # noqa: BLE001 - recorded and retried later
            log.error("weekly e-mail %s %s failed: %s", producer_id, week, error)
            now = datetime.now(UTC)
            await repository.save_weekly_email(
                producer_id, week, status="failed", attempts=record.attempts + 1, now=now,
                last_error=str(error)[:500], next_attempt_at=now + RETRY_AFTER)
            return False
        await repository.save_weekly_email(producer_id, week, status="sent",
                                           attempts=record.attempts + 1, now=datetime.now(UTC))
    log.info("weekly e-mail %s %s sent to %s", producer_id, week, producer.email)
    return True


async def send_due_weeks(sessions: async_sessionmaker, mailer: SmtpMailer, send_hour: int,
                         now: datetime | None = None) -> list[tuple[str, str]]:
    """Every producer whose last week is due and not yet sent (or whose retry time came), its
    week counted in its own time zone."""
    now = now or datetime.now(UTC)
    async with sessions() as session:
        repository = ExportsRepository(session)
        rows = await repository.producers_with_time_zones()
        records = await repository.weekly_emails()
    sent = []
    for producer in rows:
        week = week_due(now.astimezone(ZoneInfo(producer.time_zone)), send_hour)
        record = records.get((producer.producer_id, week))
        if week is None or (record and record.status == "sent"):
            continue
        if record and record.next_attempt_at and record.next_attempt_at > now:
            continue
        if await send_week(sessions, mailer, producer.producer_id, week, again=False):
            sent.append((producer.producer_id, week))
    return sent
