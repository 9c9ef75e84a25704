"""The orders HTTP gateway: orders, invoices and till receipts."""

import asyncio
import contextlib
import hashlib
import time
import uuid
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Path, Query, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse
from pydantic import BaseModel, ConfigDict, Field, StrictInt, field_validator

from ardoise.errors import Conflict, Forbidden, Invalid, NotFound
from ardoise.gateway import CurrentPrincipal
from ardoise.ids import CUSTOMER_ID_PATTERN, PRODUCER_ID_PATTERN
from ardoise.text import one_line
from orders import views
from orders.adapters.escpos_receipt import escpos_receipt
from orders.domain import vat
from orders.domain.order import MAX_QUANTITY, QUANTITY_DECIMALS, UNITS, Line
from orders.domain.printouts import invoice_document, receipt_text
from orders.entrypoints import printing
from orders.entrypoints.invoices_api import Format
from orders.service_layer import handlers
from orders.service_layer.unit_of_work import SqlOrdersUnitOfWork

router = APIRouter(prefix="/v1/producers/{producer}/orders", tags=["orders"])
Producer = Annotated[str, Path(pattern=PRODUCER_ID_PATTERN)]
WAIT_MAX_S = 20
"""Under the 30 s Kubernetes gives a stopping pod by default: a stopping gateway first answers
the requests it holds."""
WAIT_DOC = ("With `If-None-Match`: seconds to hold the answer while the order is still as named "
            f"(at most {WAIT_MAX_S}); 200 as soon as it changes, else 304")
REREAD_S = 5.0
"""A waiting reader reads the order again at least this often, should a notification be lost
(a connection cut without a word); readers are woken whenever the listener reconnects."""


class LineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    label: Annotated[str, one_line(200, min_length=1)]
    quantity: Annotated[Decimal, Field(
        gt=0, le=MAX_QUANTITY, decimal_places=QUANTITY_DECIMALS, allow_inf_nan=False,
        description="How many units: a whole number, or up to 3 decimals (1.25 kg); a JSON "
                    "number or a decimal string")]
    unit: Literal[tuple(UNITS)] = Field(  # type: ignore[valid-type]
        "piece", description="What the quantity counts; the unit price is per this unit")
    unit_price_cents: Annotated[StrictInt, Field(
        gt=0, le=10**9, description="Per unit, tax included; the line's amount is quantity × "
                                    "unit price rounded to the cent half up")]
    vat_rate: str | None = Field(None, description=(
        "Per cent, a JSON number or a string: 0, 2.1, 5.5, 10 or 20; left out, the producer's "
        "default rate (`…/invoicing`) applies when the order is invoiced"))

    @field_validator("vat_rate", mode="before")
    @classmethod
    def _rate(cls, value):
        if value is None or isinstance(value, bool):
            return value
        return vat.rate_of(value)


class OrderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    customer_id: str = Field(pattern=CUSTOMER_ID_PATTERN)
    delivery_date: date | None = None
    lines: list[LineIn] = Field(min_length=1, max_length=500)


def _uow(request: Request) -> SqlOrdersUnitOfWork:
    return SqlOrdersUnitOfWork(request.app.state.sessionmaker)


@router.post("", status_code=201, response_model=dict, responses={201: {"headers": {
    "Location": {"description": "the order's page", "schema": {"type": "string"}},
    "ETag": {"description": "that page's tag as placed (for `If-None-Match` and `wait`)",
             "schema": {"type": "string"}}}}, 409: {
    "description": "the order would take the customer's available balance below the credit "
                   "limit and the producer refuses such orders (the detail names the limit "
                   "and the balance in euros); nothing is written"}})
async def place_order(producer: Producer, body: OrderIn, principal: CurrentPrincipal,
                      request: Request) -> JSONResponse:
    """An operator orders for any customer of its producer; a customer for itself only.

    The answer's `Location` is the order's page and its `ETag` that page's tag as placed: a shop
    waiting for the payment link asks the page with it (`If-None-Match`, `wait`) at once.

    Credit limit (accounts `…/credit-limits`): an order that would take the available balance
    (balance − held) below the customer's limit is refused with 409, or accepted to be paid
    online (`online_payment` and `over_credit_limit` true: its checkout collects the debt
    with it), as the producer chose. `online_payment`: the order is to be paid online (the
    producer requires it, or the limit does). Checked against the balance and holds at
    placement; when the accounts service does not answer, the order is placed unchecked."""
    if not principal.can_reach_producer(producer):
        raise NotFound("no such producer")
    if principal.role == "customer" and principal.customer_id != body.customer_id:
        raise Forbidden("a customer orders for itself only")
    lines = [Line(line.label, line.quantity, line.unit_price_cents, line.unit, line.vat_rate)
             for line in body.lines]
    placed = await handlers.place_order(producer, body.customer_id, body.delivery_date, lines,
                                        _uow(request), request.app.state.clock(),
                                        request.app.state.accounts.credit_standing,
                                        request.app.state.online_required)
    delivery_date = placed.pop("delivery_date")
    page = _tagged(views.placed_order_view(placed, body.customer_id, delivery_date))
    return JSONResponse(placed, status_code=201, headers={
        "Location": f"{request.url.path}/{placed['order_id']}",
        "ETag": page.headers["ETag"]})


async def _row(request: Request, producer: str, order_id: uuid.UUID, principal):
    """The order, for the producer's people, its customer, or a service reading orders (the
    payments service, before a checkout: scope `orders:read`)."""
    if not (principal.can_reach_producer(producer) or principal.may("orders:read")):
        raise NotFound("no such order")
    async with request.app.state.reads() as session:
        return await views.order_row(session, producer, order_id, principal)


@router.get("", response_model=dict)
async def list_orders(producer: Producer, principal: CurrentPrincipal, request: Request,
                      customer_id: Annotated[str | None, Query(pattern=CUSTOMER_ID_PATTERN)] = None,
                      status: Annotated[Literal["placed", "awaiting_payment", "accepted",
                                                "cancelled"] | None, Query()] = None,
                      before: datetime | None = None,
                      limit: Annotated[int, Query(ge=1, le=views.LIST_MAX)] = 50) -> dict:
    """The producer's orders, newest first, each as its own page shows it (status, settlement,
    payment): an operator's of any customer (or of `customer_id`), a customer's of its own only.
    `before` (an order's `placed_at`) pages back. `invoices`: the numbers issued for each
    order (invoices and factures d'avoir, in order of issue). `payment_tracking`: whether the producer
    tracks payments (off: settlements mean nothing yet, and no balance is shown)."""
    if not principal.can_reach_producer(producer):
        raise NotFound("no such producer")
    if principal.role == "customer":
        if customer_id not in (None, principal.customer_id):
            raise NotFound("no such customer")
        customer_id = principal.customer_id
    async with request.app.state.reads() as session:
        rows = await views.order_rows(session, producer, customer_id, status, before, limit)
        tracking = await views.tracking_of(session, producer)
        invoiced = await views.invoices_of_orders(session, producer,
                                                  [row.order_id for row in rows])
    return {"orders": [{**views.order_view(row, with_placed_at=True),
                        "invoices": invoiced.get(row.order_id, [])} for row in rows],
            "payment_tracking": tracking}


@router.get("/{order_id}", response_model=dict, responses={304: {
    "description": "`If-None-Match` names the order as it still is (after `wait` seconds, if given)"}})
async def get_order(producer: Producer, order_id: uuid.UUID, principal: CurrentPrincipal,
                    request: Request, if_none_match: Annotated[str | None, Header()] = None,
                    wait: Annotated[float, Query(ge=0, le=WAIT_MAX_S, description=WAIT_DOC)] = 0,
                    ) -> Response:
    """The order, with an ETag: a page waiting for its payment link asks with `If-None-Match`
    and `wait`, and gets it the moment it is there instead of asking again and again."""
    known = _entity_tags(if_none_match)
    read = partial(_order_answer, request, producer, order_id, principal)
    if not known or wait == 0:
        return _unless_known(await read(), known)
    changes = request.app.state.order_changes
    async with changes.watching(order_id, ready_within_s=min(wait, REREAD_S)) as changed:
        deadline = time.monotonic() + wait
        while True:
            changed.clear()  # before the read: a change committed after it sets it again
            answer = await read()
            remaining = deadline - time.monotonic()
            if answer.headers["ETag"] not in known or remaining <= 0:
                return _unless_known(answer, known)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), min(remaining, REREAD_S))


async def _order_answer(request: Request, producer: str, order_id: uuid.UUID,
                        principal) -> JSONResponse:
    return _tagged(views.order_view(await _row(request, producer, order_id, principal)))


def _tagged(page: dict) -> JSONResponse:
    """The order's page with its ETag: a digest of the very bytes sent."""
    answer = JSONResponse(page)
    answer.headers["ETag"] = f'"{hashlib.blake2b(answer.body, digest_size=8).hexdigest()}"'
    return answer


def _entity_tags(if_none_match: str | None) -> set[str]:
    """The tags an `If-None-Match` names; weak ones compare as strong (RFC 9110, 13.1.2)."""
    if not if_none_match:
        return set()
    return {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}


def _unless_known(answer: JSONResponse, known: set[str]) -> Response:
    if answer.headers["ETag"] in known:
        return Response(status_code=304, headers={"ETag": answer.headers["ETag"]})
    return answer


@router.post("/{order_id}/payment-attempts", status_code=202, responses={
    409: {"description": "the order's online payment has not failed or expired"}})
async def retry_payment(producer: Producer, order_id: uuid.UUID, principal: CurrentPrincipal,
                        request: Request) -> dict:
    """Pay online again after a failed or expired checkout (a new attempt, a new checkout)."""
    await _row(request, producer, order_id, principal)
    return await handlers.retry_payment(producer, order_id, _uow(request))


@router.get("/{order_id}/invoice", response_class=HTMLResponse, responses={200: {"content": {
    "application/json": {}, "application/pdf": {}}}, 409: {
    "description": "a PDF is of an issued invoice: this order is not invoiced yet"}})
async def invoice(producer: Producer, order_id: uuid.UUID, principal: CurrentPrincipal,
                  request: Request, format: Format = None) -> Response:
    """The order's invoice in force, as HTML (a preview, marked so, while none is issued),
    PDF, or JSON with `Accept: application/json` (API.md's fields, `invoice_number`, and
    `invoices`: every invoice and facture d'avoir issued for the order, in order of issue)."""
    row = await _row(request, producer, order_id, principal)
    kind = printing.wanted(request, format)
    async with request.app.state.reads() as session:
        issued = await views.live_invoice(session, producer, order_id)
        issued_for = (await views.invoices_of_orders(session, producer, [order_id])
                      if kind == "json" else {})
    if kind == "json":
        printout = await printing.printout_of(request, row, issued)
        return JSONResponse({**invoice_document(printout),
                             "invoice_number": issued.number if issued else None,
                             "invoices": issued_for.get(order_id, [])})
    if issued is not None:
        return await printing.document_answer(request, issued.document, row, kind)
    if kind == "pdf":
        raise Conflict("this order is not invoiced yet: POST …/invoices issues its invoice")
    return await printing.preview_answer(request, row)


@router.get("/{order_id}/receipt", response_class=PlainTextResponse, responses={200: {
    "content": {"application/octet-stream": {}}}})
async def receipt(producer: Producer, order_id: uuid.UUID, principal: CurrentPrincipal,
                  request: Request, format: Annotated[Literal["text", "escpos"], Query(
                      description="`escpos`: bytes for a thermal printer")] = "text",
                  paper: Annotated[int, Query(
                      description="the printer's paper width in mm (`escpos`): 58 or 80")] = 80,
                  ) -> Response:
    """A till receipt: text at most 42 characters wide, or ESC/POS bytes for a 58 or 80 mm
    thermal printer (32 or 48 columns)."""
    printout = await printing.printout_of(request, await _row(request, producer, order_id,
                                                              principal))
    if paper not in (58, 80):
        raise Invalid("a thermal printer's paper is 58 or 80 mm wide", "paper")
    if format == "escpos":
        return Response(escpos_receipt(printout, paper), media_type="application/octet-stream",
                        headers={"Content-Disposition": 'attachment; filename="ticket.bin"'})
    return PlainTextResponse(receipt_text(printout))
