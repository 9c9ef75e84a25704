"""The one place where the payments processes are wired together."""

import asyncio
import logging
from collections.abc import Callable
from functools import partial

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import async_sessionmaker

from ardoise import topics
from ardoise.auth_setup import service_tokens
from ardoise.consumer import subscribe_event_batches, subscribe_events
from ardoise.events import Event
from ardoise.rate_limit import parse_networks
from ardoise.runtime import gateway_app, group_id
from payments.adapters import orm
from payments.adapters.credentials import SecretBox
from payments.adapters.orders_client import OrdersClient, OrdersUnavailable
from payments.adapters.sumup_accounts import GatewayFor, SumUpAccount, SumUpGateways
from payments.config import Settings
from payments.entrypoints.api import router
from payments.entrypoints.bank_api import MAX_STATEMENT_BYTES, STATEMENT_PATH_SUFFIX
from payments.entrypoints.bank_api import router as bank_router
from payments.entrypoints.payouts_api import router as payouts_router
from payments.entrypoints.top_ups_api import router as top_ups_router
from payments.entrypoints.webhook import WEBHOOK_PATH, webhook_limit
from payments.entrypoints.webhook import router as webhook
from payments.service_layer import checkouts, refunds, top_ups
from payments.service_layer.messagebus import MessageBus
from payments.service_layer.unit_of_work import SqlPaymentsUnitOfWork

log = logging.getLogger(__name__)
POLL_INTERVAL_S = 10.0


def secret_box(settings: Settings) -> SecretBox:
    return SecretBox(settings.secrets_keys.get_secret_value())


def sumup_gateways(settings: Settings, new_uow: Callable) -> SumUpGateways:
    """Each producer's own SumUp account (or the stand-in's): the only source to believe about
    its payments."""

    async def read_account(producer_id: str) -> SumUpAccount | None:
        async with new_uow() as uow:
            return await uow.payments.sumup_account(producer_id)

    return SumUpGateways(settings.sumup_api_url, secret_box(settings), read_account)


def _orders(settings: Settings) -> OrdersClient:
    return OrdersClient(settings.orders_url, service_tokens(settings, "payments"))


def create_app(settings: Settings | None = None) -> FastAPI:

    settings = settings or Settings()

    def wire(app: FastAPI) -> None:
        app.state.orders = _orders(settings)
        app.state.new_uow = partial(SqlPaymentsUnitOfWork, app.state.sessionmaker)
        app.state.secret_box = secret_box(settings)
        app.state.sumup = sumup_gateways(settings, app.state.new_uow)
        secret = settings.sumup_webhook_secret
        app.state.sumup_webhook_secret = secret.get_secret_value() if secret else None

    app = gateway_app(settings, orm.SCHEMA, routers=[router, bank_router, payouts_router,
                                                     top_ups_router, webhook],
                      title="Ardoise payments", on_ready=wire,
                      always_2xx=frozenset({WEBHOOK_PATH}),
                      large_bodies={STATEMENT_PATH_SUFFIX: MAX_STATEMENT_BYTES})
    app.state.trusted_proxies = parse_networks(settings.trusted_proxies)
    app.state.webhook_limit = webhook_limit(settings.sumup_webhook_limit,
                                            settings.sumup_webhook_window_s)

    @app.exception_handler(OrdersUnavailable)
    async def orders_unavailable(_: Request, error: OrdersUnavailable) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=503, headers={"Retry-After": "1"})

    return app


def subscribe(broker: KafkaBroker, sessions: async_sessionmaker, settings: Settings) -> list[str]:
    """Orders and customers' names for the read models; balance holds open checkouts."""
    new_uow = partial(SqlPaymentsUnitOfWork, sessions)
    return subscribe_with(broker, settings, new_uow, sumup_gateways(settings, new_uow),
                          _orders(settings))


def subscribe_with(broker: KafkaBroker, settings: Settings, new_uow: Callable,
                   sumup: GatewayFor, orders: OrdersClient) -> list[str]:
    """`subscribe` with its unit of work and clients given (fakes, in the unit tests)."""
    bus = MessageBus(new_uow, sumup, orders.fetch, settings.webhook_url)
    # orders placed, for the read models only: at most a batch every fetch wait, each in one
    # transaction (`ardoise.consumer.batch_every`)
    name = "payments.orders-events"
    subscribe_event_batches(broker, topics.ORDERS, group_id(settings, name),
                            partial(bus.remember, consumer=name),
                            fetch_max_wait_ms=settings.fetch_max_wait_ms,
                            every_ms=settings.fetch_max_wait_ms)
    # a hold taken for an order awaits its checkout: that subscriber takes each event as soon as
    # it comes (a batch subscriber idles between empty polls), and fetches often
    name = "payments.accounts-events"

    async def handle(event: Event) -> None:
        await bus.handle(event, name)

    subscribe_events(broker, topics.ACCOUNTS, group_id(settings, name), handle,
                     fetch_max_wait_ms=settings.fetch_max_wait_ms,
                     busy_fetch_max_wait_ms=settings.saga_fetch_max_wait_ms)
    return [topics.ORDERS, topics.ACCOUNTS]


def background(settings: Settings):
    """A safety net for lost answers: pending checkouts, and refunds whose answer was lost, are
    read back from SumUp now and then."""

    def loops(sessions: async_sessionmaker) -> list:
        new_uow = partial(SqlPaymentsUnitOfWork, sessions)
        sumup, orders = sumup_gateways(settings, new_uow), _orders(settings)

        async def poll_pending_checkouts() -> None:
            while True:
                try:
                    await checkouts.sync_due_checkouts(new_uow, sumup, orders.fetch)
                    await top_ups.sync_due_top_ups(new_uow, sumup)
                    await refunds.settle_lost_refunds(new_uow, sumup, orders.fetch)
                except Exception as error:  # noqa: BLE001 - tried again at the next round
                    log.warning("polling checkouts and refunds: %s", error)
                await asyncio.sleep(POLL_INTERVAL_S)

        return [poll_pending_checkouts]

    return loops
