"""The weekly e-mail: last week's sales by mode, sent once per producer and week."""

import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import async_sessionmaker

from ardoise.errors import NotFound
from exports.adapters.mailer import SmtpMailer
from exports.adapters.orm import DEFAULT_TIME_ZONE, producers, time_zones, weekly_emails
from exports.adapters.workbooks import filename_for, write_sales_by_mode
from exports.domain.periods import parse_week, week_due
from exports.service_layer.building import build_workbook, period_query

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
        producer = (await session.execute(
            select(producers).where(producers.c.producer_id == producer_id))).first()
        if producer is None:
            raise NotFound("no e-mail address set for this producer's exports")
        await session.execute(insert(weekly_emails).values(
            producer_id=producer_id, week=week, status="pending").on_conflict_do_nothing())
        record = (await session.execute(
            select(weekly_emails).where(weekly_emails.c.producer_id == producer_id,
                                        weekly_emails.c.week == week).with_for_update())).one()
        if record.status == "sent" and not again:
            return False
        workbook = await build_workbook(
            session, period_query(producer_id, monday, sunday),
            lambda rows, out: write_sales_by_mode(rows, monday, sunday, producer.name, out))
        where = (weekly_emails.c.producer_id == producer_id) & (weekly_emails.c.week == week)
        try:
            with workbook:
                await mailer.send_workbook(
                    producer.email, f"Ventes par mode de paiement — semaine {week}",
                    f"Bonjour,\n\nVoici les ventes de la semaine {week} "
                    f"(du {monday:%d/%m/%Y} au {sunday:%d/%m/%Y}) par mode de paiement.\n",
                    filename_for("sales-by-mode", producer_id, monday, sunday), workbook.read())
        except Exception as error:  # noqa: BLE001 - recorded and retried later
            log.error("weekly e-mail %s %s failed: %s", producer_id, week, error)
            await session.execute(update(weekly_emails).where(where).values(
                status="failed", attempts=record.attempts + 1, last_error=str(error)[:500],
                next_attempt_at=datetime.now(UTC) + RETRY_AFTER, updated_at=datetime.now(UTC)))
            return False
        await session.execute(update(weekly_emails).where(where).values(
            status="sent", attempts=record.attempts + 1, sent_at=datetime.now(UTC),
            last_error=None, updated_at=datetime.now(UTC)))
    log.info("weekly e-mail %s %s sent to %s", producer_id, week, producer.email)
    return True


async def send_due_weeks(sessions: async_sessionmaker, mailer: SmtpMailer, send_hour: int,
                         now: datetime | None = None) -> list[tuple[str, str]]:
    """Every producer whose last week is due and not yet sent (or whose retry time came)."""
    now = now or datetime.now(UTC)
    zone = func.coalesce(time_zones.c.time_zone, DEFAULT_TIME_ZONE).label("time_zone")
    async with sessions() as session:
        rows = (await session.execute(select(producers, zone).select_from(producers.outerjoin(
            time_zones, time_zones.c.producer_id == producers.c.producer_id)))).all()
        records = {(r.producer_id, r.week): r for r in (await session.execute(
            select(weekly_emails))).all()}
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
