"""The orders HTTP gateway: orders, invoices and till receipts."""

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse
from pydantic import BaseModel, ConfigDict, Field, StrictInt

from ardoise.errors import Forbidden, NotFound
from ardoise.gateway import CurrentPrincipal
from ardoise.ids import CUSTOMER_ID_PATTERN, PRODUCER_ID_PATTERN
from ardoise.text import one_line
from orders import views
from orders.domain.order import Line
from orders.domain.printouts import Printout, invoice_document, invoice_html, receipt_text
from orders.service_layer import handlers
from orders.service_layer.unit_of_work import OrdersUnitOfWork

router = APIRouter(prefix="/v1/producers/{producer}/orders", tags=["orders"])
Producer = Annotated[str, Path(pattern=PRODUCER_ID_PATTERN)]


class LineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    label: Annotated[str, one_line(200, min_length=1)]
    quantity: Annotated[StrictInt, Field(gt=0, le=100_000)]
    unit_price_cents: Annotated[StrictInt, Field(gt=0, le=10**9)]


class OrderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    customer_id: str = Field(pattern=CUSTOMER_ID_PATTERN)
    delivery_date: date | None = None
    lines: list[LineIn] = Field(min_length=1, max_length=500)


def _uow(request: Request) -> OrdersUnitOfWork:
    return OrdersUnitOfWork(request.app.state.sessionmaker)


@router.post("", status_code=201)
async def place_order(producer: Producer, body: OrderIn, principal: CurrentPrincipal,
                      request: Request) -> dict:
    """An operator orders for any customer of its producer; a customer for itself only."""
    if not principal.can_reach_producer(producer):
        raise NotFound("no such producer")
    if principal.role == "customer" and principal.customer_id != body.customer_id:
        raise Forbidden("a customer orders for itself only")
    lines = [Line(line.label, line.quantity, line.unit_price_cents) for line in body.lines]
    return await handlers.place_order(producer, body.customer_id,
                                      body.delivery_date or date.today(), lines, _uow(request))


async def _row(request: Request, producer: str, order_id: uuid.UUID, principal):
    if not principal.can_reach_producer(producer):
        raise NotFound("no such order")
    async with request.app.state.reads() as session:
        return await views.order_row(session, producer, order_id, principal)


@router.get("/{order_id}")
async def get_order(producer: Producer, order_id: uuid.UUID, principal: CurrentPrincipal,
                    request: Request) -> dict:
    return views.order_view(await _row(request, producer, order_id, principal))


@router.post("/{order_id}/payment-attempts", status_code=202, responses={
    409: {"description": "the order's online payment has not failed or expired"}})
async def retry_payment(producer: Producer, order_id: uuid.UUID, principal: CurrentPrincipal,
                        request: Request) -> dict:
    """Pay online again after a failed or expired checkout (a new attempt, a new checkout)."""
    await _row(request, producer, order_id, principal)
    return await handlers.retry_payment(producer, order_id, _uow(request))


async def _printout(request: Request, producer: str, order_id: uuid.UUID, principal) -> Printout:
    """The order as printed now, with the balance the accounts service gives at this moment."""
    row = await _row(request, producer, order_id, principal)
    balance_cents = None
    if views.tracking_is_on(row):
        balance_cents = await request.app.state.accounts.balance_cents(producer, row.customer_id)
    return views.printout(row, balance_cents)


@router.get("/{order_id}/invoice", response_class=HTMLResponse,
            responses={200: {"content": {"application/json": {}}}})
async def invoice(producer: Producer, order_id: uuid.UUID, principal: CurrentPrincipal,
                  request: Request):
    """HTML, or JSON with `Accept: application/json`."""
    printout = await _printout(request, producer, order_id, principal)
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse(invoice_document(printout))
    return HTMLResponse(invoice_html(printout))


@router.get("/{order_id}/receipt", response_class=PlainTextResponse)
async def receipt(producer: Producer, order_id: uuid.UUID, principal: CurrentPrincipal,
                  request: Request) -> PlainTextResponse:
    """A till receipt, at most 42 characters wide."""
    return PlainTextResponse(receipt_text(await _printout(request, producer, order_id, principal)))


def main() -> None:
    from ardoise.runtime import serve_gateway
    from orders.bootstrap import create_app
    from orders.config import Settings

    settings = Settings()
    serve_gateway(create_app(settings), settings, "orders")
