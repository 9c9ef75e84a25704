"""Card money (`/banque/sumup`): SumUp's payouts of a period as the payments gateway reconciles
them (`…/bank/payouts`): what each carried (payments, fees, refunds, other deductions), what it
paid, and the bank credit that received it, or none yet; the online payments no payout carried
yet; the period's totals."""

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request

from web.gateways import Refused, Unavailable
from web.pages.common import (
    BadInput,
    OperatorSession,
    gateways,
    local_today,
    page,
    parse_day,
    settings_zone,
)
from web.pages.common import producer_path as _base

router = APIRouter(tags=["bank"])
DEFAULT_DAYS = 31
MAX_DAYS = 366
"""The payments gateway's own bounds on a period of payouts."""


def payout_period(du: str | None, au: str | None, today: date) -> tuple[date, date]:
    """The payout dates asked (`du`, `au`), by default the last 31 days up to today."""
    last = parse_day(au, "Date de fin") if au else today
    first = parse_day(du, "Date de début") if du else last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise BadInput("La date de début est après la date de fin.")
    if (last - first).days >= MAX_DAYS:
        raise BadInput(f"Une période couvre au plus {MAX_DAYS} jours.")
    return first, last


@router.get("/banque/sumup")
async def card_money(request: Request, session: OperatorSession,
                     du: Annotated[str | None, Query(max_length=20)] = None,
                     au: Annotated[str | None, Query(max_length=20)] = None):
    zone = await settings_zone(request, session, "Europe/Paris")
    shown = {"du": du or "", "au": au or "", "zone": zone}
    try:
        first, last = payout_period(du, au, local_today(request.app.state.clock(), zone))
        report = await gateways(request).json(
            session.principal, "payments", "GET", f"{_base(session)}/bank/payouts",
            params={"from": first.isoformat(), "to": last.isoformat()}, timeout=60)
    except BadInput as bad:
        return page(request, "card_money.html", session, status_code=422, problem=str(bad),
                    **shown)
    except Refused as refused:
        if "no SumUp account" in refused.message:  # a state of the farm, not a bad request
            return page(request, "card_money.html", session, no_sumup=True, **shown)
        return page(request, "card_money.html", session, status_code=refused.status,
                    problem=f"Virements non lus : {refused.message}", **shown)
    except Unavailable as down:
        return page(request, "card_money.html", session, status_code=503,
                    problem=down.message, **shown)
    return page(request, "card_money.html", session, report=report,
                **{**shown, "du": first.isoformat(), "au": last.isoformat()})
