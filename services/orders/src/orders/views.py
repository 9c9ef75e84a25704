"""Read side: an order as the API shows it, and what an invoice states."""

import uuid
from datetime import UTC, date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from sqlalchemy import and_, bindparam, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from ardoise.auth import Principal
from ardoise.changes import Change
from ardoise.errors import NotFound
from orders.adapters.accounts_client import CustomerFigures
from orders.adapters.invoices_repository import InvoicesRepository
from orders.adapters.orm import orders, payments, producers, settlements
from orders.domain import vat
from orders.domain.invoices import INVOICE, REGIMES, Invoicing
from orders.domain.order import DEFAULT_TIME_ZONE, Line
from orders.domain.printouts import Printout

PAYMENT_COLUMNS = ("balance_applied_cents", "amount_due_cents", "checkout_id", "checkout_url",
                   "status")


def _order_statement():
    """Orders with their settlement, their producer's tracking and their latest payment attempt
    (`payment_*`): built once, since building the lateral join costs more than running it."""
    latest = (select(payments)
              .where(payments.c.producer_id == orders.c.producer_id,
                     payments.c.order_id == orders.c.order_id)
              .order_by(payments.c.attempt.desc()).limit(1).lateral("latest_payment"))
    joined = orders.outerjoin(settlements, and_(
        settlements.c.producer_id == orders.c.producer_id,
        settlements.c.order_id == orders.c.order_id,
    )).outerjoin(producers, producers.c.producer_id == orders.c.producer_id
    ).outerjoin(latest, true())
    return (select(orders, settlements.c.mode, settlements.c.amount_paid_cents,
                   settlements.c.credit_note_cents, settlements.c.credit_note_number,
                   producers.c.payment_tracking, producers.c.time_zone,
                   latest.c.attempt.label("payment_attempt"),
                   *(latest.c[name].label(f"payment_{name}") for name in PAYMENT_COLUMNS))
            .select_from(joined))


ORDER = _order_statement().where(orders.c.producer_id == bindparam("producer_id"),
                                 orders.c.order_id == bindparam("order_id"))
_ORDERS_PAGE = _order_statement()


async def order_row(session: AsyncSession, producer_id: str, order_id: uuid.UUID,
                    principal: Principal):
    """The order as `ORDER` reads it; NotFound when this principal may not see it."""
    row = (await session.execute(ORDER, {"producer_id": producer_id, "order_id": order_id})).first()
    if row is None or not (principal.may("orders:read")
                           or principal.can_reach_customer(producer_id, row.customer_id)):
        raise NotFound("no such order")
    return row


LIST_MAX = 200


async def order_rows(session: AsyncSession, producer_id: str, customer_id: str | None,
                     status: str | None, before: datetime | None, limit: int) -> list:
    """The producer's orders (of one customer when named), newest first, `limit` of them placed
    before `before`."""
    query = (_ORDERS_PAGE.where(orders.c.producer_id == producer_id)
             .order_by(orders.c.created_at.desc(), orders.c.order_id.desc()).limit(limit))
    if customer_id is not None:
        query = query.where(orders.c.customer_id == customer_id)
    if status is not None:
        query = query.where(orders.c.status == status)
    if before is not None:
        query = query.where(orders.c.created_at < before)
    return list(await session.execute(query))


async def tracking_of(session: AsyncSession, producer_id: str) -> bool:
    """Whether the producer tracks payments, as last heard (off until heard on)."""
    return (await session.execute(select(producers.c.payment_tracking).where(
        producers.c.producer_id == producer_id))).scalar() is True


def payment_view(row) -> dict | None:
    """The latest payment attempt of an order row, or None when it was never paid online."""
    if row.payment_attempt is None:
        return None
    return {name: getattr(row, f"payment_{name}") for name in PAYMENT_COLUMNS}


def order_view(row, with_placed_at: bool = False) -> dict:
    view = {
        "order_id": str(row.order_id), "customer_id": row.customer_id,
        "total_cents": row.total_cents, "delivery_date": row.delivery_date.isoformat(),
        "status": row.status,
        "settlement": {"mode": row.mode or "not_delivered",
                       "amount_paid_cents": row.amount_paid_cents or 0},
        "payment": payment_view(row),
    }
    if with_placed_at:  # in lists (the order's own page keeps API.md's fields, and its tag)
        view["placed_at"] = row.created_at.isoformat()
    return view


def placed_order_view(placed: dict, customer_id: str, delivery_date: date) -> dict:
    """The page of an order just placed (`handlers.place_order`'s answer), before any
    settlement or payment reached it: what `order_view` shows of it at that moment."""
    return order_view(SimpleNamespace(
        order_id=placed["order_id"], customer_id=customer_id, total_cents=placed["total_cents"],
        delivery_date=delivery_date, status=placed["status"], mode=None, amount_paid_cents=None,
        payment_attempt=None))


def tracking_is_on(row) -> bool:
    """Payment tracking, as last heard from the payments service: off until it says it is on."""
    return row.payment_tracking is True


def printout(row, figures: CustomerFigures, now: datetime, invoicing: Invoicing | None = None,
             invoice=None) -> Printout:
    """The order as printed at `now`: the customer's name, and its balance while tracking is on;
    times in the producer's time zone; the producer's identity, and the VAT of the invoice in
    force (else of the order as it would be invoiced)."""
    zone = ZoneInfo(row.time_zone or DEFAULT_TIME_ZONE)
    tracking = tracking_is_on(row)
    invoicing = invoicing or Invoicing()
    lines = [Line.stored(line) for line in row.lines]
    if invoice is not None:
        rows = [vat.VatRow(**amounts) for amounts in invoice.document["vat"]]
    else:
        rows = vat.breakdown([(invoicing.line_rate(line.vat_rate), line.amount_cents)
                              for line in lines])
    mention = REGIMES[invoicing.vat_regime]
    return Printout(
        order_id=str(row.order_id), producer_id=row.producer_id, customer_id=row.customer_id,
        customer_name=figures.name or row.customer_id,
        delivery_date=row.delivery_date.isoformat(), lines=lines,
        total_cents=row.total_cents, tracking=tracking,
        mode=row.mode or "not_delivered", amount_paid_cents=row.amount_paid_cents or 0,
        credit_note_cents=row.credit_note_cents or 0, credit_note_number=row.credit_note_number,
        balance_cents=figures.balance_cents if tracking else None,
        printed_at=now.astimezone(UTC).isoformat(timespec="seconds"),
        printed_local=now.astimezone(zone),
        seller_name=invoicing.legal_name, seller_address=invoicing.address,
        siret=invoicing.siret, vat_number=invoicing.vat_number if mention is None else None,
        invoice_number=invoice.number if invoice is not None else None,
        vat_rows=() if mention else tuple(rows), vat_mention=mention,
        available_cents=(figures.available_cents
                         if tracking and invoicing.receipt_shows_available else None),
    )


async def invoicing_of(session: AsyncSession, producer_id: str) -> Invoicing:
    return await InvoicesRepository(session).invoicing(producer_id)


async def invoicing_change_of(session: AsyncSession, producer_id: str) -> Change:
    return await InvoicesRepository(session).invoicing_change(producer_id)


async def invoice_row(session: AsyncSession, producer_id: str, number: str):
    return await InvoicesRepository(session).get(producer_id, number)


async def live_invoice(session: AsyncSession, producer_id: str, order_id: uuid.UUID):
    return await InvoicesRepository(session).live_invoice(producer_id, order_id)


async def invoice_rows(session: AsyncSession, producer_id: str, customer_id: str | None,
                       from_date: date | None, to_date: date | None, limit: int,
                       offset: int) -> list[dict]:
    rows = await InvoicesRepository(session).listed(producer_id, customer_id, from_date,
                                                    to_date, limit, offset)
    return [{"number": row.number, "kind": row.kind, "order_id": str(row.order_id),
             "customer_id": row.customer_id, "customer_name": row.customer_name,
             "issue_date": row.issue_date, "issued_at": row.issued_at.isoformat(),
             "total_cents": row.total_cents, "corrects": row.corrects,
             "in_force": row.in_force if row.kind == INVOICE else None,
             "issued_by": row.issued_by}
            for row in rows]


async def invoices_of_orders(session: AsyncSession, producer_id: str,
                             order_ids: list[uuid.UUID]) -> dict:
    return await InvoicesRepository(session).of_orders(producer_id, order_ids) if order_ids else {}


def payment_now(row) -> dict | None:
    """The order's settlement as it is now (documents print it; it is not part of the issued
    invoice, which never changes): None while payment tracking is off."""
    if not tracking_is_on(row):
        return None
    return {"mode": row.mode or "not_delivered", "amount_paid_cents": row.amount_paid_cents or 0,
            "credit_note_number": row.credit_note_number,
            "credit_note_cents": row.credit_note_cents or 0}


def printed_facts(printout: Printout) -> dict:
    """What a print states of this moment: when, and the customer's balance."""
    return {"printed_text": printout.printed_text, "balance_status": printout.balance_status,
            "balance_cents": printout.balance_cents}
