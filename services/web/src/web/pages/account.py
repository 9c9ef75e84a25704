"""The customer's own page (`/mon-compte`): its balance and history, its orders, paying online.
One order's page is in account_orders.py; its producer's settings in producer_settings.py."""

import asyncio
import re
from typing import Annotated

from fastapi import APIRouter, Query, Request

from web import signin
from web.gateways import Refused, Unavailable
from web.pages.account_views import (
    ORDERS_LIMIT,
    movement_view,
    older_orders,
    order_view,
    transfer_reference,
)
from web.pages.common import CustomerSession, gateways, order_uuid, page
from web.pages.producer_settings import offers_online, producer_settings, zone_of
from web.pages.top_ups import router as top_ups_router
from web.pages.top_ups import top_up_offer

router = APIRouter(tags=["account"])
router.include_router(top_ups_router)  # paying online from Mon compte (pages/top_ups.py)

HISTORY_LIMIT = 50
TRACKING_OFF = "Le suivi des comptes n'est pas activé par votre producteur : aucun solde ni " \
               "historique n'est affiché."
_PLACED_AT = re.compile(r"^[0-9T:.+\-Z ]{10,40}$")


def orders_path(session: signin.Session) -> str:
    """The orders gateway's path of the signed-in customer's orders."""
    return f"/v1/producers/{session.principal.producer_id}/orders"


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
                                             orders_path(session), params=params)
    except Unavailable as down:
        return {"orders_problem": down.message}
    tracking = found.get("payment_tracking", False)
    orders = found.get("orders", [])
    return {"orders": [order_view(o, tracking) for o in orders], "tracking": tracking,
            "older_orders": older_orders(orders)}


@router.get("/mon-compte")
async def my_account(request: Request, session: CustomerSession,
                     avant: Annotated[str | None, Query(max_length=64)] = None,
                     commandes_avant: Annotated[str | None, Query(max_length=64)] = None):
    before = order_uuid(avant) if avant else None
    orders_before = commandes_avant if commandes_avant and _PLACED_AT.match(commandes_avant) \
        else None
    account, orders, settings = await asyncio.gather(
        _account(request, session, before), _order_list(request, session, orders_before),
        producer_settings(request, session.principal.producer_id))
    return page(request, "account.html", session, zone=zone_of(settings),
                paging=bool(before or orders_before),
                reference=transfer_reference(account.get("account"), session.principal),
                **top_up_offer(account.get("account"), offers_online(settings)), **account,
                **orders)
