"""The producer's identity on its invoices (`/facturation`): legal name, address, SIRET, VAT,
payment terms, and when invoices are issued."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from web import signin
from web.gateways import Refused
from web.pages.common import (
    CheckedOperator,
    OperatorSession,
    flash_of,
    flash_shown,
    gateways,
    page,
    set_flash,
)
from web.pages.common import producer_path as _base
from web.pages.invoicing_views import (
    RATES,
    REGIMES,
    FormProblems,
    field_problems,
    invoicing_body,
    typed_values,
)

router = APIRouter(tags=["invoices"])

SETTINGS_FLASH = "ardoise_facturation"
"""What saving did, carried across the redirect to `/facturation`."""


def _settings_page(request: Request, session: signin.Session, values: dict,
                   status_code: int = 200, problems: dict | None = None, **context):
    return page(request, "invoicing.html", session, status_code=status_code, values=values,
                problems=problems or {}, regimes=REGIMES, rates=RATES, **context)


@router.get("/facturation")
async def invoicing_page(request: Request, session: OperatorSession):
    saved = await gateways(request).json(session.principal, "orders", "GET",
                                         f"{_base(session)}/invoicing")
    said = flash_of(request, SETTINGS_FLASH)
    return flash_shown(_settings_page(request, session, saved, message=said), SETTINGS_FLASH,
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
        return set_flash(request, answer, SETTINGS_FLASH, "/facturation",
                      "Identité de facturation enregistrée.")
    return _settings_page(request, session, typed_values(form), status_code=422,
                          problems=problems, problem="Identité non enregistrée : "
                          + (problems.get("") or "corrigez les champs signalés."))
