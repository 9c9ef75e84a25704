"""The producer's bank (`/banque`): the page, which lists the transfers waiting to be checked,
those applied or ignored, and the debits; and a statement file imported through the payments
gateway. What is done with one transfer (confirmed, given to a customer, ignored, undone) is in
bank_transfers.py."""

import asyncio
from typing import Annotated, Any
from urllib.parse import quote, unquote

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import RedirectResponse

from web import signin
from web.gateways import Refused, Unavailable
from web.pages.bank_statement_views import import_flash, import_view, statement_problem
from web.pages.bank_views import customer_names, older_before, page_before, transaction_row
from web.pages.common import CheckedOperator, OperatorSession, gateways, page
from web.pages.common import producer_path as _base

router = APIRouter(tags=["bank"])

FLASH = "ardoise_banque"
"""What a form of the bank page did, carried across its redirect: `=` and an import's counts,
`!` and a problem, else a message."""
MAX_STATEMENT_BYTES = 32 * 1024 * 1024
"""The payments gateway's own limit on a file, checked here first to say it in French."""
QUEUE_LIMIT = 500
HISTORY_LIMIT = 50
"""Applied, ignored and debits shown at once, each; older ones a link away."""
CUSTOMERS_LIMIT = 1000
"""The accounts gateway's largest page: the customers a transfer may be given to at once (a
search narrows them down on a larger farm)."""
IMPORT_TIMEOUT_S = 120
"""A year of a busy account is matched line by line: seconds, not the pages' usual few."""
TRACKING_OFF = ("Le suivi des paiements est désactivé : activez-le dans les Réglages pour "
                "importer vos relevés.")


def bank_path(session: signin.Session) -> str:
    """The payments gateway's path of the producer's bank."""
    return f"{_base(session)}/bank"


def bank_redirect(request: Request, flash: str, to: str = "/banque") -> RedirectResponse:
    """Back to the bank page, with what a form did in its own cookie (FLASH)."""
    answer = RedirectResponse(to, status_code=303)
    answer.set_cookie(FLASH, quote(flash[:600]), max_age=120, httponly=True, samesite="lax",
                      path="/banque", secure=request.app.state.settings.secure_cookies)
    return answer


async def customers_by_name(request: Request, session: signin.Session,
                            q: str = "") -> tuple[list[dict], str | None]:
    """The farm's customers by name, or what to say when the accounts service is down."""
    params: dict[str, Any] = {"sort": "name", "limit": CUSTOMERS_LIMIT, "count": "false"}
    if q:
        params["q"] = q
    try:
        found = await gateways(request).json(session.principal, "accounts", "GET",
                                             f"{_base(session)}/customers", params=params)
    except Unavailable as down:
        return [], down.message
    return found.get("customers", []), None


async def customer_name(request: Request, session: signin.Session, customer_id: str | None
                        ) -> str | None:
    """The customer's name as its account gives it; None when it cannot be read."""
    if not customer_id:
        return None
    try:
        account = await gateways(request).json(
            session.principal, "accounts", "GET",
            f"{_base(session)}/customers/{quote(customer_id, safe='')}/account",
            params={"limit": 1})
    except (Unavailable, Refused):
        return None
    return account.get("name")


async def bank_page(request: Request, session: signin.Session, status_code: int = 200,
                    problem: str | None = None, message: str | None = None,
                    imported: dict | None = None, before: str | None = None):
    def listed(status: str, limit: int, older: str | None = None):
        params: dict[str, Any] = {"status": status, "limit": limit}
        if older:
            params["before"] = older
        return gateways(request).json(session.principal, "payments", "GET",
                                      f"{bank_path(session)}/transactions", params=params)

    queue, applied, ignored, debits, (customers, customers_down) = await asyncio.gather(
        listed("queued", QUEUE_LIMIT), listed("applied", HISTORY_LIMIT, before),
        listed("ignored", HISTORY_LIMIT, before), listed("listed", HISTORY_LIMIT, before),
        customers_by_name(request, session))
    names = customer_names(customers)
    history = [found["transactions"] for found in (applied, ignored, debits)]
    older = [older_before(rows, HISTORY_LIMIT) for rows in history]
    return page(
        request, "bank.html", session, status_code=status_code, problem=problem,
        message=message, imported=imported, customers_down=customers_down,
        queue=[transaction_row(tx, names) for tx in queue["transactions"]],
        applied=[transaction_row(tx, names) for tx in history[0]],
        ignored=[transaction_row(tx, names) for tx in history[1]],
        debits=[transaction_row(tx, names) for tx in history[2]],
        before=before, older=max((o for o in older if o), default=None),
        queue_full=len(queue["transactions"]) >= QUEUE_LIMIT, history_limit=HISTORY_LIMIT)


@router.get("/banque")
async def bank(request: Request, session: OperatorSession,
               avant: Annotated[str | None, Query(max_length=20)] = None):
    said = unquote(request.cookies.get(FLASH) or "")[:700]
    imported = import_view(said[1:]) if said.startswith("=") else None
    problem = said[1:] if said.startswith("!") else None
    message = said if said and said[0] not in "=!" else None
    answer = await bank_page(request, session, problem=problem, message=message,
                             imported=imported, before=page_before(avant))
    if said:
        answer.delete_cookie(FLASH, path="/banque")
    return answer


@router.post("/banque/releves")
async def import_statement(request: Request, session: CheckedOperator,
                           fichier: Annotated[UploadFile | None, File()] = None):
    """The file, as the bank gave it, passed on to the payments gateway; its counts shown on
    the page, or why it was refused."""
    data = await fichier.read(MAX_STATEMENT_BYTES + 1) if fichier is not None else b""
    problem = None
    if not data:
        problem = ("Choisissez le fichier du relevé (CAMT.053, OFX ou CFONB 120) téléchargé "
                   "depuis l'espace en ligne de votre banque.")
    elif len(data) > MAX_STATEMENT_BYTES:
        problem = ("Ce fichier dépasse 32 Mo : importez le relevé en plusieurs fichiers (un par "
                   "mois, par exemple).")
    if problem:
        return await bank_page(request, session, status_code=422, problem=problem)
    try:
        # the body is the file: the gateway's reading of a form's `file` field finds none
        # (it checks for FastAPI's UploadFile, and a form holds Starlette's)
        answer = await gateways(request).json(
            session.principal, "payments", "POST", f"{bank_path(session)}/statements",
            content=data, headers={"Content-Type": "application/octet-stream"},
            timeout=IMPORT_TIMEOUT_S)
    except Refused as refused:
        if refused.status == 409:
            return await bank_page(request, session, status_code=409, problem=TRACKING_OFF)
        if refused.status not in (413, 422):
            raise
        problem = statement_problem(refused.detail) if refused.status == 422 else (
            "Ce fichier est trop gros pour être importé d'un coup : importez-le en plusieurs "
            "fichiers.")
        return await bank_page(request, session, status_code=422, problem=problem)
    return bank_redirect(request, "=" + import_flash(answer))

