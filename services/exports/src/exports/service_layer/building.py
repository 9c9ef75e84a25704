"""Building a workbook from the read model in constant memory, off the event loop."""

import asyncio
import tempfile
import uuid
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import BinaryIO
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from exports.adapters.orm import DEFAULT_TIME_ZONE, customers, producers, sales, time_zones
from exports.domain.reports import PaymentRow

FETCH_ROWS = 2000
SPOOL_BYTES = 8 * 1024 * 1024


def _rows_query(producer_id: str) -> Select:
    joined = sales.outerjoin(customers, and_(customers.c.producer_id == sales.c.producer_id,
                                             customers.c.customer_id == sales.c.customer_id))
    return (
        select(sales.c.order_id, sales.c.delivery_date, sales.c.customer_id,
               customers.c.name.label("customer_name"), sales.c.total_cents, sales.c.mode,
               sales.c.amount_paid_cents, sales.c.credit_note_cents, sales.c.received)
        .select_from(joined)
        .where(sales.c.producer_id == producer_id)
        .order_by(sales.c.delivery_date, sales.c.order_id)
    )


def period_query(producer_id: str, period_from: date, period_to: date) -> Select:
    return _rows_query(producer_id).where(sales.c.delivery_date.between(period_from, period_to))


def orders_query(producer_id: str, order_ids: list[uuid.UUID]) -> Select:
    return _rows_query(producer_id).where(sales.c.order_id.in_(order_ids))


async def known_orders(session: AsyncSession, producer_id: str,
                       order_ids: set[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these orders the producer has: another producer's are simply not found."""
    query = select(sales.c.order_id).where(sales.c.producer_id == producer_id,
                                          sales.c.order_id.in_(order_ids))
    return set((await session.execute(query)).scalars())


async def producer_name(session: AsyncSession, producer_id: str) -> str:
    """The name the producer gave in its exports settings; its id until it gave one."""
    name = (await session.execute(select(producers.c.name).where(
        producers.c.producer_id == producer_id))).scalar()
    return name or producer_id


async def producer_today(session: AsyncSession, producer_id: str, now: datetime) -> date:
    """The producer's date at `now`, in its time zone."""
    zone = (await session.execute(select(time_zones.c.time_zone).where(
        time_zones.c.producer_id == producer_id))).scalar()
    return now.astimezone(ZoneInfo(zone or DEFAULT_TIME_ZONE)).date()


def _payment_row(row) -> PaymentRow:
    return PaymentRow(str(row.order_id), row.delivery_date, row.customer_id,
                      row.customer_name or row.customer_id, row.total_cents, row.mode,
                      row.amount_paid_cents, row.credit_note_cents, row.received)


async def build_workbook(
    session: AsyncSession, query: Select, write: Callable[[Iterator[PaymentRow], BinaryIO], None]
) -> BinaryIO:
    """Rows stream from a server-side cursor into openpyxl's write-only writer in a thread.

    Memory stays flat whatever the number of rows; the file spills to disk past 8 MB.
    """
    loop = asyncio.get_running_loop()
    result = await session.stream(query.execution_options(yield_per=FETCH_ROWS))
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)

    def rows() -> Iterator[PaymentRow]:
        while batch := asyncio.run_coroutine_threadsafe(result.fetchmany(FETCH_ROWS), loop).result():
            yield from map(_payment_row, batch)

    try:
        await asyncio.to_thread(write, rows(), out)
    finally:
        await result.close()
    out.seek(0)
    return out


def chunks(file: BinaryIO, size: int = 64 * 1024) -> Iterator[bytes]:
    with file:
        while chunk := file.read(size):
            yield chunk
