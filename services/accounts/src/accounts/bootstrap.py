"""The one place where the accounts processes are wired together."""

import asyncio
from functools import partial

from fastapi import FastAPI
from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import async_sessionmaker

from accounts.adapters.orm import SCHEMA
from accounts.config import Settings
from accounts.entrypoints.api import router
from accounts.entrypoints.balances_api import router as balances_router
from accounts.entrypoints.limits_api import router as limits_router
from accounts.entrypoints.reminders_api import router as reminders_router
from accounts.entrypoints.reminders_timer import make_post, reminders_timer
from accounts.service_layer import handlers, messagebus
from accounts.service_layer.unit_of_work import SqlAccountsUnitOfWork
from ardoise import topics
from ardoise.consumer import subscribe_event_batches, subscribe_events
from ardoise.events import (
    Event,
)
from ardoise.runtime import gateway_app, group_id

EXPIRY_INTERVAL_S = 5.0


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    def wire(app: FastAPI) -> None:
        app.state.uow_factory = partial(SqlAccountsUnitOfWork, app.state.sessionmaker)
        app.state.reminder_post = make_post(settings)

    return gateway_app(settings, SCHEMA, routers=[router, limits_router, reminders_router,
                                                  balances_router],
                       title="Ardoise accounts", on_ready=wire)


def subscribe(broker: KafkaBroker, sessions: async_sessionmaker, settings: Settings) -> list[str]:
    new_uow = partial(SqlAccountsUnitOfWork, sessions)
    # The inbox is keyed by the stable consumer name, never by the (prefixable) group id.
    # settlements, top-ups, transfers, checkouts closed: no hop of an online payment waits on
    # them; at most a batch every fetch wait (`ardoise.consumer.batch_every`), a batch's
    # settlements in one transaction
    name = "accounts.payments-events"
    subscribe_event_batches(broker, topics.PAYMENTS, group_id(settings, name),
                            partial(messagebus.handle_batch, new_uow=new_uow, consumer=name),
                            fetch_max_wait_ms=settings.fetch_max_wait_ms,
                            every_ms=settings.fetch_max_wait_ms)
    # an order placed waits for its hold (online payment): each one is taken as soon as it
    # arrives (a batch subscriber idles between empty polls), and fetched more often
    name = "accounts.orders-events"

    async def handle_one(event: Event) -> None:
        await messagebus.handle_batch([event], new_uow, name)

    subscribe_events(broker, topics.ORDERS, group_id(settings, name), handle_one,
                     fetch_max_wait_ms=settings.fetch_max_wait_ms,
                     busy_fetch_max_wait_ms=settings.saga_fetch_max_wait_ms)
    return [topics.PAYMENTS, topics.ORDERS]


def background(sessions: async_sessionmaker, settings: Settings | None = None) -> list:
    async def expire_holds_forever() -> None:
        while True:
            await handlers.expire_holds(partial(SqlAccountsUnitOfWork, sessions))
            await asyncio.sleep(EXPIRY_INTERVAL_S)

    return [expire_holds_forever, reminders_timer(sessions, settings or Settings())]
