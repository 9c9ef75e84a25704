"""Paying online from Mon compte: topping up any amount, or paying the debt, on the producer's
SumUp; then the top-up's own page, which follows it until SumUp's payment is confirmed.

A form posts to the web, which asks the payments gateway for the checkout as the customer, then
sends the customer to the top-up's page and its "Payer sur SumUp" link: the pages' CSP
(`form-action 'self'`) forbids a form's answer from leading to another site, and that page is
also where SumUp sends the customer back (`redirect_url`)."""

import re
import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from ardoise.auth import Principal
from web.gateways import Refused, Unavailable
from web.pages.common import CheckedCustomer, CustomerSession, euros, gateways, page

router = APIRouter(tags=["account"])

TOP_UP_PAGE = "/mon-compte/recharges/{top_up_id}"
MAX_TOP_UP_CENTS = 1_000_000
"""10 000,00 €: what a customer may top up at once from its page."""
_EUROS = re.compile(r"^(\d{1,7})(?:[.,](\d{1,2}))?$")
_KEY = re.compile(r"^[0-9a-f]{32}$")
STATUS_TEXT = {
    "PENDING": "En attente de votre paiement sur SumUp. Si vous venez de payer, il est en cours "
               "de confirmation : cette page se met à jour toute seule.",
    "PAID": "Paiement reçu : {amount} ajoutés à votre compte.",
    "FAILED": "Le paiement a échoué : rien n'a été débité. Vous pouvez recommencer depuis "
              "Mon compte.",
    "EXPIRED": "Le paiement n'a pas été fait à temps : rien n'a été débité. Vous pouvez "
               "recommencer depuis Mon compte.",
}
NOT_OFFERED = "Le paiement en ligne n'est pas proposé par votre producteur."
NOT_OPENED = "Le paiement en ligne n'a pas pu être ouvert : réessayez dans un instant."


# ---- pure helpers -------------------------------------------------------------------------

def euros_to_cents(text: str | None) -> int | None:
    """`20`, `20,5`, `20,50`, `20.50` (spaces allowed, `€` too) → cents; None for anything else
    or for an amount outside 0,01 € – 10 000,00 €."""
    cleaned = re.sub(r"[\s\u00a0\u202f€]", "", text or "")
    found = _EUROS.match(cleaned)
    if found is None:
        return None
    cents = int(found.group(1)) * 100 + int((found.group(2) or "0").ljust(2, "0"))
    return cents if 0 < cents <= MAX_TOP_UP_CENTS else None


def debt_to_pay(account: dict | None) -> int:
    """What "Régler ma dette" pays: the debt not already being collected by an order's online
    payment (a pending hold), so that the same debt is not paid twice; 0 without a debt."""
    if not account or (account.get("balance_cents") or 0) >= 0:
        return 0
    return max(0, -(account.get("available_cents") or 0))


def top_up_offer(account: dict | None, offered: bool) -> dict:
    """What Mon compte shows to pay online, with a fresh key per form (a double click asks for
    one checkout, never two)."""
    if not account or not offered:
        return {"top_up": None}
    return {"top_up": {"debt_cents": debt_to_pay(account), "key": uuid.uuid4().hex,
                       "debt_key": uuid.uuid4().hex}}


def top_up_view(top_up: dict) -> dict:
    status = top_up.get("status")
    text = STATUS_TEXT.get(status, "État inconnu.").format(
        amount=euros(top_up.get("amount_cents")))
    url = top_up.get("checkout_url") or ""
    return {**top_up, "status_text": text, "open": status == "PENDING",
            "pay_url": url if status == "PENDING" and url.startswith(("https://", "http://"))
            else None}


# ---- plumbing -----------------------------------------------------------------------------

def _top_ups(principal: Principal) -> str:
    return f"/v1/producers/{principal.producer_id}/customers/{principal.customer_id}/top-ups"


def _problem(request: Request, session, heading: str, problem: str, status_code: int):
    return page(request, "account_missing.html", session, status_code=status_code,
                heading=heading, problem=problem)


async def _pay_online(request: Request, session, amount_cents: int, key: str):
    """The checkout asked as the customer; then the top-up's page, with its SumUp link."""
    public = request.app.state.settings.public_url.rstrip("/")
    try:
        top_up = await gateways(request).json(
            session.principal, "payments", "POST", _top_ups(session.principal),
            json={"amount_cents": amount_cents,
                  "redirect_url": public + TOP_UP_PAGE},
            headers={"Idempotency-Key": key} if _KEY.match(key or "") else {})
    except Refused as refused:
        if refused.status == 409:
            return _problem(request, session, "Paiement en ligne impossible", NOT_OFFERED
                            if "online" in refused.message else NOT_OPENED, 409)
        if refused.status == 404:
            return _problem(request, session, "Paiement en ligne impossible",
                            "Votre compte n'est pas encore ouvert chez votre producteur.", 404)
        raise
    return RedirectResponse(TOP_UP_PAGE.format(top_up_id=top_up["top_up_id"]), status_code=303)


async def _read(request: Request, session, top_up_id: str) -> dict | None:
    try:
        found = str(uuid.UUID(top_up_id))
        return await gateways(request).json(session.principal, "payments", "GET",
                                            f"{_top_ups(session.principal)}/{found}")
    except ValueError:
        return None
    except Refused as refused:
        if refused.status in (403, 404, 422):
            return None
        raise


# ---- routes -------------------------------------------------------------------------------

@router.post("/mon-compte/recharger")
async def top_up_my_account(request: Request, session: CheckedCustomer,
                            montant: Annotated[str, Form(max_length=40)],
                            cle: Annotated[str | None, Form(max_length=64)] = None):
    """Recharger mon compte: any amount, in euros."""
    amount_cents = euros_to_cents(montant)
    if amount_cents is None:
        return _problem(request, session, "Montant refusé",
                        "Indiquez un montant en euros entre 0,01 et 10 000,00 (par exemple "
                        "20 ou 12,50).", 422)
    return await _pay_online(request, session, amount_cents, cle or "")


@router.post("/mon-compte/regler")
async def pay_my_debt(request: Request, session: CheckedCustomer,
                      cle: Annotated[str | None, Form(max_length=64)] = None):
    """Régler ma dette: what the customer owes now, read again from the account."""
    account = await gateways(request).json(session.principal, "accounts", "GET",
                                           "/v1/me/account", params={"limit": 1})
    debt_cents = debt_to_pay(account)
    if debt_cents <= 0:
        return RedirectResponse("/mon-compte", status_code=303)
    return await _pay_online(request, session, debt_cents, cle or "")


@router.get(TOP_UP_PAGE)
async def my_top_up(request: Request, session: CustomerSession, top_up_id: str):
    found = await _read(request, session, top_up_id)
    if found is None:
        return _problem(request, session, "Paiement introuvable",
                        "Ce paiement n'existe pas, ou pas pour votre compte.", 404)
    return page(request, "account_top_up.html", session, top_up=top_up_view(found),
                trigger="load delay:2s")


@router.get(TOP_UP_PAGE + "/etat")
async def my_top_up_state(request: Request, session: CustomerSession, top_up_id: str):
    """The top-up's state, the fragment its page swaps in every few seconds while pending."""
    try:
        found = await _read(request, session, top_up_id)
    except Unavailable:
        found = {"top_up_id": top_up_id, "status": "PENDING"}
    if found is None:
        return _problem(request, session, "Paiement introuvable",
                        "Ce paiement n'existe pas, ou pas pour votre compte.", 404)
    return page(request, "account_top_up_state.html", session, top_up=top_up_view(found),
                trigger="load delay:2s")
