"""Balances on a date: `?at=` on the customers page and on an account (api.py hands them here),
and the XLSX of every customer's balance at a date."""

import asyncio
import tempfile
import uuid
from collections.abc import Iterator
from typing import Annotated, BinaryIO

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel

from accounts import balances_at
from accounts.adapters.balances_workbook import filename_for, write_balances
from accounts.domain.moments import read_at
from accounts.entrypoints.balances_schemas import AccountAtOut, CustomersAtOut
from accounts.views import Sort
from ardoise.errors import NotFound
from ardoise.gateway import CurrentPrincipal, check_operator_of
from ardoise.ids import PRODUCER_ID_PATTERN

router = APIRouter(prefix="/v1", tags=["accounts"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
AT_PATTERN = (r"^\s*\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}([.,]\d{1,6})?)?"
              r"(Z|z|[+\- ]\d{2}(:?\d{2})?)?)?\s*$")
AT_DESCRIPTION = (
    "A date and time: the balances as the movements recorded up to then make them, exactly "
    "(the balance after each account's last movement by then; 0 before any). `2025-12-31` "
    "is the end of that day, `2025-12-31T23:59` the end of that minute, `…T23:59:30` of that "
    "second. Without a zone, the producer's wall-clock time, in the time zone of its payment "
    "settings (Europe/Paris until the accounts heard one); with `Z` or an offset "
    "(`+01:00`, `%2B01:00` in a URL), that instant. An hour that happens twice when clocks go "
    "back is read as its second occurrence; a time skipped when they go forward: 422; a time "
    "to come: the movements so far. Holds are not kept in time: held and available are null "
    "on a date.")
At = Annotated[str | None, Query(max_length=40, pattern=AT_PATTERN, description=AT_DESCRIPTION)]
FETCH_ROWS = 2000
SPOOL_BYTES = 8 * 1024 * 1024


async def customers_at(request: Request, producer: str, at: str, sort: Sort, limit: int,
                       offset: int, q: str | None, in_debt: bool, count: bool,
                       email: str | None) -> JSONResponse:
    """The customers page at a date (`list_customers` with `at`), shaped here: its answer
    model is one of two the route documents, which FastAPI would pick between by guessing."""
    async with request.app.state.reads() as session:
        zone = await balances_at.time_zone(session, producer)
        instant = read_at(at, zone)
        page = await balances_at.customers_page_at(session, producer, instant, sort, limit,
                                                   offset, q, in_debt, count, email)
    return _answer(CustomersAtOut(**page, time_zone=zone.key))


async def account_at(request: Request, producer: str, customer: str, at: str, limit: int,
                     before: uuid.UUID | None) -> JSONResponse:
    """An account at a date (`get_account`, `get_my_account` with `at`), shaped here."""
    async with request.app.state.reads() as session:
        zone = await balances_at.time_zone(session, producer)
        instant = read_at(at, zone)
        page = await balances_at.account_page_at(session, producer, customer, instant, limit,
                                                 before)
    if page is None:
        raise NotFound("no such customer")
    return _answer(AccountAtOut(**page, time_zone=zone.key))


def _answer(body: BaseModel) -> JSONResponse:
    return JSONResponse(body.model_dump(mode="json"))


@router.get(
    "/producers/{producer}/customers/balances.xlsx", response_class=StreamingResponse,
    summary="Every customer's balance at a date, as an XLSX workbook",
    description=(
        "What an accountant asks for at the end of a year: sheet \"Soldes\", one row per "
        "customer by name (name, customer id, e-mail, balance at `at` in euros, the producer's "
        "local date and time of its last movement by then), then the total of the balances, "
        "the negative ones (owed by customers) and the positive ones (left on account), and "
        "how many customers. File name `soldes-clients_<producer>_<local date>.xlsx`. `at` "
        "reads as on the customers page: " + AT_DESCRIPTION),
    responses={200: {"content": {XLSX: {}}, "description": "The workbook"}})
async def balances_workbook(
    producer: Annotated[str, Path(pattern=PRODUCER_ID_PATTERN)], principal: CurrentPrincipal,
    request: Request,
    at: Annotated[str, Query(max_length=40, pattern=AT_PATTERN,
                             description="The date and time; see the description")],
) -> StreamingResponse:
    check_operator_of(principal, producer)
    async with request.app.state.sessionmaker() as session:
        zone = await balances_at.time_zone(session, producer)
        instant = read_at(at, zone)
        at_local = instant.astimezone(zone)
        result = await balances_at.every_balance_at(session, producer, instant)
        file = await _build(result, lambda rows, out: write_balances(rows, producer, at_local,
                                                                     zone.key, out))
    return StreamingResponse(_chunks(file), media_type=XLSX, headers={
        "Content-Disposition": f'attachment; filename="{filename_for(producer, at_local)}"'})


async def _build(result, write) -> BinaryIO:
    """Rows stream from the server-side cursor into openpyxl in a thread: memory stays flat
    whatever the number of customers; the file spills to disk past 8 MB."""
    loop = asyncio.get_running_loop()
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)

    def rows() -> Iterator:
        while batch := asyncio.run_coroutine_threadsafe(result.fetchmany(FETCH_ROWS),
                                                        loop).result():
            yield from batch

    try:
        await asyncio.to_thread(write, rows(), out)
    except BaseException:
        out.close()
        raise
    finally:
        await result.close()
    out.seek(0)
    return out


def _chunks(file: BinaryIO, size: int = 64 * 1024) -> Iterator[bytes]:
    with file:
        while chunk := file.read(size):
            yield chunk
