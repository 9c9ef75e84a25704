"""The orders HTTP gateway: orders, invoices and till receipts."""

import html
import uuid
from dataclasses import asdict
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse
from pydantic import BaseModel, ConfigDict, Field, StrictInt

from ardoise.errors import Forbidden, NotFound
from ardoise.gateway import CurrentPrincipal
from ardoise.ids import CUSTOMER_ID_PATTERN, PRODUCER_ID_PATTERN
from ardoise.money import format_cents
from ardoise.uow import UnitOfWork
from orders import views
from orders.adapters import orm
from orders.domain.order import MODE_NAMES, Line, Printout, receipt_text
from orders.service_layer import handlers

router = APIRouter(prefix="/v1/producers/{producer}/orders", tags=["orders"])
Producer = Annotated[str, Path(pattern=PRODUCER_ID_PATTERN)]


class LineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    label: str = Field(min_length=1, max_length=200)
    quantity: Annotated[StrictInt, Field(gt=0, le=100_000)]
    unit_price_cents: Annotated[StrictInt, Field(gt=0, le=10**9)]


class OrderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    customer_id: str = Field(pattern=CUSTOMER_ID_PATTERN)
    delivery_date: date | None = None
    lines: list[LineIn] = Field(min_length=1, max_length=500)


@router.post("", status_code=201)
async def place_order(producer: Producer, body: OrderIn, principal: CurrentPrincipal,
                      request: Request) -> dict:
    if not principal.can_reach_producer(producer):
        raise NotFound("no such producer")
    if principal.role == "customer" and principal.customer_id != body.customer_id:
        raise Forbidden("a customer orders for itself only")
    lines = [Line(line.label, line.quantity, line.unit_price_cents) for line in body.lines]
    return await handlers.place_order(
        producer, body.customer_id, body.delivery_date or date.today(), lines,
        UnitOfWork(request.app.state.sessionmaker, orm.outbox, orm.inbox))


async def _row(request: Request, producer: str, order_id: uuid.UUID, principal):
    if not principal.can_reach_producer(producer):
        raise NotFound("no such order")
    async with request.app.state.sessionmaker() as session:
        return await views.order_row(session, producer, order_id, principal)


@router.get("/{order_id}")
async def get_order(producer: Producer, order_id: uuid.UUID, principal: CurrentPrincipal,
                    request: Request) -> dict:
    row = await _row(request, producer, order_id, principal)
    async with request.app.state.sessionmaker() as session:
        payment = await views.latest_payment(session, producer, order_id)
    return views.order_view(row, payment)


@router.post("/{order_id}/payment-attempts", status_code=202)
async def retry_payment(producer: Producer, order_id: uuid.UUID, principal: CurrentPrincipal,
                        request: Request) -> dict:
    """Pay online again after a failed or expired checkout (a new attempt, a new checkout)."""
    await _row(request, producer, order_id, principal)
    return await handlers.retry_payment(
        producer, order_id, UnitOfWork(request.app.state.sessionmaker, orm.outbox, orm.inbox))


async def _printout(request: Request, producer: str, order_id: uuid.UUID, principal) -> Printout:
    row = await _row(request, producer, order_id, principal)
    balance = await request.app.state.accounts.balance_cents(producer, row.customer_id)
    return views.printout(row, balance)


@router.get("/{order_id}/invoice", response_class=HTMLResponse)
async def invoice(producer: Producer, order_id: uuid.UUID, principal: CurrentPrincipal,
                  request: Request):
    p = await _printout(request, producer, order_id, principal)
    if "application/json" in request.headers.get("accept", ""):
        settlement = ({"mode": p.mode, "amount_paid_cents": p.amount_paid_cents}
                      if p.tracking else None)
        return JSONResponse({
            "order_id": p.order_id, "lines": [asdict(line) for line in p.lines],
            "total_cents": p.total_cents, "settlement": settlement,
            "credit_note_cents": p.credit_note_cents if p.tracking else None,
            "credit_note_number": p.credit_note_number if p.tracking else None,
            "balance_cents": p.balance_cents if p.tracking else None, "printed_at": p.printed_at,
        })
    return HTMLResponse(invoice_html(p))


@router.get("/{order_id}/receipt", response_class=PlainTextResponse)
async def receipt(producer: Producer, order_id: uuid.UUID, principal: CurrentPrincipal,
                  request: Request) -> PlainTextResponse:
    return PlainTextResponse(receipt_text(await _printout(request, producer, order_id, principal)))


def invoice_html(p: Printout) -> str:
    e = html.escape
    rows = "".join(
        f"<tr><td>{e(line.label)}</td><td>{line.quantity}</td>"
        f"<td>{format_cents(line.unit_price_cents)}</td><td>{format_cents(line.amount_cents)}</td></tr>"
        for line in p.lines)
    payment = ""
    if p.tracking:
        payment = f"<p>Règlement : {e(MODE_NAMES[p.mode])}"
        payment += f", payé {format_cents(p.amount_paid_cents)}</p>" if p.amount_paid_cents else "</p>"
        if p.credit_note_cents:
            payment += (f"<p>Avoir n°{p.credit_note_number} : "
                        f"{format_cents(p.credit_note_cents)}</p>")
        balance = ("indisponible" if p.balance_cents is None else format_cents(p.balance_cents))
        payment += f"<p>Solde du compte client au {e(p.printed_at)} : {balance}</p>"
    return (f"<!doctype html><html lang=fr><meta charset=utf-8><title>Facture {p.order_id[:8]}"
            f"</title><h1>Facture {p.order_id[:8]}</h1><p>Client : {e(p.customer_id)} — "
            f"livraison le {p.delivery_date}</p><table><tr><th>Article</th><th>Quantité</th>"
            f"<th>Prix unitaire</th><th>Montant</th></tr>{rows}</table>"
            f"<p><strong>Total : {format_cents(p.total_cents)}</strong></p>{payment}</html>")


def main() -> None:
    from ardoise.runtime import serve_gateway
    from orders.bootstrap import create_app
    from orders.config import Settings

    settings = Settings()
    serve_gateway(create_app(settings), settings, "orders")
