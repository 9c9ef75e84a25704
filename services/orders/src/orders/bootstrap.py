"""The one place where the orders processes are wired together."""

from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial

from fastapi import FastAPI
from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import async_sessionmaker

from ardoise import topics
from ardoise.auth_setup import service_tokens
from ardoise.consumer import subscribe_events
from ardoise.events import Event, SettlementChanged
from ardoise.runtime import gateway_app, group_id
from orders.adapters import orm
from orders.adapters.accounts_client import AccountsClient
from orders.adapters.order_changes import OrderChanges
from orders.config import Settings
from orders.entrypoints import invoices_api
from orders.entrypoints.api import router
from orders.service_layer import invoicing, messagebus
from orders.service_layer.unit_of_work import SqlOrdersUnitOfWork


def utc_now() -> datetime:
    return datetime.now(UTC)


def create_app(settings: Settings | None = None,
               clock: Callable[[], datetime] = utc_now) -> FastAPI:
    """The gateway; `clock` tells when an order is placed (its producer's day, by default)."""
    settings = settings or Settings()

    accounts = AccountsClient(settings.accounts_url, service_tokens(settings, "orders"))

    def wire(app: FastAPI) -> None:
        app.state.clock = clock
        app.state.accounts = accounts
        # by producer, whether its last order found online payment required: a hint that
        # saves asking the accounts service for a standing that would not matter
        app.state.online_required = {}
        app.state.order_changes = OrderChanges(settings.asyncpg_dsn)

    async def unwire(app: FastAPI) -> None:
        await app.state.order_changes.close()
        await accounts.aclose()

    return gateway_app(settings, orm.SCHEMA, routers=[router, invoices_api.router],
                       title="Ardoise orders",
                       on_ready=wire, on_close=unwire)


def subscribe(broker: KafkaBroker, sessions: async_sessionmaker, settings: Settings) -> list[str]:
    """Settlements and payment settings, for the order page, invoices and receipts; an order
    settled is invoiced, for a producer invoicing on delivery."""
    new_uow = partial(SqlOrdersUnitOfWork, sessions)
    accounts = AccountsClient(settings.accounts_url, service_tokens(settings, "orders"))

    async def settled(event: SettlementChanged) -> None:
        await invoicing.invoice_delivered(event, new_uow(), accounts.buyer, utc_now())

    return subscribe_with(broker, settings, new_uow, settled)


def subscribe_with(broker: KafkaBroker, settings: Settings, new_uow: Callable,
                   settled: Callable | None = None) -> list[str]:
    """`subscribe` with its unit of work given (a fake one, in the unit tests). `settled` runs
    after a settlement is kept, on every delivery of its event: it must be idempotent (a
    failure redelivers the event, which is then only passed to it)."""
    name = "orders.payments-events"

    async def handle(event: Event) -> None:
        await messagebus.handle(event, new_uow(), name)
        if settled is not None and isinstance(event, SettlementChanged):
            await settled(event)

    # the checkout opened for an order is awaited by its customer: fetch often
    subscribe_events(broker, topics.PAYMENTS, group_id(settings, name), handle,
                     fetch_max_wait_ms=settings.fetch_max_wait_ms,
                     busy_fetch_max_wait_ms=settings.saga_fetch_max_wait_ms)
    return [topics.PAYMENTS]
