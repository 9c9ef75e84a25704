"""The payments HTTP gateway: settings, settlements of orders, the weekly payments page."""

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Body, Header, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from ardoise.changes import Change, actor_of
from ardoise.errors import NotFound
from ardoise.events.vocabulary import SettlementMode
from ardoise.gateway import CurrentPrincipal, check_operator_of
from ardoise.ids import CUSTOMER_ID_PATTERN, PRODUCER_ID_PATTERN
from ardoise.money import NonNegativeCents, PositiveCents
from ardoise.text import one_line
from ardoise.weeks import parse_week
from payments import views
from payments.adapters.repository import PaymentsRepository
from payments.domain.settlement import PaymentSettings
from payments.service_layer import handlers, refunds
from payments.service_layer.unit_of_work import SqlPaymentsUnitOfWork

router = APIRouter(prefix="/v1/producers/{producer}", tags=["payments"])
Producer = Annotated[str, Path(pattern=PRODUCER_ID_PATTERN)]
TRACKING_OFF = {"description": "payment tracking is off for this producer"}


class SettingsBody(BaseModel):
    """A field left out keeps its current value (the defaults, for a producer new to payments)."""

    model_config = ConfigDict(extra="forbid")
    payment_tracking: bool = Field(None, description=(
        "Off for a new producer: no settlement, movement or balance until it is turned on; "
        "then it starts from what was recorded before. 'online' needs it on"))
    accepted_modes: list[SettlementMode] = Field(None, max_length=10)
    online_payment_required: bool = Field(None)
    sumup_merchant_code: Annotated[str, one_line(64, min_length=1)] | None = None
    sumup_api_key: Annotated[str, one_line(500, min_length=8)] = Field(None, description=(
        "The API key of the producer's own SumUp account (`sk_live_…`, `sk_test_…`): kept "
        "sealed, used for its checkouts, read-backs and refunds, never shown again"))
    time_zone: str = Field(None, max_length=64, description=(
        "The producer's IANA time zone (default Europe/Paris): its days and weeks, and the "
        "times on its documents"))


class SettlementBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    mode: SettlementMode
    amount_paid_cents: NonNegativeCents | None = None


class RefundBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    amount_cents: PositiveCents | None = Field(
        None, description="what to give back; all that was paid online when left out")


IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]


class ManySettlementsBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    order_ids: list[uuid.UUID] = Field(min_length=1, max_length=1000)
    mode: SettlementMode


def _uow(request: Request) -> SqlPaymentsUnitOfWork:
    return SqlPaymentsUnitOfWork(request.app.state.sessionmaker)


def _settings_view(value: PaymentSettings, change: Change) -> dict:
    return {"payment_tracking": value.payment_tracking,
            "accepted_modes": list(value.accepted_modes),
            "online_payment_required": value.online_payment_required,
            "sumup_merchant_code": value.sumup_merchant_code,
            "sumup_connected": value.sumup_connected, "time_zone": value.time_zone,
            **change.view()}


@router.put("/settings", responses={409: {
    "description": "online payment accepted without the producer's SumUp account, or with "
                   "payment tracking off"}})
async def put_settings(producer: Producer, body: SettingsBody, principal: CurrentPrincipal,
                       request: Request) -> dict:
    """The settings named in the body changed, and who changed them, now (`changed_by`,
    `changed_at`, in the answer and in the GET)."""
    check_operator_of(principal, producer)
    changes = body.model_dump(exclude_unset=True)
    change = Change.now_by(actor_of(principal))
    return _settings_view(await handlers.change_settings(
        producer, changes, _uow(request), request.app.state.secret_box.seal, change), change)


@router.get("/settings")
async def get_settings(producer: Producer, principal: CurrentPrincipal, request: Request) -> dict:
    """The settings, and who last changed them and when (`changed_by`, `changed_at`: null
    until an operator does)."""
    check_operator_of(principal, producer)
    async with request.app.state.sessionmaker() as session:
        repository = PaymentsRepository(session)
        return _settings_view(await repository.settings(producer),
                              await repository.settings_change(producer))


@router.put("/orders/{order_id}/settlement", responses={409: TRACKING_OFF})
async def put_settlement(producer: Producer, order_id: uuid.UUID, body: SettlementBody,
                         principal: CurrentPrincipal, request: Request) -> dict:
    """The order's settlement, recorded by the caller: the week's payments page and the
    workbooks show who (`recorded_by`, "Saisi par"), as the account's movements and the credit
    note it makes do."""
    check_operator_of(principal, producer)
    [answer] = await handlers.settle_orders(producer, [order_id], body.mode,
                                            body.amount_paid_cents, _uow(request),
                                            request.app.state.orders.fetch,
                                            actor=actor_of(principal))
    return answer


@router.post("/settlements", responses={409: TRACKING_OFF})
async def post_settlements(producer: Producer, body: ManySettlementsBody,
                           principal: CurrentPrincipal, request: Request) -> dict:
    """Many orders at once, each paid its order total (or nothing, for account/not_delivered),
    each recorded by the caller (`recorded_by`)."""
    check_operator_of(principal, producer)
    answers = await handlers.settle_orders(producer, body.order_ids, body.mode, None,
                                           _uow(request), request.app.state.orders.fetch,
                                           actor=actor_of(principal))
    return {"settlements": answers}


@router.post("/orders/{order_id}/refunds", status_code=201, responses={
    200: {"description": "replay of an earlier request with the same Idempotency-Key"},
    202: {"description": "asked of SumUp, which did not answer: confirmed (or failed) once the "
                         "payment is read back from SumUp, within minutes"},
    409: {"description": "nothing (or not that much) paid online is left to refund, SumUp "
                         "refused it, payment tracking is off, or the key was used for another "
                         "request"}})
async def post_refund(producer: Producer, order_id: uuid.UUID, principal: CurrentPrincipal,
                      request: Request, response: Response,
                      body: Annotated[RefundBody | None, Body()] = None,
                      idempotency_key: IdempotencyKey = None) -> dict:
    """Give back all or part of what the customer paid online for the order, through the
    producer's SumUp account. Money refunded leaves the customer's account ("Remboursement en
    ligne") and the week's online total, once; the refund and that movement keep who asked for
    it (`requested_by`)."""
    check_operator_of(principal, producer)
    state = request.app.state
    view, replay = await refunds.refund_order(
        producer, order_id, body.amount_cents if body else None, idempotency_key, state.new_uow,
        state.sumup, state.orders.fetch, actor_of(principal))
    response.status_code = 202 if view["status"] == "requested" else 200 if replay else 201
    return view


@router.get("/orders/{order_id}/refunds")
async def get_refunds(producer: Producer, order_id: uuid.UUID, principal: CurrentPrincipal,
                      request: Request) -> dict:
    """The order's refunds, oldest first, with their status (requested, refunded, failed)."""
    check_operator_of(principal, producer)
    async with request.app.state.sessionmaker() as session:
        rows = await PaymentsRepository(session).refunds_of_order(producer, order_id)
    return {"refunds": [refunds.refund_view(row) for row in rows]}


@router.get("/credit-notes")
async def get_credit_notes(
    producer: Producer, principal: CurrentPrincipal, request: Request,
    customer_id: Annotated[str | None, Query(pattern=CUSTOMER_ID_PATTERN)] = None,
    period_from: Annotated[date | None, Query(alias="from")] = None,
    period_to: Annotated[date | None, Query(alias="to")] = None,
) -> dict:
    """The credit notes (avoirs) issued to the producer's customers, by number, with their date,
    order, amount and who made the settlement that issued them (`issued_by`), those cancelled
    by a later change included (`status`); of one customer,
    or of a period (`from`, `to`: the producer's dates). A customer reads its own only."""
    customer_id = _customer_scope(principal, producer, customer_id)
    async with request.app.state.sessionmaker() as session:
        zone = (await PaymentsRepository(session).settings(producer)).time_zone
        notes = await views.credit_notes(session, producer, customer_id, period_from,
                                         period_to, time_zone=zone)
    return {"credit_notes": notes}


@router.get("/credit-notes/{number}")
async def get_credit_note(producer: Producer, number: Annotated[int, Path(ge=1, le=2**31 - 1)],
                          principal: CurrentPrincipal, request: Request) -> dict:
    """One credit note; a customer reads only one of its own (another's is not found)."""
    customer_id = _customer_scope(principal, producer, None)
    async with request.app.state.sessionmaker() as session:
        zone = (await PaymentsRepository(session).settings(producer)).time_zone
        found = await views.credit_notes(session, producer, customer_id, None, None, number,
                                         time_zone=zone)
    if not found:
        raise NotFound("no such credit note")
    return found[0]


def _customer_scope(principal, producer: str, customer_id: str | None) -> str | None:
    """The customer whose documents the caller may read: any (or the one named) for an
    operator, itself for a customer."""
    if not principal.can_reach_producer(producer):
        raise NotFound("no such producer")
    if principal.role == "customer":
        if customer_id not in (None, principal.customer_id):
            raise NotFound("no such customer")
        return principal.customer_id
    return customer_id


@router.get("/payments")
async def payments_page(producer: Producer, principal: CurrentPrincipal, request: Request,
                        week: Annotated[str, Query(max_length=10)]) -> dict:
    """The week's orders (`rows`, each with the money `received` per mode, what was refunded of
    it online since, `refunded_cents`, and who recorded its settlement, `recorded_by`), the
    top-ups and debits recorded by hand with a mode (`movements`, with `recorded_by`), the
    online refunds SumUp made during the week (`refunds`, negative, with their order), and
    `totals`: what came in (or went out) by each mode, as the drawer and the bank count it.
    An order's money counts in its week as it came in, and a refund in the week it was made,
    so a week already counted keeps its total."""
    check_operator_of(principal, producer)
    monday, _sunday = parse_week(week)
    async with request.app.state.sessionmaker() as session:
        settings = await PaymentsRepository(session).settings(producer)
        settings.check_tracking_is_on()
        page = await views.payments_page(session, producer, monday, settings)
    return {"week": week, **page}
