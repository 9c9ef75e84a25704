"""The producer's exports page (`/exports`): the workbooks (sales by mode, invoices, customers'
balances, a selection of payments) and the weekly e-mail, its address and sending it now."""

from typing import Annotated
from urllib.parse import quote, unquote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from ardoise.weeks import week_of
from web import signin
from web.gateways import Refused
from web.pages.common import (
    BadInput,
    CheckedOperator,
    OperatorSession,
    gateways,
    local_today,
    page,
    settings_zone,
)
from web.pages.common import producer_path as _base
from web.pages.exports_views import (
    balances_day,
    download_headers,
    invoices_period,
    last_month,
    last_week,
    period,
    selection_body,
    sent_message,
    settings_body,
    settings_problem,
    week_asked,
    week_days,
    week_rows,
    year_end_before,
)

router = APIRouter(tags=["exports"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FLASH = "ardoise_exports"
"""What a form of the exports page did, carried across its redirect; `!` first: a problem."""


# ---- plumbing -----------------------------------------------------------------------------

def _redirect(request: Request, message: str, problem: bool = False) -> RedirectResponse:
    answer = RedirectResponse("/exports", status_code=303)
    answer.set_cookie(FLASH, quote(("!" if problem else "") + message[:400]), max_age=120,
                      httponly=True, samesite="lax", path="/exports",
                      secure=request.app.state.settings.secure_cookies)
    return answer


async def exports_page(request: Request, session: signin.Session, status_code: int = 200,
                       problem: str | None = None, message: str | None = None,
                       du: str | None = None, au: str | None = None,
                       typed: dict | None = None,
                       invoice_days: tuple[str | None, str | None] = (None, None),
                       balances_au: str | None = None):
    weekly = await gateways(request).json(session.principal, "exports", "GET",
                                          f"{_base(session)}/exports/weekly-email")
    zone = await settings_zone(request, session, weekly.get("time_zone") or "Europe/Paris")
    today = local_today(request.app.state.clock(), zone)
    monday, sunday = last_week(today)
    first, last = last_month(today)
    return page(request, "exports.html", session, status_code=status_code, problem=problem,
                message=message, zone=zone, weekly=weekly,
                du=du or monday.isoformat(), au=au or sunday.isoformat(),
                invoices_du=invoice_days[0] or first.isoformat(),
                invoices_au=invoice_days[1] or last.isoformat(),
                balances_au=balances_au or year_end_before(today).isoformat(),
                today=today.isoformat(),
                settings=typed or {"name": weekly.get("name") or "",
                                   "email": weekly.get("email") or ""},
                weeks=week_rows(weekly.get("weeks") or [], zone),
                week=week_of(monday), tracking=weekly.get("payment_tracking", True))


# ---- routes -------------------------------------------------------------------------------

@router.get("/exports")
async def exports(request: Request, session: OperatorSession):
    said = unquote(request.cookies.get(FLASH) or "")[:500]
    problem = said[1:] if said.startswith("!") else None
    answer = await exports_page(request, session, problem=problem,
                                message=None if problem else (said or None))
    if said:
        answer.delete_cookie(FLASH, path="/exports")
    return answer


@router.get("/exports/ventes-par-mode.xlsx")
async def sales_by_mode(request: Request, session: OperatorSession,
                        du: Annotated[str | None, Query(max_length=20)] = None,
                        au: Annotated[str | None, Query(max_length=20)] = None):
    zone = await settings_zone(request, session, "Europe/Paris")
    try:
        first, last = period(du, au, local_today(request.app.state.clock(), zone))
    except BadInput as bad:
        return await exports_page(request, session, status_code=422, problem=str(bad),
                                  du=du, au=au)
    answer = await gateways(request).call(
        session.principal, "exports", "GET", f"{_base(session)}/exports/sales-by-mode.xlsx",
        params={"from": first.isoformat(), "to": last.isoformat()},
        timeout=120)
    return Response(answer.content, media_type=answer.headers.get("content-type", XLSX),
                    headers=download_headers(
                        answer.headers, f"ventes-par-mode_{first}_{last}.xlsx"))


@router.get("/exports/factures.xlsx")
async def invoices_workbook(request: Request, session: OperatorSession,
                            du: Annotated[str | None, Query(max_length=20)] = None,
                            au: Annotated[str | None, Query(max_length=20)] = None):
    zone = await settings_zone(request, session, "Europe/Paris")
    try:
        first, last = invoices_period(du, au, local_today(request.app.state.clock(), zone))
    except BadInput as bad:
        return await exports_page(request, session, status_code=422, problem=str(bad),
                                  invoice_days=(du, au))
    answer = await gateways(request).call(
        session.principal, "exports", "GET", f"{_base(session)}/exports/invoices.xlsx",
        params={"from": first.isoformat(), "to": last.isoformat()}, timeout=120)
    return Response(answer.content, media_type=answer.headers.get("content-type", XLSX),
                    headers=download_headers(answer.headers, f"factures-{first}-{last}.xlsx"))


@router.get("/exports/soldes.xlsx")
async def balances_workbook(request: Request, session: OperatorSession,
                            au: Annotated[str | None, Query(max_length=20)] = None):
    """Every customer's balance at the end of a day, the producer's time (accounts
    `…/customers/balances.xlsx?at=`): what an accountant asks for at a year end."""
    zone = await settings_zone(request, session, "Europe/Paris")
    try:
        day = balances_day(au, local_today(request.app.state.clock(), zone))
        answer = await gateways(request).call(
            session.principal, "accounts", "GET", f"{_base(session)}/customers/balances.xlsx",
            params={"at": day.isoformat()}, timeout=120)
    except BadInput as bad:
        return await exports_page(request, session, status_code=422, problem=str(bad),
                                  balances_au=au)
    except Refused as refused:
        return await exports_page(request, session, status_code=refused.status,
                                  problem=f"Soldes non exportés : {refused.message}",
                                  balances_au=au)
    return Response(answer.content, media_type=answer.headers.get("content-type", XLSX),
                    headers=download_headers(answer.headers, f"soldes-clients-{day}.xlsx"))


@router.post("/exports/paiements.xlsx")
async def received_payments(request: Request, session: CheckedOperator,
                            order_ids: Annotated[list[str], Form()] = [],  # noqa: B006
                            movement_ids: Annotated[list[str], Form()] = [],  # noqa: B006
                            semaine: Annotated[str, Form(max_length=20)] = ""):
    back = f"/paiements?semaine={semaine}" if week_days(semaine) else "/paiements"
    try:
        body = selection_body(order_ids, movement_ids)
        answer = await gateways(request).call(
            session.principal, "exports", "POST", f"{_base(session)}/exports/payments.xlsx",
            json=body, timeout=120)
    except BadInput as bad:
        return page(request, "exports_nothing.html", session, status_code=422,
                    heading="Rien à exporter", problem=str(bad), back=back)
    except Refused as refused:
        if refused.status not in (404, 422):
            raise
        return page(request, "exports_nothing.html", session, status_code=refused.status,
                    heading="Export impossible", back=back,
                    problem="Une commande ou un mouvement de la sélection est inconnu : "
                            "rechargez la page des paiements et recommencez.")
    today = local_today(request.app.state.clock(), "Europe/Paris")
    return Response(answer.content, media_type=answer.headers.get("content-type", XLSX),
                    headers=download_headers(answer.headers, f"paiements-recus_{today}.xlsx"))


@router.post("/exports/reglages")
async def change_settings(request: Request, session: CheckedOperator,
                          name: Annotated[str, Form(max_length=1000)] = "",
                          email: Annotated[str, Form(max_length=1000)] = ""):
    try:
        body = settings_body(name, email)
        await gateways(request).json(session.principal, "exports", "PUT",
                                     f"{_base(session)}/exports/settings", json=body)
    except BadInput as bad:
        problem = str(bad)
    except Refused as refused:
        problem = settings_problem(refused)
    else:
        return _redirect(request, f"Le courriel hebdomadaire ira à {body['email']}.")
    return await exports_page(request, session, status_code=422,
                              problem=f"Réglages non enregistrés. {problem}",
                              typed={"name": name, "email": email})


@router.post("/exports/courriel")
async def send_now(request: Request, session: CheckedOperator,
                   semaine: Annotated[str, Form(max_length=20)] = ""):
    try:
        week = week_asked(semaine)
        answer = await gateways(request).json(
            session.principal, "exports", "POST", f"{_base(session)}/exports/weekly-email",
            params={"week": week}, timeout=60)
    except BadInput as bad:
        return await exports_page(request, session, status_code=422, problem=str(bad))
    except Refused as refused:
        if refused.status != 404:
            raise
        return _redirect(request, "Indiquez d'abord le nom et l'adresse e-mail où envoyer le "
                                  "courriel hebdomadaire.", problem=True)
    went, said = sent_message(answer)
    return _redirect(request, said, problem=not went)
