"""What every page shares: templates and their filters, the signed-in session, CSRF."""

import secrets
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, unquote
from zoneinfo import ZoneInfo

from fastapi import Depends, Form, Header, Request
from fastapi.responses import RedirectResponse
from fastapi.templating import Jinja2Templates

from ardoise.money import format_cents
from web import signin
from web.gateways import Gateways, Refused, Unavailable

COOKIE = "ardoise_session"
templates = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")


def euros(cents: int | None) -> str:
    """`1250` → `12,50 €` (no-break spaces kept out: the page wraps nothing inside)."""
    return "—" if cents is None else format_cents(int(cents))


def day(value: str | date | None) -> str:
    if value is None:
        return "—"
    parsed = date.fromisoformat(value) if isinstance(value, str) else value
    return f"{parsed:%d/%m/%Y}"


def moment(value: str | datetime | None, zone: str = "Europe/Paris") -> str:
    """An API timestamp in the producer's time zone: `04/12/2026 15:32`."""
    if value is None:
        return "—"
    parsed = datetime.fromisoformat(value) if isinstance(value, str) else value
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return f"{parsed.astimezone(ZoneInfo(zone)):%d/%m/%Y %H:%M}"


def credit_limit(cents: int | None) -> str:
    """A credit limit as the pages say it (cents the available balance may go below zero)."""
    if cents is None:
        return "aucun plafond"
    if cents == 0:
        return "aucune dette (0,00 €)"
    return f"jusqu'à {euros(-cents)}"


templates.env.filters.update(euros=euros, day=day, moment=moment, credit_limit=credit_limit)


class SignInRequired(Exception):
    """No valid session: the page sends the person to the sign-in page."""


class NotForYou(Exception):
    """Signed in, but this page is for the other role."""


async def current_session(request: Request) -> signin.Session:
    cookie = request.cookies.get(COOKIE)
    if not cookie:
        raise SignInRequired()
    found = await signin.find_session(request.app.state.sessionmaker, cookie,
                                      request.app.state.clock())
    if found is None:
        raise SignInRequired()
    return found


async def operator_session(session: Annotated[signin.Session, Depends(current_session)]
                           ) -> signin.Session:
    if session.principal.role != "operator":
        raise NotForYou()
    return session


async def customer_session(session: Annotated[signin.Session, Depends(current_session)]
                           ) -> signin.Session:
    if session.principal.role != "customer":
        raise NotForYou()
    return session


AnySession = Annotated[signin.Session, Depends(current_session)]
OperatorSession = Annotated[signin.Session, Depends(operator_session)]
CustomerSession = Annotated[signin.Session, Depends(customer_session)]


class BadInput(ValueError):
    """A form value refused before anything is asked of a gateway; its message is French."""


TRACKING_OFF_REASON = ("payment tracking is off", "Le suivi des paiements est désactivé : "
                       "activez-le dans les Réglages.")
"""The gateways' refusal while payments are not tracked, and what the pages say of it."""


def in_french(reason: str, known: tuple[tuple[str, str], ...]) -> str | None:
    """The French words for a gateway's reason: those of the first fragment of `known` found in
    it, else None (the page then says the gateway's own words)."""
    return next((french for fragment, french in known if fragment in reason), None)


class BadCsrf(Exception):
    """A form without this session's token: refused, nothing done."""


async def checked_csrf(session: AnySession,
                       csrf: Annotated[str | None, Form()] = None,
                       x_csrf_token: Annotated[str | None, Header()] = None) -> signin.Session:
    """Every form posts the session's token (a hidden field, or htmx's `X-CSRF-Token`)."""
    sent = csrf or x_csrf_token or ""
    if not secrets.compare_digest(sent.encode(), session.csrf_token.encode()):
        raise BadCsrf()
    return session


CheckedSession = Annotated[signin.Session, Depends(checked_csrf)]


async def checked_operator(session: CheckedSession) -> signin.Session:
    """A form of the producer's pages: the session's CSRF token, then an operator's session."""
    if session.principal.role != "operator":
        raise NotForYou()
    return session


async def checked_customer(session: CheckedSession) -> signin.Session:
    if session.principal.role != "customer":
        raise NotForYou()
    return session


CheckedOperator = Annotated[signin.Session, Depends(checked_operator)]
CheckedCustomer = Annotated[signin.Session, Depends(checked_customer)]


def order_uuid(text: str) -> str | None:
    """An order id as the gateways write it; None for anything else."""
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return None


def producer_path(session: signin.Session) -> str:
    """The gateways' path of the signed-in person's producer."""
    return f"/v1/producers/{session.principal.producer_id}"


def gateways(request: Request) -> Gateways:
    return request.app.state.gateways


def page(request: Request, template: str, session: signin.Session | None = None,
         status_code: int = 200, **context: Any):
    """A page of the back office (or the account page), with what every layout needs."""
    return templates.TemplateResponse(request, template, {
        "session": session, "csrf": session.csrf_token if session else "", **context},
        status_code=status_code)


# ---- shared by several pages ---------------------------------------------------------------

FLASH = "ardoise_message"
"""What a form did, carried across its redirect (303) to the page that shows it."""


def redirect_with(request: Request, url: str, message: str) -> RedirectResponse:
    answer = RedirectResponse(url, status_code=303)
    answer.set_cookie(FLASH, quote(message), max_age=120, httponly=True, samesite="lax",
                      secure=request.app.state.settings.secure_cookies, path="/")
    return answer


def shown_with_flash(request: Request, answer):
    """The page, with the message a redirect left for it shown once."""
    if request.cookies.get(FLASH):
        answer.delete_cookie(FLASH, path="/")
    return answer


def taken_flash(request: Request) -> str | None:
    value = request.cookies.get(FLASH)
    return unquote(value)[:500] if value else None


def set_flash(request: Request, answer, name: str, path: str, message: str):
    """`answer` carrying `message` to the pages under `path` in a cookie of their own, `name`."""
    answer.set_cookie(name, quote(message[:400]), max_age=120, httponly=True, samesite="lax",
                      path=path, secure=request.app.state.settings.secure_cookies)
    return answer


def flash_of(request: Request, name: str) -> str | None:
    value = request.cookies.get(name)
    return unquote(value)[:500] if value else None


def flash_shown(answer, name: str, path: str, said: str | None):
    """The page, with the message a redirect left for it in `name` shown once."""
    if said:
        answer.delete_cookie(name, path=path)
    return answer


def order_missing(request: Request, session: signin.Session):
    """An order that does not exist, or not for the signed-in person: its documents' 404."""
    return page(request, "documents_missing.html", session, status_code=404,
                heading="Commande introuvable",
                problem="Commande introuvable : elle n'existe pas, ou pas pour votre compte.")


def plain_euros(cents: int) -> str:
    """`2000` → `20,00`: an amount as it is typed in a field."""
    return f"{cents // 100},{cents % 100:02d}"


def local_today(now: datetime, time_zone: str) -> date:
    return now.astimezone(ZoneInfo(time_zone)).date()


def parse_day(text: str | None, what: str) -> date:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError as error:
        raise BadInput(f"{what} illisible : choisissez une date dans le calendrier.") from error


async def settings_zone(request: Request, session: signin.Session, fallback: str) -> str:
    """The producer's time zone as its payments settings name it (set in Réglages)."""
    try:
        settings = await gateways(request).json(session.principal, "payments", "GET",
                                                f"{producer_path(session)}/settings")
    except (Unavailable, Refused):
        return fallback
    return settings.get("time_zone") or fallback
