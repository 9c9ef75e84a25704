"""The producer's journal (`/journal`): its verification, its closings, the files it hands out
(FEC, sales per day, signed archives) and its settings, over the journal gateway."""

import asyncio
from datetime import date, datetime
from typing import Annotated
from urllib.parse import quote, unquote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from web import signin
from web.gateways import Refused, Unavailable
from web.pages.common import BadInput, CheckedOperator, OperatorSession, gateways, page
from web.pages.common import producer_path as _base
from web.pages.journal_views import (
    MONTHS,
    VARIANTS,
    archive_asked,
    closing_row,
    daily_period,
    download_headers,
    fec_problem,
    fec_years,
    last_month,
    settings_body,
    settings_form,
    settings_problem,
    verification_view,
)

router = APIRouter(tags=["journal"])

FLASH = "ardoise_journal"
"""What the settings form did, carried across its redirect to the page."""
SHOWN = {"day": 10, "month": 12, "year": 10}
"""How many of the last closings the page lists, per period."""
FILE_TIMEOUT_S = 120
"""A fiscal year's FEC or archive is written from all its entries: seconds, on a busy year."""


def _path(session: signin.Session) -> str:
    return f"{_base(session)}/journal"


def _today(request: Request, zone: str):
    now: datetime = request.app.state.clock()
    return now.astimezone(ZoneInfo(zone)).date()


async def _saved(request: Request, session: signin.Session) -> dict:
    return await gateways(request).json(session.principal, "journal", "GET",
                                        f"{_path(session)}/settings")


async def journal_page(request: Request, session: signin.Session, status_code: int = 200,
                       problem: str | None = None, message: str | None = None,
                       typed: dict | None = None, verification: dict | None = None,
                       daily: tuple[str | None, str | None] = (None, None)):
    def ask(path: str, **params):
        return gateways(request).json(session.principal, "journal", "GET",
                                      f"{_path(session)}/{path}", params=params)

    saved, days, months, years, key, first = await asyncio.gather(
        ask("settings"), *(ask("closings", period=period, limit=limit)
                           for period, limit in SHOWN.items()),
        ask("public-key"), ask("entries", limit=1))
    zone = saved.get("time_zone") or "Europe/Paris"
    today = _today(request, zone)
    first_day = first["entries"][0]["day"] if first.get("entries") else None
    previous = last_month(today)
    closings = {period: [closing_row(c, zone) for c in found["closings"]]
                for period, found in zip(SHOWN, (days, months, years), strict=True)}
    return page(request, "journal.html", session, status_code=status_code, problem=problem,
                message=message, settings=saved, form=typed or settings_form(saved),
                variants=VARIANTS, months=MONTHS, closings=closings, key=key,
                verification=verification, zone=zone,
                years=fec_years(first_day and date.fromisoformat(first_day), today,
                                saved.get("fiscal_year_start") or "01-01"),
                daily_du=daily[0] or previous[0].isoformat(),
                daily_au=daily[1] or previous[1].isoformat())


def _file(answer, media_type: str, fallback_name: str) -> Response:
    return Response(answer.content, media_type=answer.headers.get("content-type", media_type),
                    headers=download_headers(answer.headers, fallback_name))


@router.get("/journal")
async def journal(request: Request, session: OperatorSession):
    said = unquote(request.cookies.get(FLASH) or "")[:500]
    answer = await journal_page(request, session, message=said or None)
    if said:
        answer.delete_cookie(FLASH, path="/journal")
    return answer


@router.post("/journal/verifier")
async def verify(request: Request, session: CheckedOperator):
    """Every chain recomputed by the journal; htmx swaps the result in, a plain form gets the
    page with it."""
    fragment = bool(request.headers.get("HX-Request"))
    try:
        report = await gateways(request).json(session.principal, "journal", "GET",
                                              f"{_path(session)}/verify",
                                              timeout=FILE_TIMEOUT_S)
        zone = (await _saved(request, session)).get("time_zone") or "Europe/Paris"
    except Unavailable as down:
        if not fragment:
            raise
        # htmx swaps in 2xx answers only: the problem comes as one
        return page(request, "journal_verification.html", session,
                    verification_problem=down.message)
    verification = verification_view(report, zone)
    if fragment:
        return page(request, "journal_verification.html", session, verification=verification)
    return await journal_page(request, session, verification=verification)


@router.post("/journal/reglages")
async def change_settings(request: Request, session: CheckedOperator,
                          jour: Annotated[str, Form(max_length=10)] = "",
                          mois: Annotated[str, Form(max_length=10)] = "",
                          fec_variant: Annotated[str, Form(max_length=20)] = ""):
    try:
        body = settings_body(jour, mois, fec_variant)
        await gateways(request).json(session.principal, "journal", "PUT",
                                     f"{_path(session)}/settings", json=body)
    except BadInput as bad:
        problem = str(bad)
    except Refused as refused:
        if refused.status not in (409, 422):
            raise
        problem = settings_problem(refused.status, refused.detail)
    else:
        answer = RedirectResponse("/journal", status_code=303)
        answer.set_cookie(FLASH, quote("Réglages du journal enregistrés."), max_age=120,
                          httponly=True, samesite="lax", path="/journal",
                          secure=request.app.state.settings.secure_cookies)
        return answer
    return await journal_page(request, session, status_code=422,
                              problem=f"Réglages non enregistrés. {problem}",
                              typed={"jour": jour, "mois": mois, "fec_variant": fec_variant})


@router.get("/journal/fec")
async def fec(request: Request, session: OperatorSession,
              annee: Annotated[str, Query(max_length=10)] = ""):
    """The FEC of the fiscal year closing in `annee`, for the accountant."""
    if not (annee.strip().isdigit() and 2000 <= int(annee) <= 2100):
        return await journal_page(request, session, status_code=422,
                                  problem="Exercice invalide : choisissez-en un dans la liste.")
    try:
        answer = await gateways(request).call(session.principal, "journal", "GET",
                                              f"{_path(session)}/fec",
                                              params={"year": int(annee)},
                                              timeout=FILE_TIMEOUT_S)
    except Refused as refused:
        if refused.status != 422:
            raise
        return await journal_page(request, session, status_code=422,
                                  problem=fec_problem(refused.detail))
    return _file(answer, "text/plain; charset=utf-8", f"FEC-{int(annee)}.txt")


@router.get("/journal/ventes-par-jour.csv")
async def daily_totals(request: Request, session: OperatorSession,
                       du: Annotated[str | None, Query(max_length=20)] = None,
                       au: Annotated[str | None, Query(max_length=20)] = None):
    zone = (await _saved(request, session)).get("time_zone") or "Europe/Paris"
    try:
        first, last = daily_period(du, au, _today(request, zone))
    except BadInput as bad:
        return await journal_page(request, session, status_code=422, problem=str(bad),
                                  daily=(du, au))
    answer = await gateways(request).call(
        session.principal, "journal", "GET", f"{_path(session)}/daily-totals",
        params={"from": first.isoformat(), "to": last.isoformat(), "format": "csv"},
        timeout=FILE_TIMEOUT_S)
    return _file(answer, "text/csv; charset=utf-8", f"ventes-par-jour-{first}-{last}.csv")


@router.get("/journal/archives/{periode}/{debut}.zip")
async def archive(request: Request, session: OperatorSession, periode: str, debut: str):
    """A closed month's or fiscal year's signed archive, as the journal builds it."""
    try:
        period, start = archive_asked(periode, debut)
        answer = await gateways(request).call(
            session.principal, "journal", "GET",
            f"{_path(session)}/archives/{period}/{start.isoformat()}", timeout=FILE_TIMEOUT_S)
    except BadInput as bad:
        return await journal_page(request, session, status_code=404, problem=str(bad))
    except Refused as refused:
        if refused.status == 409:
            problem = ("Cette période n'est pas encore clôturée : son archive se télécharge "
                       "une fois la période finie et clôturée.")
        elif refused.status == 422:
            problem = "Archive introuvable : aucune période ne commence ce jour-là."
        else:
            raise
        return await journal_page(request, session, status_code=refused.status,
                                  problem=problem)
    return _file(answer, "application/zip", f"journal-{periode}-{start}.zip")
