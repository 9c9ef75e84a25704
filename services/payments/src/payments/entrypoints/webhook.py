"""SumUp's notification endpoint. It only ever says which checkout to read back: the unsigned
`return_url` notification, or a signed webhook whose signature is checked first. Limited per
client address (429 with Retry-After beyond): SumUp sends a notification again later, and
pending checkouts are read back by the worker whatever is notified."""

import logging
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, HTTPException, Request, Response
from pydantic import BaseModel, ConfigDict

from ardoise.rate_limit import SlidingWindow, client_address, too_many_requests
from payments.adapters.sumup_signature import (
    SIGNATURE_HEADER,
    BadSignature,
    checkout_id_of,
    verify,
)
from payments.service_layer.top_ups import sync_notified_checkout

router = APIRouter(tags=["sumup"])
WEBHOOK_PATH = "/v1/sumup/webhook"
"""API.md: always answers 2xx quickly, whatever the body."""
log = logging.getLogger(__name__)


class Notification(BaseModel):
    model_config = ConfigDict(extra="allow")
    event_type: str | None = None
    id: str | None = None


def _signed_checkout_id(secret: str | None, body: bytes, signature: str) -> str | None:
    if not secret:
        log.warning("signed SumUp webhook ignored: SUMUP_WEBHOOK_SECRET is not set")
        return None
    try:
        verify(secret, body, signature)
    except BadSignature as error:
        log.warning("signed SumUp webhook ignored: %s", error)
        return None
    return checkout_id_of(body)


def _unsigned_checkout_id(body: bytes) -> str | None:
    try:
        notification = Notification.model_validate_json(body)
    except ValueError:
        return None
    if notification.event_type == "CHECKOUT_STATUS_CHANGED" and notification.id:
        return notification.id
    return None


def webhook_limit(limit: int, window_s: int) -> SlidingWindow:
    """The notifications accepted per client address (`app.state.webhook_limit`)."""
    return SlidingWindow(limit, window_s)


async def within_limit(request: Request) -> None:
    state = request.app.state
    address = client_address(request.scope, state.trusted_proxies)
    if wait_s := state.webhook_limit.hit(address):
        log.warning("SumUp notification refused: too many from %s", address)
        raise HTTPException(429, "too many notifications from this address; try again after "
                                 "Retry-After", headers={"Retry-After": str(wait_s)})


@router.post(WEBHOOK_PATH, status_code=204, response_class=Response,
             responses=too_many_requests("too many notifications from this address (per "
                                         "replica): SumUp tries again later"))
async def webhook(request: Request, background: BackgroundTasks,
                  _: Annotated[None, Depends(within_limit)]) -> Response:
    """Answered at once; the checkout (an order's or a top-up's) is read back from SumUp
    afterwards, never believed as sent."""
    body = await request.body()
    state = request.app.state
    signature = request.headers.get(SIGNATURE_HEADER)
    checkout_id = (_unsigned_checkout_id(body) if signature is None
                   else _signed_checkout_id(state.sumup_webhook_secret, body, signature))
    if checkout_id:
        background.add_task(sync_notified_checkout, checkout_id[:64], state.new_uow,
                            state.sumup, state.orders.fetch)
    return Response(status_code=204)
