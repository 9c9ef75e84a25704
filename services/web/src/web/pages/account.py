"""The customer's own pages (`/mon-compte`): its balance and history, its orders, paying online."""

import asyncio
import re
import time
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse

from ardoise.auth import Principal
from ardoise.payment_reference import payment_reference, references_in
from web import signin
from web.gateways import Refused, Unavailable
from web.pages.common import (
    CheckedCustomer,
    CustomerSession,
    euros,
    gateways,
    order_uuid,
    page,
)
from web.pages.top_ups import online_payment_offered, top_up_offer
from web.pages.top_ups import router as top_ups_router

router = APIRouter(tags=["account"])
router.include_router(top_ups_router)  # paying online from Mon compte (pages/top_ups.py)

STATUS_NAMES = {"placed": "Enregistrée", "awaiting_payment": "En attente de paiement",
                "accepted": "Acceptée", "cancelled": "Annulée"}
MODE_NAMES = {"not_delivered": "Non livrée", "account": "Déduite de votre compte",
              "cash": "Espèces", "cheque": "Chèque", "card": "Carte bancaire",
              "transfer": "Virement", "online": "En ligne (SumUp)"}
KIND_NAMES = {"credit": "Crédit", "debit": "Débit", "order": "Commande", "payment": "Paiement"}
OPEN_STATUSES = ("placed", "awaiting_payment")
"""An order still in these may change (its payment link comes, its payment lands): its page
keeps itself up to date."""
WAIT_S = 20
"""The orders gateway's longest wait for a change (`?wait=`); the call's timeout is above it."""
HISTORY_LIMIT = 50
ORDERS_LIMIT = 30
ZONE_TTL_S = 300.0
TRACKING_OFF = "Le suivi des comptes n'est pas activé par votre producteur : aucun solde ni " \
               "historique n'est affiché."
_ETAG = re.compile(r'^(W/)?"[A-Za-z0-9_-]{1,128}"$')
_PLACED_AT = re.compile(r"^[0-9T:.+\-Z ]{10,40}$")


# ---- pure helpers -------------------------------------------------------------------------

def valid_etag(text: str | None) -> str | None:
    """An ETag as the orders gateway writes them, else None (never a header passed blind)."""
    return text if text and _ETAG.match(text) else None


def is_paid_online(order: dict) -> bool:
    return (order.get("payment") or {}).get("status") == "PAID"


def pay_url(order: dict) -> str | None:
    """Where to pay the order on SumUp: while it awaits a payment whose checkout is open."""
    payment = order.get("payment") or {}
    url = payment.get("checkout_url")
    if order.get("status") == "awaiting_payment" and payment.get("status") == "PENDING" \
            and url and url.startswith(("https://", "http://")):
        return url
    return None


def settlement_text(order: dict, tracking: bool) -> str:
    """How the order is paid, in the customer's words; nothing when payments are not tracked."""
    if not tracking:
        return ""
    payment = order.get("payment") or {}
    settlement = order.get("settlement") or {}
    mode, paid_cents = settlement.get("mode"), settlement.get("amount_paid_cents") or 0
    if is_paid_online(order):
        return f"Payée en ligne : {euros(payment.get('amount_due_cents') or paid_cents)}"
    if payment.get("status") == "NOT_NEEDED":
        return "Payée avec votre solde"
    if order.get("status") == "awaiting_payment":
        if payment.get("status") == "FAILED":
            return "Le paiement en ligne a échoué"
        return f"À payer en ligne : {euros(payment.get('amount_due_cents'))}"
    if mode == "account":
        return MODE_NAMES["account"]
    if mode in ("cash", "cheque", "card", "transfer", "online") and paid_cents:
        return f"Payée : {euros(paid_cents)} ({MODE_NAMES[mode]})"
    return "Pas encore réglée"


def order_view(order: dict, tracking: bool) -> dict:
    payment = order.get("payment") or {}
    return {**order, "status_name": STATUS_NAMES.get(order.get("status"), order.get("status")),
            "settled": settlement_text(order, tracking), "paid": is_paid_online(order),
            "pay_url": pay_url(order), "open": order.get("status") in OPEN_STATUSES,
            "failed": order.get("status") == "awaiting_payment"
            and payment.get("status") == "FAILED",
            "balance_applied_cents": payment.get("balance_applied_cents") if tracking
            else None}


def transfer_reference(account: dict | None, principal: Principal) -> str | None:
    """What the customer writes in a transfer's label (`ARD-7K2Q9P`), shown with the account:
    the accounts gateway's, else derived as every service derives it."""
    if account is None or principal.customer_id is None:
        return None
    given = references_in(str(account.get("payment_reference") or ""))
    return given[0] if given else payment_reference(principal.producer_id, principal.customer_id)


def movement_view(movement: dict) -> dict:
    return {**movement, "kind_name": KIND_NAMES.get(movement.get("kind"), movement.get("kind")),
            "mode_name": MODE_NAMES.get(movement.get("mode") or "", "")}


def older_orders(orders: list[dict]) -> str | None:
    """The `before` of the next page of orders, when this one is full."""
    if len(orders) < ORDERS_LIMIT:
        return None
    return orders[-1].get("placed_at")


# ---- plumbing -----------------------------------------------------------------------------

def _orders(session: signin.Session) -> str:
    return f"/v1/producers/{session.principal.producer_id}/orders"


async def producer_zone(request: Request, producer_id: str) -> str:
    """The producer's time zone, for the times shown. A customer may not read its producer's
    payments settings, so the web service reads them as the producer (the zone only, kept a
    few minutes); Europe/Paris when they cannot be read."""
    cache = getattr(request.app.state, "producer_zones", None)
    if cache is None:
        cache = request.app.state.producer_zones = {}
    known = cache.get(producer_id)
    if known and known[1] > time.monotonic():
        return known[0]
    try:
        settings = await gateways(request).json(Principal("operator", producer_id), "payments",
                                                "GET", f"/v1/producers/{producer_id}/settings")
        zone = settings.get("time_zone") or "Europe/Paris"
    except (Unavailable, Refused):
        return "Europe/Paris"
    cache[producer_id] = (zone, time.monotonic() + ZONE_TTL_S)
    return zone


async def _account(request: Request, session: signin.Session, before: str | None) -> dict:
    """The balance and history, or why they are not shown."""
    params = {"limit": HISTORY_LIMIT, **({"before": before} if before else {})}
    try:
        account = await gateways(request).json(session.principal, "accounts", "GET",
                                               "/v1/me/account", params=params)
    except Unavailable as down:
        return {"account_problem": down.message}
    except Refused as refused:
        if refused.status == 409:
            return {"account_problem": TRACKING_OFF, "tracking_off": True}
        if refused.status in (404, 422):
            return {"account_problem": "Votre compte n'est pas encore ouvert chez votre "
                                       "producteur."}
        raise
    movements = [movement_view(m) for m in account.get("movements", [])]
    older = movements[-1]["movement_id"] if len(movements) >= HISTORY_LIMIT else None
    return {"account": account, "movements": movements, "older_movements": older}


async def _order_list(request: Request, session: signin.Session, before: str | None) -> dict:
    params = {"limit": ORDERS_LIMIT, **({"before": before} if before else {})}
    try:
        found = await gateways(request).json(session.principal, "orders", "GET",
                                             _orders(session), params=params)
    except Unavailable as down:
        return {"orders_problem": down.message}
    tracking = found.get("payment_tracking", False)
    orders = found.get("orders", [])
    return {"orders": [order_view(o, tracking) for o in orders], "tracking": tracking,
            "older_orders": older_orders(orders)}


async def read_order(request: Request, session: signin.Session, order_id: str,
                     etag: str | None = None, wait: int = 0):
    """The order and its ETag; (None, etag) when unchanged after `wait` seconds."""
    headers, params, timeout = {}, {}, None
    if etag:
        headers["If-None-Match"] = etag
        if wait:
            params["wait"], timeout = wait, wait + 10
    answer = await gateways(request).call(
        session.principal, "orders", "GET", f"{_orders(session)}/{order_id}", headers=headers,
        params=params, **({"timeout": timeout} if timeout else {}))
    if answer.status_code == 304:
        return None, etag
    return answer.json(), valid_etag(answer.headers.get("etag"))


async def _tracking(request: Request, session: signin.Session) -> bool:
    """Whether the producer tracks payments, as the orders list says it."""
    found = await gateways(request).json(session.principal, "orders", "GET", _orders(session),
                                         params={"limit": 1})
    return found.get("payment_tracking", False)


def _missing(request: Request, session: signin.Session):
    return page(request, "account_missing.html", session, status_code=404,
                heading="Commande introuvable",
                problem="Commande introuvable : elle n'existe pas, ou pas pour votre compte.")


# ---- routes -------------------------------------------------------------------------------

@router.get("/mon-compte")
async def my_account(request: Request, session: CustomerSession,
                     avant: Annotated[str | None, Query(max_length=64)] = None,
                     commandes_avant: Annotated[str | None, Query(max_length=64)] = None):
    before = order_uuid(avant) if avant else None
    orders_before = commandes_avant if commandes_avant and _PLACED_AT.match(commandes_avant) \
        else None
    account, orders, zone, online = await asyncio.gather(
        _account(request, session, before), _order_list(request, session, orders_before),
        producer_zone(request, session.principal.producer_id),
        online_payment_offered(request, session.principal.producer_id))
    return page(request, "account.html", session, zone=zone, paging=bool(before or orders_before),
                reference=transfer_reference(account.get("account"), session.principal),
                **top_up_offer(account.get("account"), online), **account, **orders)


@router.get("/mon-compte/commandes/{order_id}")
async def my_order(request: Request, session: CustomerSession, order_id: str):
    found = order_uuid(order_id)
    if found is None:
        return _missing(request, session)
    try:
        (order, etag), tracking, zone = await asyncio.gather(
            read_order(request, session, found), _tracking(request, session),
            producer_zone(request, session.principal.producer_id))
    except Refused as refused:
        if refused.status in (403, 404, 422):
            return _missing(request, session)
        raise
    return page(request, "account_order.html", session, order=order_view(order, tracking),
                etag=etag, tracking=tracking, zone=zone, trigger="load delay:1s")


@router.get("/mon-compte/commandes/{order_id}/etat")
async def my_order_state(request: Request, session: CustomerSession, order_id: str,
                         etag: Annotated[str | None, Query(max_length=200)] = None):
    """The order's state, as soon as it changes (or after WAIT_S): the fragment its page swaps
    in. The next one is asked at once, so the page follows the order until it is settled."""
    found, etag = order_uuid(order_id), valid_etag(etag)
    if found is None:
        return _missing(request, session)
    try:
        order, new_etag = await read_order(request, session, found, etag, WAIT_S)
        if order is None:  # unchanged: the fragment again, to wait once more
            order, new_etag = await read_order(request, session, found)
        tracking = await _tracking(request, session)
    except Refused as refused:
        if refused.status in (403, 404, 422):
            return _missing(request, session)
        raise
    except Unavailable:
        # keep the page as it is, and ask again a little later
        return page(request, "account_order_waiting.html", session, order_id=found,
                    trigger="load delay:5s")
    return page(request, "account_order_state.html", session, order=order_view(order, tracking),
                etag=new_etag, tracking=tracking, trigger="load delay:1s")


@router.post("/mon-compte/commandes/{order_id}/nouvel-essai")
async def pay_again(request: Request, session: CheckedCustomer, order_id: str):
    """A new online payment after a failed one."""
    found = order_uuid(order_id)
    if found is None:
        return _missing(request, session)
    try:
        await gateways(request).json(session.principal, "orders", "POST",
                                     f"{_orders(session)}/{found}/payment-attempts")
    except Refused as refused:
        if refused.status in (403, 404, 422):
            return _missing(request, session)
        if refused.status != 409:
            raise
        return page(request, "account_missing.html", session, status_code=409,
                    heading="Nouveau paiement impossible",
                    problem="Seul un paiement en ligne qui a échoué peut être repris ; un "
                            "paiement laissé sans suite trop longtemps est abandonné.")
    return RedirectResponse(f"/mon-compte/commandes/{found}", status_code=303)
