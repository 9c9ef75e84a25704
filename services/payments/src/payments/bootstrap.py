"""The one place where the payments processes are wired together."""

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from functools import partial

from fastapi import FastAPI
from faststream.kafka import KafkaBroker
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from ardoise import topics
from ardoise.consumer import subscribe_events
from ardoise.events import BalanceHeld, Event
from ardoise.runtime import gateway_app, group_id
from ardoise.uow import UnitOfWork
from payments.adapters import orm
from payments.adapters.orders_client import OrdersClient
from payments.adapters.sumup_client import PENDING, SumUpClient
from payments.config import Settings
from payments.service_layer import checkouts, handlers

log = logging.getLogger(__name__)
POLL_INTERVAL_S = 10.0
POLL_AFTER = timedelta(seconds=30)


def _sumup(settings: Settings) -> SumUpClient:
    return SumUpClient(settings.sumup_api_url, settings.sumup_api_key.get_secret_value(),
                       settings.sumup_merchant_code)


def _orders(settings: Settings) -> OrdersClient:
    return OrdersClient(settings.orders_url, settings.jwt_secret.get_secret_value())


def create_app(settings: Settings | None = None) -> FastAPI:
    from payments.entrypoints.api import router
    from payments.entrypoints.webhook import router as webhook

    settings = settings or Settings()

    def wire(app: FastAPI) -> None:
        app.state.orders = _orders(settings)
        app.state.sumup = _sumup(settings)
        app.state.new_uow = partial(UnitOfWork, app.state.sessionmaker, orm.outbox, orm.inbox)

    return gateway_app(settings, orm.SCHEMA, routers=[router, webhook], title="Ardoise payments",
                       on_ready=wire)


def subscribe(broker: KafkaBroker, sessions: async_sessionmaker, settings: Settings) -> list[str]:
    """Orders and customers' names for the read models; balance holds open checkouts."""
    new_uow = partial(UnitOfWork, sessions, orm.outbox, orm.inbox)
    sumup, orders = _sumup(settings), _orders(settings)
    consumed = [topics.ORDERS, topics.ACCOUNTS]
    for topic in consumed:
        name = f"payments.{topic.split('.')[1]}-events"

        async def handle(event: Event, consumer: str = name) -> None:
            if isinstance(event, BalanceHeld):
                await checkouts.open_checkout(event, new_uow, sumup, settings.webhook_url,
                                              orders.fetch, consumer)
            else:
                await handlers.apply_event(event, new_uow(), consumer)

        subscribe_events(broker, topic, group_id(settings, name), handle)
    return consumed


def background(settings: Settings):
    """A safety net for lost notifications: pending checkouts are read back now and then."""

    def loops(sessions: async_sessionmaker) -> list:
        new_uow = partial(UnitOfWork, sessions, orm.outbox, orm.inbox)
        sumup, orders = _sumup(settings), _orders(settings)

        async def poll_pending_checkouts() -> None:
            while True:
                try:
                    async with sessions() as session:
                        pending = (await session.execute(
                            select(orm.checkouts.c.checkout_id).where(
                                orm.checkouts.c.status == PENDING,
                                orm.checkouts.c.created_at < datetime.now(UTC) - POLL_AFTER)
                            .limit(100))).scalars().all()
                    for checkout_id in pending:
                        await checkouts.sync_checkout(checkout_id, new_uow, sumup, orders.fetch)
                except Exception as error:  # noqa: BLE001 - tried again at the next round
                    log.warning("polling checkouts: %s", error)
                await asyncio.sleep(POLL_INTERVAL_S)

        return [poll_pending_checkouts]

    return loops
