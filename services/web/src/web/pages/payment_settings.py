"""The producer's payments settings (`/reglages`): tracking, the modes accepted, online payment
with its own SumUp account, the time zone."""

from typing import Annotated

from fastapi import APIRouter, Form, Request

from web import signin
from web.gateways import Refused
from web.pages.common import (
    BadInput,
    CheckedOperator,
    OperatorSession,
    gateways,
    page,
    redirect_with,
    shown_with_flash,
    taken_flash,
)
from web.pages.common import producer_path as _base
from web.pages.payments_views import (
    ACCEPTABLE_MODES,
    ZONES,
    french_reason,
    mode_name,
    settings_changes,
)

router = APIRouter(tags=["payments"])


async def current_settings(request: Request, session: signin.Session) -> dict:
    """The producer's payments settings as the payments gateway has them now."""
    return await gateways(request).json(session.principal, "payments", "GET",
                                        f"{_base(session)}/settings")


def _settings_page(request: Request, session: signin.Session, settings: dict,
                   status_code: int = 200, problem: str | None = None,
                   message: str | None = None):
    return page(request, "settings.html", session, status_code=status_code, settings=settings,
                modes=[(m, mode_name(m)) for m in ACCEPTABLE_MODES], zones=ZONES,
                problem=problem, message=message)


@router.get("/reglages")
async def settings_page(request: Request, session: OperatorSession):
    settings = await current_settings(request, session)
    return shown_with_flash(request, _settings_page(request, session, settings,
                                                    message=taken_flash(request)))


@router.post("/reglages")
async def change_settings(request: Request, session: CheckedOperator,
                          time_zone: Annotated[str, Form(max_length=64)] = "",
                          payment_tracking: Annotated[str, Form(max_length=10)] = "",
                          accepted_modes: Annotated[list[str], Form()] = [],  # noqa: B006
                          online_payment_required: Annotated[str, Form(max_length=10)] = "",
                          sumup_merchant_code: Annotated[str, Form(max_length=200)] = "",
                          sumup_api_key: Annotated[str, Form(max_length=1000)] = ""):
    try:
        body = settings_changes(bool(payment_tracking), accepted_modes,
                                bool(online_payment_required), time_zone, sumup_merchant_code,
                                sumup_api_key)
        problem, status = None, 200
        settings = await gateways(request).json(session.principal, "payments", "PUT",
                                                f"{_base(session)}/settings", json=body)
    except BadInput as bad:
        problem, status = str(bad), 422
    except Refused as refused:
        problem, status = french_reason(refused), refused.status
    if problem:
        current = await current_settings(request, session)
        # what was typed is shown back to be corrected, never the API key
        shown = {**current, "payment_tracking": bool(payment_tracking),
                 "accepted_modes": accepted_modes, "time_zone": time_zone,
                 "online_payment_required": bool(online_payment_required)}
        return _settings_page(request, session, shown, status_code=status,
                              problem=f"Réglages non enregistrés. {problem}")
    said = "Réglages enregistrés."
    if "sumup_api_key" in body and settings.get("sumup_connected"):
        said += " Compte SumUp connecté."
    return redirect_with(request, "/reglages", said)
