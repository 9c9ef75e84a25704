"""Debts followed up (`/relances`): the reminder rule, the default credit limit, who the rule
would remind now with a button to remind each by hand; on a customer's page, its own limit and
a reminder sent now. Every figure and every change goes through the accounts gateway."""

import asyncio
from collections.abc import Callable
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Form, Request

from web import signin
from web.gateways import Refused, Unavailable
from web.pages.common import (
    BadInput,
    CheckedOperator,
    OperatorSession,
    credit_limit,
    gateways,
    page,
    plain_euros,
    redirect_with,
    settings_zone,
    shown_with_flash,
    taken_flash,
)
from web.pages.common import producer_path as _base
from web.pages.customers import CustomerId, customer_page
from web.pages.customers_views import REMINDER_STATUSES, customer_url
from web.pages.debts_views import (
    OVER_LIMIT,
    limit_cents,
    limits_body,
    refused_problem,
    reminder_key,
    reminder_refusal,
    reminder_said,
    rule_body,
    rule_form,
)

router = APIRouter(tags=["debts"])
PREVIEW_SIZE = 200
"""Customers listed as due at once, most negative first."""


async def _page(request: Request, session: signin.Session, status_code: int = 200,
                rule: dict | None = None, limits: dict | None = None, **context):
    calls, base = gateways(request), _base(session)
    # the preview carries the rule as saved (and who changed it), with who it would remind
    preview, saved_limits, zone = await asyncio.gather(
        calls.json(session.principal, "accounts", "GET", f"{base}/reminders/preview",
                   params={"limit": PREVIEW_SIZE}),
        calls.json(session.principal, "accounts", "GET", f"{base}/credit-limits"),
        settings_zone(request, session, "Europe/Paris"))
    return page(request, "debts.html", session, status_code=status_code,
                rule=rule or rule_form(preview), saved_rule=preview,
                limits=limits or {"limit": typed(saved_limits.get("credit_limit_cents")),
                                  "over_limit": saved_limits.get("over_limit")},
                saved_limits=saved_limits,
                due=preview.get("customers", []), tracking=preview.get("payment_tracking"),
                over_limit_choices=OVER_LIMIT, statuses=REMINDER_STATUSES,
                preview_size=PREVIEW_SIZE, zone=zone, **context)


def typed(cents: int | None) -> str:
    """A limit as its field shows it: `50,00`, empty for none."""
    return "" if cents is None else plain_euros(cents)


@router.get("/relances")
async def debts_page(request: Request, session: OperatorSession):
    return shown_with_flash(request, await _page(request, session,
                                                 message=taken_flash(request)))


async def _saved(request: Request, session: signin.Session, path: str,
                 body_of: Callable[[], dict], what: str, **typed):
    """A form's body PUT to the accounts gateway: (the body, None) once saved, else (None, the
    page again with what was typed and the problem; nothing saved)."""
    try:
        body = body_of()
        await gateways(request).json(session.principal, "accounts", "PUT",
                                     f"{_base(session)}{path}", json=body)
        return body, None
    except BadInput as bad:
        problem, status = f"{what}. {bad}", 422
    except Refused as refused:
        problem, status = refused_problem(refused, what), refused.status
    return None, await _page(request, session, status_code=status, problem=problem, **typed)


@router.post("/relances/regle")
async def change_rule(request: Request, session: CheckedOperator,
                      active: Annotated[str, Form(max_length=10)] = "",
                      seuil: Annotated[str, Form(max_length=40)] = "",
                      depuis: Annotated[str, Form(max_length=10)] = "",
                      intervalle: Annotated[str, Form(max_length=10)] = "",
                      signature: Annotated[str, Form(max_length=1000)] = "",
                      reponse: Annotated[str, Form(max_length=1000)] = ""):
    typed = {"enabled": active == "on", "threshold": seuil, "for_days": depuis,
             "every_days": intervalle, "farm_name": signature, "reply_to": reponse}
    body, refused = await _saved(request, session, "/reminders/settings",
                                 partial(rule_body, **typed), "Règle non enregistrée", rule=typed)
    if refused is not None:
        return refused
    said = "Règle de relance enregistrée : " + (
        "les relances partent d'elles-mêmes." if body["enabled"]
        else "aucune relance ne part d'elle-même.")
    return redirect_with(request, "/relances", said)


@router.post("/relances/plafond")
async def change_default_limit(request: Request, session: CheckedOperator,
                               plafond: Annotated[str, Form(max_length=40)] = "",
                               depassement: Annotated[str, Form(max_length=20)] = ""):
    body, refused = await _saved(request, session, "/credit-limits",
                                 partial(limits_body, plafond, depassement),
                                 "Plafond non enregistré",
                                 limits={"limit": plafond, "over_limit": depassement})
    if refused is not None:
        return refused
    return redirect_with(request, "/relances", "Plafond par défaut enregistré : "
                         f"{credit_limit(body['credit_limit_cents'])}.")


@router.post("/clients/{customer_id}/relance")
async def remind_now(request: Request, session: CheckedOperator, customer_id: CustomerId,
                     retour: Annotated[str, Form(max_length=20)] = "",
                     apres: Annotated[str, Form(max_length=40)] = ""):
    """A reminder sent now to one customer, whatever the rule; back to the page it came from
    (the debts page, or the customer's own). The form names the last reminder its page showed
    (`apres`): sent twice, it sends one (`reminder_key`)."""
    try:
        answer = await gateways(request).call(
            session.principal, "accounts", "POST",
            f"{_base(session)}/customers/{customer_id}/reminders",
            headers=reminder_key(customer_id, apres))
    except BadInput as bad:
        problem, status = str(bad), 422
    except Refused as refused:
        problem, status = reminder_refusal(refused), 404 if refused.status == 404 else 409
    except Unavailable as down:
        problem, status = (f"{down.message} La relance a pu partir : rechargez la page "
                           "pour le voir avant d'en envoyer une autre."), 503
    else:
        back = "/relances" if retour == "relances" else customer_url(customer_id)
        return redirect_with(request, back,
                             reminder_said(answer.json(), answer.status_code == 200))
    if retour == "relances":
        return await _page(request, session, status_code=status, problem=problem)
    return await customer_page(request, session, customer_id, status_code=status,
                               problem=problem)


@router.post("/clients/{customer_id}/plafond")
async def change_customer_limit(request: Request, session: CheckedOperator,
                                customer_id: CustomerId,
                                plafond: Annotated[str, Form(max_length=40)] = "",
                                defaut: Annotated[str, Form(max_length=10)] = ""):
    """The customer's own limit, or the producer's default again (`defaut=on`)."""
    try:
        own_limit_cents = None if defaut == "on" else limit_cents(plafond)
        if own_limit_cents is None and defaut != "on":
            raise BadInput("Indiquez un plafond en euros (0 : aucune dette), ou cochez « Suivre "
                           "le plafond par défaut ».")
        await gateways(request).json(
            session.principal, "accounts", "PUT",
            f"{_base(session)}/customers/{customer_id}/credit-limit",
            json={"credit_limit_cents": own_limit_cents})
    except BadInput as bad:
        problem, status = f"Plafond non enregistré. {bad}", 422
    except Refused as refused:
        problem, status = refused_problem(refused, "Plafond non enregistré"), refused.status
    else:
        said = ("Ce client suit de nouveau le plafond par défaut." if own_limit_cents is None
                else f"Plafond de ce client enregistré : {credit_limit(own_limit_cents)}.")
        return redirect_with(request, customer_url(customer_id), said)
    return await customer_page(request, session, customer_id, status_code=status,
                               problem=problem, typed_limit=plafond)
