"""An order's numbered invoice in the pages: the fragment that shows its number and PDF, issuing
it, and cancelling it by a facture d'avoir."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from web import signin
from web.gateways import Refused, Unavailable
from web.pages.common import (
    AnySession,
    CheckedOperator,
    flash_of,
    flash_shown,
    gateways,
    order_missing,
    order_uuid,
    page,
    set_flash,
)
from web.pages.common import producer_path as _base
from web.pages.invoicing_views import (
    invoice_number,
    issue_problem,
    issued_documents,
    missing_field,
    stale_cancel_problem,
)

router = APIRouter(tags=["invoices"])

FLASH = "ardoise_facture"
"""What issuing did, carried across the redirect to the invoice page (read by its fragment)."""


async def _invoice_json(request: Request, session: signin.Session, order_id: str) -> dict:
    """The order's invoice as JSON (empty when it cannot be read now)."""
    try:
        return await gateways(request).json(session.principal, "orders", "GET",
                                            f"{_base(session)}/orders/{order_id}/invoice",
                                            params={"format": "json"})
    except (Refused, Unavailable):
        return {}


async def _in_force(request: Request, session: signin.Session, order_id: str) -> str | None:
    """The number of the order's invoice in force (None: none, or it cannot be read now)."""
    return invoice_number((await _invoice_json(request, session, order_id)).get(
        "invoice_number"))


async def _customer_of(request: Request, session: signin.Session, order_id: str) -> str | None:
    """The order's customer, to link to its details (None when it cannot be read now)."""
    return (await _invoice_json(request, session, order_id)).get("customer_id")


@router.get("/commandes/{order_id}/facture/etat")
async def invoice_state(request: Request, session: AnySession, order_id: str):
    """The fragment the invoice page loads: its number and PDF once issued, else (operator)
    the button that issues it."""
    found = order_uuid(order_id)
    if found is None:
        return order_missing(request, session)
    path, said = f"/commandes/{found}/facture", flash_of(request, FLASH)
    shown = {"order_id": found, "message": said,
             "operator": session.principal.role == "operator"}
    try:
        invoice = await gateways(request).json(
            session.principal, "orders", "GET", f"{_base(session)}/orders/{found}/invoice",
            params={"format": "json"})
    except Refused as refused:
        if refused.status in (403, 404, 422):
            return order_missing(request, session)
        raise
    except Unavailable as down:
        return page(request, "invoices_state.html", session, **shown, problem=down.message)
    answer = page(request, "invoices_state.html", session, **shown,
                  number=invoice_number(invoice.get("invoice_number")),
                  documents=issued_documents(invoice.get("invoices")))
    return flash_shown(answer, FLASH, path, said)


@router.post("/commandes/{order_id}/facture/emettre")
async def issue_invoice(request: Request, session: CheckedOperator, order_id: str):
    found = order_uuid(order_id)
    if found is None:
        return order_missing(request, session)
    refused_page = {"order_id": found, "heading": "Facture non émise", "to_settings": True}
    try:
        answer = await gateways(request).call(
            session.principal, "orders", "POST", f"{_base(session)}/orders/{found}/invoices",
            timeout=30)
    except Refused as refused:
        if refused.status in (403, 404):
            return order_missing(request, session)
        customer_id = None
        if missing_field(refused.detail) == "customer.address":
            customer_id = await _customer_of(request, session, found)
        return page(request, "invoices_refused.html", session, **refused_page,
                    status_code=refused.status if refused.status in (409, 422) else 400,
                    problem=issue_problem(refused.detail), customer_id=customer_id)
    except Unavailable:
        return page(request, "invoices_refused.html", session, **refused_page, status_code=503,
                    problem="Facture non émise : un service ne répond pas pour le moment. "
                            "Rien n'a été émis ; réessayez dans un instant.")
    number = invoice_number(answer.json().get("number")) or "?"
    said = f"Facture {number} émise." if answer.status_code == 201 \
        else f"La facture {number} était déjà émise."
    back = f"/commandes/{found}/facture"
    return set_flash(request, RedirectResponse(back, status_code=303), FLASH, back, said)


@router.post("/commandes/{order_id}/facture/annuler")
async def cancel_invoice(request: Request, session: CheckedOperator, order_id: str,
                         number: Annotated[str, Form(max_length=40)] = "",
                         confirm: Annotated[str, Form(max_length=10)] = ""):
    """The order's invoice in force cancelled in full by a facture d'avoir (orders `POST
    …/invoices/{number}/credit-invoice`); the order can then be invoiced anew. Only the invoice
    the page showed is cancelled: a page left open after another change (the invoice cancelled
    or issued again meanwhile) cancels nothing and says why."""
    found = order_uuid(order_id)
    if found is None:
        return order_missing(request, session)
    refused_page = {"order_id": found, "heading": "Facture non annulée"}
    asked = invoice_number(number)
    if asked is None or confirm != "on":
        return page(request, "invoices_refused.html", session, **refused_page, status_code=422,
                    problem="Facture non annulée : cochez la case qui confirme l'annulation "
                            "de la facture affichée, puis validez.")
    calls = gateways(request)
    try:
        invoice = await calls.json(session.principal, "orders", "GET",
                                   f"{_base(session)}/orders/{found}/invoice",
                                   params={"format": "json"})
        if invoice.get("invoice_number") != asked:
            return page(request, "invoices_refused.html", session, **refused_page,
                        status_code=409, problem=stale_cancel_problem(
                            asked, invoice_number(invoice.get("invoice_number"))))
        answer = await calls.call(session.principal, "orders", "POST",
                                  f"{_base(session)}/invoices/{asked}/credit-invoice",
                                  timeout=30)
    except Refused as refused:
        if refused.status in (403, 404, 422):
            return order_missing(request, session)
        # cancelled meanwhile (the orders service refuses a second facture d'avoir): say what
        # is in force now
        return page(request, "invoices_refused.html", session, **refused_page, status_code=409,
                    problem=stale_cancel_problem(asked, await _in_force(request, session,
                                                                        found)))
    except Unavailable:
        return page(request, "invoices_refused.html", session, **refused_page, status_code=503,
                    problem="Facture non annulée : un service ne répond pas pour le moment. "
                            "Rien n'a été émis ; réessayez dans un instant.")
    credit = invoice_number(answer.json().get("number")) or "?"
    said = (f"Facture d'avoir {credit} émise : elle annule la facture {asked}. "
            "La commande peut être facturée à nouveau.")
    back = f"/commandes/{found}/facture"
    return set_flash(request, RedirectResponse(back, status_code=303), FLASH, back, said)
