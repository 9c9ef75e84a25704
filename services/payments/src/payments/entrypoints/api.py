"""The payments HTTP gateway: settings, settlements of orders, the weekly payments page."""

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field, StrictInt

from ardoise.gateway import CurrentPrincipal, check_operator_of
from ardoise.ids import PRODUCER_ID_PATTERN
from ardoise.uow import UnitOfWork
from ardoise.weeks import parse_week
from payments import views
from payments.adapters import orm
from payments.adapters.repository import load_settings
from payments.domain.settlement import DEFAULT_ACCEPTED, PaymentSettings, check_accepted_modes
from payments.service_layer import handlers

router = APIRouter(prefix="/v1/producers/{producer}", tags=["payments"])
Producer = Annotated[str, Path(pattern=PRODUCER_ID_PATTERN)]
Mode = Literal["not_delivered", "account", "cash", "cheque", "card", "transfer", "online"]


class SettingsBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    payment_tracking: bool = True
    accepted_modes: list[Mode] = Field(default_factory=lambda: list(DEFAULT_ACCEPTED))
    online_payment_required: bool = False
    sumup_merchant_code: str | None = Field(None, max_length=64)


class SettlementBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    mode: Mode
    amount_paid_cents: Annotated[StrictInt, Field(ge=0, le=10**11)] | None = None


class ManySettlementsBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    order_ids: list[uuid.UUID] = Field(min_length=1, max_length=1000)
    mode: Mode


def _uow(request: Request) -> UnitOfWork:
    return UnitOfWork(request.app.state.sessionmaker, orm.outbox, orm.inbox)


def _settings_view(value: PaymentSettings) -> dict:
    return {"payment_tracking": value.payment_tracking,
            "accepted_modes": list(value.accepted_modes),
            "online_payment_required": value.online_payment_required,
            "sumup_merchant_code": value.sumup_merchant_code}


@router.put("/settings")
async def put_settings(producer: Producer, body: SettingsBody, principal: CurrentPrincipal,
                       request: Request) -> dict:
    check_operator_of(principal, producer)
    value = PaymentSettings(body.payment_tracking, check_accepted_modes(body.accepted_modes),
                            body.online_payment_required, body.sumup_merchant_code)
    return _settings_view(await handlers.put_settings(producer, value, _uow(request)))


@router.get("/settings")
async def get_settings(producer: Producer, principal: CurrentPrincipal, request: Request) -> dict:
    check_operator_of(principal, producer)
    async with request.app.state.sessionmaker() as session:
        return _settings_view(await load_settings(session, producer))


@router.put("/orders/{order_id}/settlement")
async def put_settlement(producer: Producer, order_id: uuid.UUID, body: SettlementBody,
                         principal: CurrentPrincipal, request: Request) -> dict:
    check_operator_of(principal, producer)
    [answer] = await handlers.settle_orders(producer, [order_id], body.mode,
                                            body.amount_paid_cents, _uow(request),
                                            request.app.state.orders.fetch)
    return answer


@router.post("/settlements")
async def post_settlements(producer: Producer, body: ManySettlementsBody,
                           principal: CurrentPrincipal, request: Request) -> dict:
    check_operator_of(principal, producer)
    answers = await handlers.settle_orders(producer, body.order_ids, body.mode, None,
                                           _uow(request), request.app.state.orders.fetch)
    return {"settlements": answers}


@router.get("/payments")
async def payments_page(producer: Producer, principal: CurrentPrincipal, request: Request,
                        week: Annotated[str, Query()]) -> dict:
    check_operator_of(principal, producer)
    monday, sunday = parse_week(week)
    async with request.app.state.sessionmaker() as session:
        (await load_settings(session, producer)).check_tracking_is_on()
        rows, totals, total_cents = await views.payments_page(session, producer, monday, sunday)
    return {"week": week, "rows": rows, "totals": totals, "total_cents": total_cents}


def main() -> None:
    from ardoise.runtime import serve_gateway
    from payments.bootstrap import create_app
    from payments.config import Settings

    settings = Settings()
    serve_gateway(create_app(settings), settings, "payments")
