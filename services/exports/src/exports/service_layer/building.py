"""Building a workbook from the read model off the event loop: streamed in constant memory, or
from rows already read."""

import asyncio
import tempfile
from collections.abc import Callable, Iterator
from typing import BinaryIO

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from exports.domain.reports import PaymentRow

FETCH_ROWS = 2000
SPOOL_BYTES = 8 * 1024 * 1024


def _payment_row(row) -> PaymentRow:
    # a sum comes back as a Decimal: an int keeps the rows on the writer's fast path
    return PaymentRow(str(row.order_id), row.delivery_date, row.customer_id,
                      row.customer_name or row.customer_id, row.total_cents, row.mode,
                      row.amount_paid_cents, row.credit_note_cents, row.received,
                      row.recorded_by, int(row.refunded_cents or 0))


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
        fetch = result.fetchmany
        while batch := asyncio.run_coroutine_threadsafe(fetch(FETCH_ROWS), loop).result():
            yield from map(_payment_row, batch)

    try:
        await asyncio.to_thread(write, rows(), out)
    finally:
        await result.close()
    out.seek(0)
    return out


async def build_in_thread(write: Callable[[BinaryIO], None]) -> BinaryIO:
    """A workbook written off the event loop from rows already read; past 8 MB, on disk."""
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    try:
        await asyncio.to_thread(write, out)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out


def chunks(file: BinaryIO, size: int = 64 * 1024) -> Iterator[bytes]:
    with file:
        while chunk := file.read(size):
            yield chunk
