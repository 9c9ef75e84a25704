"""Numbered invoices in the pages: an order's invoice issued and its PDF, the customer's own
PDFs (`/mon-compte/factures/…`), and the producer's identity on them (`/facturation`)."""

from typing import Annotated
from urllib.parse import quote, unquote

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from web import signin
from web.gateways import Refused, Unavailable
from web.pages.common import (
    AnySession,
    CheckedOperator,
    CustomerSession,
    OperatorSession,
    gateways,
    order_uuid,
    page,
)
from web.pages.common import producer_path as _base
from web.pages.invoicing_views import (
    RATES,
    REGIMES,
    FormProblems,
    field_problems,
    invoice_number,
    invoicing_body,
    issue_problem,
    issued_documents,
    missing_field,
    pdf_headers,
    stale_cancel_problem,
    typed_values,
)

router = APIRouter(tags=["invoices"])

PDF = "application/pdf"
PDF_TIMEOUT_S = 60
"""WeasyPrint lays a page out in tens of milliseconds, a busy server in more."""
FLASH = "ardoise_facture"
"""What issuing did, carried across the redirect to the invoice page (read by its fragment)."""
SETTINGS_FLASH = "ardoise_facturation"


# ---- plumbing -----------------------------------------------------------------------------

def _flash(request: Request, answer, name: str, path: str, message: str):
    answer.set_cookie(name, quote(message[:400]), max_age=120, httponly=True, samesite="lax",
                      path=path, secure=request.app.state.settings.secure_cookies)
    return answer


def _taken(answer, name: str, path: str, said: str | None):
    """The page with the message a redirect left for it, shown once."""
    if said:
        answer.delete_cookie(name, path=path)
    return answer


def _said(request: Request, name: str) -> str | None:
    value = request.cookies.get(name)
    return unquote(value)[:500] if value else None


def _not_found(request: Request, session: signin.Session):
    return page(request, "documents_missing.html", session, status_code=404,
                heading="Commande introuvable",
                problem="Commande introuvable : elle n'existe pas, ou pas pour votre compte.")


def _no_invoice(request: Request, session: signin.Session):
    return page(request, "account_missing.html", session, status_code=404,
                heading="Facture introuvable",
                problem="Facture introuvable : elle n'existe pas, ou pas pour votre compte.")


def _pdf(answer, fallback_name: str) -> Response:
    return Response(answer.content, media_type=PDF,
                    headers=pdf_headers(answer.headers, fallback_name))


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


# ---- an order's invoice -------------------------------------------------------------------

@router.get("/commandes/{order_id}/facture/etat")
async def invoice_state(request: Request, session: AnySession, order_id: str):
    """The fragment the invoice page loads: its number and PDF once issued, else (operator)
    the button that issues it."""
    found = order_uuid(order_id)
    if found is None:
        return _not_found(request, session)
    path, said = f"/commandes/{found}/facture", _said(request, FLASH)
    shown = {"order_id": found, "message": said,
             "operator": session.principal.role == "operator"}
    try:
        invoice = await gateways(request).json(
            session.principal, "orders", "GET", f"{_base(session)}/orders/{found}/invoice",
            params={"format": "json"})
    except Refused as refused:
        if refused.status in (403, 404, 422):
            return _not_found(request, session)
        raise
    except Unavailable as down:
        return page(request, "invoices_state.html", session, **shown, problem=down.message)
    answer = page(request, "invoices_state.html", session, **shown,
                  number=invoice_number(invoice.get("invoice_number")),
                  documents=issued_documents(invoice.get("invoices")))
    return _taken(answer, FLASH, path, said)


@router.post("/commandes/{order_id}/facture/emettre")
async def issue_invoice(request: Request, session: CheckedOperator, order_id: str):
    found = order_uuid(order_id)
    if found is None:
        return _not_found(request, session)
    refused_page = {"order_id": found, "heading": "Facture non émise", "to_settings": True}
    try:
        answer = await gateways(request).call(
            session.principal, "orders", "POST", f"{_base(session)}/orders/{found}/invoices",
            timeout=30)
    except Refused as refused:
        if refused.status in (403, 404):
            return _not_found(request, session)
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
    return _flash(request, RedirectResponse(back, status_code=303), FLASH, back, said)


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
        return _not_found(request, session)
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
            return _not_found(request, session)
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
    return _flash(request, RedirectResponse(back, status_code=303), FLASH, back, said)


@router.get("/factures/{number}.pdf")
async def document_pdf(request: Request, session: OperatorSession, number: str):
    """Any invoice or facture d'avoir of the producer, by its number, as a PDF."""
    return await _numbered_pdf(request, session, number)


@router.get("/commandes/{order_id}/facture.pdf")
async def invoice_pdf(request: Request, session: AnySession, order_id: str):
    """The order's issued invoice as a PDF, for the operator and the order's customer."""
    found = order_uuid(order_id)
    if found is None:
        return _not_found(request, session)
    try:
        answer = await gateways(request).call(
            session.principal, "orders", "GET", f"{_base(session)}/orders/{found}/invoice",
            params={"format": "pdf"}, timeout=PDF_TIMEOUT_S)
    except Refused as refused:
        if refused.status != 409:
            return _not_found(request, session)
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


# ---- the producer's identity --------------------------------------------------------------

def _settings_page(request: Request, session: signin.Session, values: dict,
                   status_code: int = 200, problems: dict | None = None, **context):
    return page(request, "invoicing.html", session, status_code=status_code, values=values,
                problems=problems or {}, regimes=REGIMES, rates=RATES, **context)


@router.get("/facturation")
async def invoicing_page(request: Request, session: OperatorSession):
    saved = await gateways(request).json(session.principal, "orders", "GET",
                                         f"{_base(session)}/invoicing")
    said = _said(request, SETTINGS_FLASH)
    return _taken(_settings_page(request, session, saved, message=said), SETTINGS_FLASH,
                  "/facturation", said)


@router.post("/facturation")
async def change_invoicing(
    request: Request, session: CheckedOperator,
    legal_name: Annotated[str, Form(max_length=1000)] = "",
    address: Annotated[str, Form(max_length=2000)] = "",
    siret: Annotated[str, Form(max_length=100)] = "",
    vat_number: Annotated[str, Form(max_length=100)] = "",
    vat_regime: Annotated[str, Form(max_length=40)] = "",
    default_vat_rate: Annotated[str, Form(max_length=10)] = "",
    legal_form: Annotated[str, Form(max_length=1000)] = "",
    registration: Annotated[str, Form(max_length=1000)] = "",
    email: Annotated[str, Form(max_length=1000)] = "",
    phone: Annotated[str, Form(max_length=1000)] = "",
    payment_terms: Annotated[str, Form(max_length=1000)] = "",
    invoice_on_delivery: Annotated[str, Form(max_length=10)] = "",
    receipt_shows_available: Annotated[str, Form(max_length=10)] = "",
):
    form = {"legal_name": legal_name, "address": address, "siret": siret,
            "vat_number": vat_number, "vat_regime": vat_regime,
            "default_vat_rate": default_vat_rate, "legal_form": legal_form,
            "registration": registration, "email": email, "phone": phone,
            "payment_terms": payment_terms, "invoice_on_delivery": invoice_on_delivery,
            "receipt_shows_available": receipt_shows_available}
    try:
        body = invoicing_body(form)
        await gateways(request).json(session.principal, "orders", "PUT",
                                     f"{_base(session)}/invoicing", json=body)
    except FormProblems as bad:
        problems = bad.problems
    except Refused as refused:
        problems = field_problems(refused.detail)
    else:
        answer = RedirectResponse("/facturation", status_code=303)
        return _flash(request, answer, SETTINGS_FLASH, "/facturation",
                      "Identité de facturation enregistrée.")
    return _settings_page(request, session, typed_values(form), status_code=422,
                          problems=problems, problem="Identité non enregistrée : "
                          + (problems.get("") or "corrigez les champs signalés."))
