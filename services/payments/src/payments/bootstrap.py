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
from ardoise.consumer import subscribe_events
from ardoise.events import BalanceHeld, Event
from ardoise.runtime import gateway_app, group_id
from payments.adapters import orm
from payments.adapters.orders_client import OrdersClient, OrdersUnavailable
from payments.adapters.sumup_client import PaymentGateway, SumUpClient
from payments.config import Settings
from payments.service_layer import checkouts, handlers
from payments.service_layer.unit_of_work import PaymentsUnitOfWork

log = logging.getLogger(__name__)
POLL_INTERVAL_S = 10.0


def sumup_gateway(settings: Settings) -> SumUpClient:
    """SumUp (or its stand-in) as configured: the only source to believe about a payment."""
    return SumUpClient(settings.sumup_api_url, settings.sumup_api_key.get_secret_value(),
                       settings.sumup_merchant_code)


def _orders(settings: Settings) -> OrdersClient:
    return OrdersClient(settings.orders_url, settings.jwt_secret.get_secret_value())


def create_app(settings: Settings | None = None) -> FastAPI:
    from payments.entrypoints.api import router
    from payments.entrypoints.webhook import WEBHOOK_PATH
    from payments.entrypoints.webhook import router as webhook

    settings = settings or Settings()

    def wire(app: FastAPI) -> None:
        app.state.orders = _orders(settings)
        app.state.sumup = sumup_gateway(settings)
        secret = settings.sumup_webhook_secret
        app.state.sumup_webhook_secret = secret.get_secret_value() if secret else None
        app.state.new_uow = partial(PaymentsUnitOfWork, app.state.sessionmaker)

    app = gateway_app(settings, orm.SCHEMA, routers=[router, webhook], title="Ardoise payments",
                      on_ready=wire, always_2xx=frozenset({WEBHOOK_PATH}))

    @app.exception_handler(OrdersUnavailable)
    async def orders_unavailable(_: Request, error: OrdersUnavailable) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=503, headers={"Retry-After": "1"})

    return app


def subscribe(broker: KafkaBroker, sessions: async_sessionmaker, settings: Settings) -> list[str]:
    """Orders and customers' names for the read models; balance holds open checkouts."""
    return subscribe_with(broker, settings, partial(PaymentsUnitOfWork, sessions),
                          sumup_gateway(settings), _orders(settings))


def subscribe_with(broker: KafkaBroker, settings: Settings, new_uow: Callable,
                   sumup: PaymentGateway, orders: OrdersClient) -> list[str]:
    """`subscribe` with its unit of work and clients given (fakes, in the unit tests)."""
    consumed = [topics.ORDERS, topics.ACCOUNTS]
    for topic in consumed:
        name = f"payments.{topic.split('.')[1]}-events"

        async def handle(event: Event, consumer: str = name) -> None:
            if isinstance(event, BalanceHeld):
                await checkouts.open_checkout(event, new_uow, sumup, settings.webhook_url,
                                              orders.fetch, consumer)
            else:
                await handlers.apply_event(event, new_uow(), consumer)

        # a hold taken for an order awaits its checkout: that subscriber fetches often
        busy_wait_ms = settings.saga_fetch_max_wait_ms if topic == topics.ACCOUNTS else None
        subscribe_events(broker, topic, group_id(settings, name), handle,
                         fetch_max_wait_ms=settings.fetch_max_wait_ms,
                         busy_fetch_max_wait_ms=busy_wait_ms)
    return consumed


def background(settings: Settings):
    """A safety net for lost notifications: pending checkouts are read back now and then."""

    def loops(sessions: async_sessionmaker) -> list:
        new_uow = partial(PaymentsUnitOfWork, sessions)
        sumup, orders = sumup_gateway(settings), _orders(settings)

        async def poll_pending_checkouts() -> None:
            while True:
                try:
                    await checkouts.sync_due_checkouts(new_uow, sumup, orders.fetch)
                except Exception as error:  # noqa: BLE001 - tried again at the next round
                    log.warning("polling checkouts: %s", error)
                await asyncio.sleep(POLL_INTERVAL_S)

        return [poll_pending_checkouts]

    return loops
