"""What a customer's pages read of their producer's payments settings: the time zone their times
are shown in, and whether online payment is offered. A customer may not read its producer's
settings, so the web reads them as the producer, kept a little for every page that needs them."""

import time

from fastapi import Request

from ardoise.auth import Principal
from web.gateways import Refused, Unavailable
from web.pages.common import gateways

KEPT_S = 120.0
"""How long the settings read are kept: a change made in Réglages shows within this time."""
DEFAULT_ZONE = "Europe/Paris"


async def producer_settings(request: Request, producer_id: str) -> dict | None:
    """The producer's payments settings, read as the producer (None when they cannot be read:
    not kept, read again next time)."""
    kept = getattr(request.app.state, "producer_settings", None)
    if kept is None:
        kept = request.app.state.producer_settings = {}
    known = kept.get(producer_id)
    if known and known[1] > time.monotonic():
        return known[0]
    try:
        settings = await gateways(request).json(Principal("operator", producer_id), "payments",
                                                "GET", f"/v1/producers/{producer_id}/settings")
    except (Unavailable, Refused):
        return None
    kept[producer_id] = (settings, time.monotonic() + KEPT_S)
    return settings


def zone_of(settings: dict | None) -> str:
    """The producer's time zone, for the times shown; Europe/Paris when it cannot be read."""
    return (settings or {}).get("time_zone") or DEFAULT_ZONE


def offers_online(settings: dict | None) -> bool:
    """Whether the producer takes online payments (payments tracked, `online` accepted)."""
    settings = settings or {}
    return bool(settings.get("payment_tracking")) and "online" in (
        settings.get("accepted_modes") or [])


async def producer_zone(request: Request, producer_id: str) -> str:
    return zone_of(await producer_settings(request, producer_id))
