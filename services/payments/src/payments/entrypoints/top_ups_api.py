"""The online top-ups' routes: a customer (or the producer for it) pays a debt or adds credit on
the producer's SumUp account; the top-up is followed until SumUp's read-back ends it."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Path, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from ardoise.auth import Principal
from ardoise.errors import NotFound
from ardoise.gateway import CurrentPrincipal, request_fingerprint
from ardoise.ids import CUSTOMER_ID_PATTERN, PRODUCER_ID_PATTERN
from ardoise.money import PositiveCents
from payments.service_layer import top_ups

router = APIRouter(prefix="/v1/producers/{producer}/customers/{customer}/top-ups",
                   tags=["top-ups"])
Producer = Annotated[str, Path(pattern=PRODUCER_ID_PATTERN)]
Customer = Annotated[str, Path(pattern=CUSTOMER_ID_PATTERN)]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]
WEB_ADDRESS = r"^https?://[^\s]{1,490}$"


class TopUpBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    amount_cents: PositiveCents = Field(description=(
        "What SumUp asks the customer for, credited to its account once paid: any amount (a "
        "top-up), or its debt (the frontend reads it from the account: `-available_cents`)"))
    redirect_url: str | None = Field(None, pattern=WEB_ADDRESS, max_length=500, description=(
        "Where SumUp's page sends the customer back after paying (`{top_up_id}` in it is "
        "replaced by the top-up's id), e.g. the web's page that follows the top-up"))


def _check_customer(principal: Principal, producer: str, customer: str) -> None:
    """The producer's operators reach every customer of theirs; a customer only itself."""
    if not principal.can_reach_customer(producer, customer):
        raise NotFound("no such customer")


@router.post("", status_code=201, summary="Pay a debt or top up online (SumUp)", responses={
    200: {"description": "replay of an earlier request with the same Idempotency-Key"},
    404: {"description": "no such customer (another customer's, or not registered)"},
    409: {"description": "the producer does not take online payments (tracking off, 'online' "
                         "not accepted, no SumUp account), SumUp refused the checkout, or the "
                         "key was used for another request"},
    503: {"description": "SumUp did not answer: nothing was asked, try again"}},
    description="Opens a checkout of `amount_cents` on the producer's own SumUp account for "
                "the customer's account (its reference names the top-up: `top-up.{id}`); the "
                "customer pays at `checkout_url`, valid 30 minutes. Once SumUp's checkout is "
                "read back PAID (after its notification, or by the periodic read-back), the "
                "amount is credited to the account once, by `online` (\"Recharge en ligne\"); "
                "it counts in the week's money by mode and in the journal. A customer tops up "
                "its own account only; the producer's operators any of its customers'. "
                "Refunds of a top-up are not made through Ardoise.")
async def post_top_up(producer: Producer, customer: Customer, body: TopUpBody,
                      principal: CurrentPrincipal, request: Request, response: Response,
                      idempotency_key: IdempotencyKey = None) -> dict:
    _check_customer(principal, producer, customer)
    state = request.app.state
    view, replay = await top_ups.open_top_up(
        producer, customer, body.amount_cents, body.redirect_url, idempotency_key,
        request_fingerprint(body.model_dump()), state.new_uow, state.sumup,
        state.settings.webhook_url)
    if replay:
        response.status_code = 200
    return view


@router.get("", summary="A customer's online top-ups",
            description="Newest first (the last 50), each with its `status`: PENDING until "
                        "SumUp's read-back ends it PAID (credited to the account), FAILED or "
                        "EXPIRED (nothing credited).")
async def get_top_ups(producer: Producer, customer: Customer, principal: CurrentPrincipal,
                      request: Request) -> dict:
    _check_customer(principal, producer, customer)
    return {"top_ups": await top_ups.list_top_ups(producer, customer, request.app.state.new_uow)}


@router.get("/{top_up_id}", summary="One online top-up", responses={
    404: {"description": "no such top-up for this customer"}},
    description="The top-up and its `status` (PENDING, PAID, FAILED, EXPIRED): PAID once "
                "SumUp's checkout was read back paid; the account's credit follows at once "
                "(an event away).")
async def get_top_up(producer: Producer, customer: Customer, top_up_id: uuid.UUID,
                     principal: CurrentPrincipal, request: Request) -> dict:
    _check_customer(principal, producer, customer)
    return await top_ups.read_top_up(producer, customer, top_up_id, request.app.state.new_uow)
