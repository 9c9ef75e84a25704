"""Closing the periods that are over: each day, month and fiscal year of each producer, once,
in the order they end, chained; no entry is recorded into a closed day afterwards."""

import logging
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import async_sessionmaker

from journal.adapters.chains import CLOSINGS, ENTRIES
from journal.adapters.repository import JournalRepository
from journal.domain.closings import PeriodTotals, closing_content
from journal.domain.daily import daily_totals
from journal.domain.entries import SALE_KINDS
from journal.domain.periods import DAY, Period, due_closings, fiscal_year, local_date
from journal.service_layer.recording import log_technical, now

log = logging.getLogger(__name__)
ONE_DAY = timedelta(days=1)


async def close_due_periods(sessions: async_sessionmaker, at: datetime | None = None) -> int:
    """Every producer's periods over by `at` (now): the number of closings made."""
    async with sessions() as session:
        producers = await JournalRepository(session).producers_with_entries()
    made = 0
    for producer_id in producers:
        try:
            made += await close_producer(sessions, producer_id, at or now())
        except Exception as error:  # noqa: BLE001 - one producer's trouble stops no other's
            log.error("closing the periods of %s: %s", producer_id, error)
    return made


async def close_producer(sessions: async_sessionmaker, producer_id: str, at: datetime) -> int:
    """The producer's due periods, a day (with its month and year when it ends them) per
    transaction, under the entries chain's lock: nothing is recorded into a day as it closes."""
    made = 0
    while True:
        async with sessions() as session, session.begin():
            repository = JournalRepository(session)
            head = await repository.lock_head(producer_id, ENTRIES)
            settings = await repository.settings(producer_id)
            first_open = (date.fromordinal(head.closed_through.toordinal() + 1)
                          if head.closed_through else await repository.first_entry_day(producer_id))
            today = local_date(at, settings.time_zone)
            if first_open is None or first_open >= today:
                return made
            closings_head = await repository.lock_head(producer_id, CLOSINGS)
            for period in due_closings(first_open, first_open + ONE_DAY,
                                       settings.fiscal_year_start):
                record = await _close(repository, closings_head, (head.last_seq, head.last_hash),
                                      period, settings.fiscal_year_start)
                await log_technical(session, producer_id, "closing", {
                    **period.as_dict(), "closing_seq": record["seq"], "hash": record["hash"]})
                made += 1
            await repository.close_through(head, first_open)




async def _close(repository: JournalRepository, closings_head, chain_head: tuple[int, str],
                 period: Period, fiscal_year_start: str) -> dict:
    producer_id = closings_head.producer_id
    totals = PeriodTotals()
    kept = []
    async for entry in repository.entries_between(producer_id, period.start, period.end):
        totals.add(entry)
        if period.kind != DAY and entry["kind"] in SALE_KINDS:
            kept.append({"day": entry["day"], "kind": entry["kind"], "content": entry["content"]})
    fiscal = fiscal_year(period.end, fiscal_year_start)
    content = closing_content(
        period, totals, chain_head, fiscal,
        await repository.sales_total(producer_id, fiscal.start, period.end),
        await repository.sales_total(producer_id, None, period.end),
        _days(kept) if period.kind != DAY else ())
    return await repository.append(closings_head, {
        "period": period.kind, "start": period.start, "end": period.end, "closed_at": now(),
        "content": content})


def _days(kept: list[dict]) -> list[dict]:
    """The month's or year's sales per day (count and per VAT rate), as the daily figures."""
    return [{**row, "day": row["day"].isoformat() if isinstance(row["day"], date) else row["day"]}
            for row in daily_totals(kept)]
