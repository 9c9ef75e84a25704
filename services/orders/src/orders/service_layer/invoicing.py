"""Issuing invoices and factures d'avoir: one number each, from a series without a gap."""

import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from ardoise.changes import Change
from ardoise.errors import Conflict, Invalid, NotFound
from ardoise.events import (
    InvoiceIssued,
    InvoiceLine,
    InvoicingChanged,
    SettlementChanged,
    VatAmounts,
)
from orders.domain import invoices
from orders.domain.invoices import CREDIT_INVOICE, INVOICE, Buyer, Invoicing
from orders.domain.order import DEFAULT_TIME_ZONE, Line

log = logging.getLogger(__name__)
BuyerOf = Callable[[str, str], Awaitable[Buyer]]
"""The buyer as an invoice names it, asked of the accounts service (producer, customer)."""


async def change_invoicing(producer_id: str, changes: dict, uow,
                           change: Change | None = None) -> Invoicing:
    """The producer's identity and invoicing choices, and who changed them when (`change`); a
    field left out keeps its value."""
    async with uow:
        current = await uow.invoices.invoicing(producer_id)
        value = Invoicing(**{**current.as_dict(), **changes})
        await uow.invoices.save_invoicing(producer_id, value, change)
        uow.publish(InvoicingChanged(producer_id=producer_id, legal_name=value.legal_name,
                                     siret=value.siret, vat_regime=value.vat_regime))
        await uow.commit()
    return value


async def issue_invoice(producer_id: str, order_id: uuid.UUID, uow, buyer_of: BuyerOf,
                        now: datetime, actor: str | None = None) -> tuple[dict, bool]:
    """The order's invoice in force, issued now by `actor` (None: the system) unless it already
    is (then `False`): the order's row stays locked while its number is given, so an order has
    one at a time."""
    async with uow:
        order = await uow.orders.get_for_update(producer_id, order_id)
        if order is None:
            raise NotFound("no such order")
        known = await uow.invoices.live_invoice(producer_id, order_id)
        if known is not None:
            return known.document, False
        customer_id = order.customer_id
    buyer = await buyer_of(producer_id, customer_id)  # no lock held while the accounts answer
    async with uow:
        order = await uow.orders.get_for_update(producer_id, order_id)
        known = await uow.invoices.live_invoice(producer_id, order_id)
        if known is not None:
            return known.document, False
        invoicing = await uow.invoices.invoicing(producer_id)
        invoicing.check_can_issue()
        buyer.check_can_be_invoiced()
        sequence, issued_at = await uow.invoices.next_number(producer_id, INVOICE, now)
        document = invoices.issue_invoice(
            invoices.number_text(INVOICE, sequence), issued_at,
            await _local_date(uow, producer_id, issued_at), order,
            [Line.stored(line) for line in order.lines], invoicing, buyer)
        await _record(uow, producer_id, document, sequence, customer_id, issued_at, actor)
        await uow.commit()
    return document, True


async def cancel_invoice(producer_id: str, number: str, uow, now: datetime,
                         actor: str | None = None) -> dict:
    """The facture d'avoir cancelling invoice `number`, issued by `actor`; the order can then be
    invoiced anew."""
    async with uow:
        invoice = await uow.invoices.get(producer_id, number)
        if invoice is None:
            raise NotFound("no such invoice")
        await uow.orders.get_for_update(producer_id, invoice.order_id)
        if await uow.invoices.is_cancelled(producer_id, number):
            raise Conflict(f"invoice {number} is already cancelled by a facture d'avoir")
        invoicing = await uow.invoices.invoicing(producer_id)
        sequence, issued_at = await uow.invoices.next_number(producer_id, CREDIT_INVOICE, now)
        document = invoices.cancel_invoice(
            invoice.document, invoices.number_text(CREDIT_INVOICE, sequence), issued_at,
            await _local_date(uow, producer_id, issued_at), invoicing)
        await _record(uow, producer_id, document, sequence, invoice.customer_id, issued_at,
                      actor)
        await uow.commit()
    return document


async def _local_date(uow, producer_id: str, moment: datetime) -> str:
    zone = await uow.orders.time_zone(producer_id) or DEFAULT_TIME_ZONE
    return moment.astimezone(ZoneInfo(zone)).date().isoformat()


async def _record(uow, producer_id: str, document: dict, sequence: int, customer_id: str,
                  issued_at: datetime, actor: str | None) -> None:
    await uow.invoices.add(producer_id, document, sequence, customer_id, issued_at, actor)
    uow.publish(InvoiceIssued(
        producer_id=producer_id, order_id=uuid.UUID(document["order_id"]),
        customer_id=customer_id, number=document["number"], kind=document["kind"],
        issued_at=issued_at, issue_date=document["issue_date"],
        corrects=(document["corrects"] or {}).get("number"),
        customer_name=document["buyer"]["name"], total_ht_cents=document["total_ht_cents"],
        total_vat_cents=document["total_vat_cents"], total_cents=document["total_cents"],
        vat=[VatAmounts(**row) for row in document["vat"]],
        lines=[InvoiceLine(**{name: line[name] for name in InvoiceLine.model_fields})
               for line in document["lines"]], actor=actor))


async def invoice_delivered(event: SettlementChanged, uow, buyer_of: BuyerOf,
                            now: datetime) -> None:
    """A producer invoicing on delivery: the order handed over (its settlement recorded, in any
    mode but `not_delivered`) is invoiced, once; a producer whose identity is incomplete is
    not (its invoices are then issued on request, where the missing mention is named)."""
    if event.mode == "not_delivered":
        return
    async with uow:
        wanted = (await uow.invoices.invoicing(event.producer_id)).invoice_on_delivery
    if not wanted:
        return
    try:
        await issue_invoice(event.producer_id, event.order_id, uow, buyer_of, now)
    except (Invalid, NotFound) as refused:
        log.warning("order %s not invoiced on delivery: %s", event.order_id, refused.message)
