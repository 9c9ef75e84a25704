"""Invoices as PDFs: an order's issued invoice, any invoice or facture d'avoir of the producer
by its number, and the customer's own (`/mon-compte/factures/…`)."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from web import signin
from web.gateways import Refused
from web.pages.common import (
    AnySession,
    CustomerSession,
    OperatorSession,
    gateways,
    order_missing,
    order_uuid,
    page,
)
from web.pages.common import producer_path as _base
from web.pages.invoicing_views import invoice_number, pdf_headers

router = APIRouter(tags=["invoices"])

PDF = "application/pdf"
PDF_TIMEOUT_S = 60
"""WeasyPrint lays a page out in tens of milliseconds, a busy server in more."""


def _no_invoice(request: Request, session: signin.Session):
    return page(request, "account_missing.html", session, status_code=404,
                heading="Facture introuvable",
                problem="Facture introuvable : elle n'existe pas, ou pas pour votre compte.")


def _pdf(answer, fallback_name: str) -> Response:
    return Response(answer.content, media_type=PDF,
                    headers=pdf_headers(answer.headers, fallback_name))


@router.get("/factures/{number}.pdf")
async def document_pdf(request: Request, session: OperatorSession, number: str):
    """Any invoice or facture d'avoir of the producer, by its number, as a PDF."""
    return await _numbered_pdf(request, session, number)


@router.get("/commandes/{order_id}/facture.pdf")
async def invoice_pdf(request: Request, session: AnySession, order_id: str):
    """The order's issued invoice as a PDF, for the operator and the order's customer."""
    found = order_uuid(order_id)
    if found is None:
        return order_missing(request, session)
    try:
        answer = await gateways(request).call(
            session.principal, "orders", "GET", f"{_base(session)}/orders/{found}/invoice",
            params={"format": "pdf"}, timeout=PDF_TIMEOUT_S)
    except Refused as refused:
        if refused.status != 409:
            return order_missing(request, session)
        return page(request, "invoices_refused.html", session, status_code=409,
                    order_id=found, heading="Facture pas encore émise",
                    problem="Cette commande n'a pas encore de facture émise : son PDF vient "
                            "avec son numéro.")
    return _pdf(answer, f"facture-{found[:8]}.pdf")


@router.get("/mon-compte/factures/{number}.pdf")
async def my_invoice_pdf(request: Request, session: CustomerSession, number: str):
    """One of the customer's own invoices (the orders gateway knows no other's: 404)."""
    return await _numbered_pdf(request, session, number)


async def _numbered_pdf(request: Request, session: signin.Session, number: str):
    found = invoice_number(number)
    if found is None:
        return _no_invoice(request, session)
    try:
        answer = await gateways(request).call(
            session.principal, "orders", "GET", f"{_base(session)}/invoices/{found}",
            params={"format": "pdf"}, timeout=PDF_TIMEOUT_S)
    except Refused:
        return _no_invoice(request, session)
    return _pdf(answer, f"{found}.pdf")
