"""One of the customer's orders (`/mon-compte/commandes/{id}`): its page, which follows the
order's state until it is settled, and a new online payment after a failed one."""

import asyncio
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse

from web import signin
from web.gateways import Refused, Unavailable
from web.pages.account import orders_path
from web.pages.account_views import order_view, valid_etag
from web.pages.common import CheckedCustomer, CustomerSession, gateways, order_uuid, page
from web.pages.producer_settings import producer_zone

router = APIRouter(tags=["account"])

WAIT_S = 20
"""The orders gateway's longest wait for a change (`?wait=`); the call's timeout is above it."""


async def read_order(request: Request, session: signin.Session, order_id: str,
                     etag: str | None = None, wait: int = 0):
    """The order and its ETag; (None, etag) when unchanged after `wait` seconds."""
    headers, params, timeout = {}, {}, None
    if etag:
        headers["If-None-Match"] = etag
        if wait:
            params["wait"], timeout = wait, wait + 10
    answer = await gateways(request).call(
        session.principal, "orders", "GET", f"{orders_path(session)}/{order_id}",
        headers=headers, params=params, **({"timeout": timeout} if timeout else {}))
    if answer.status_code == 304:
        return None, etag
    return answer.json(), valid_etag(answer.headers.get("etag"))


async def _tracking(request: Request, session: signin.Session) -> bool:
    """Whether the producer tracks payments, as the orders list says it."""
    found = await gateways(request).json(session.principal, "orders", "GET",
                                         orders_path(session), params={"limit": 1})
    return found.get("payment_tracking", False)


def _missing(request: Request, session: signin.Session):
    return page(request, "account_missing.html", session, status_code=404,
                heading="Commande introuvable",
                problem="Commande introuvable : elle n'existe pas, ou pas pour votre compte.")


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
                                     f"{orders_path(session)}/{found}/payment-attempts")
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
