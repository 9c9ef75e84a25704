"""The one place where the accounts processes are wired together."""

import asyncio
from datetime import timedelta
from functools import partial

from fastapi import FastAPI
from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import async_sessionmaker

from accounts.adapters.orm import SCHEMA
from accounts.config import Settings
from accounts.domain.commands import ApplySettlement, HoldBalance, ReleaseHold
from accounts.service_layer import handlers
from accounts.service_layer.unit_of_work import SqlAlchemyUnitOfWork
from ardoise import topics
from ardoise.consumer import subscribe_event_batches, subscribe_events
from ardoise.events import (
    ENDED_UNPAID,
    CheckoutClosed,
    Event,
    OrderPlaced,
    PaymentRetryRequested,
    SettlementChanged,
)
from ardoise.runtime import gateway_app, group_id

HOLD_LIFETIME = timedelta(minutes=35)
"""A hosted SumUp checkout lives about 30 minutes; the hold outlives it a little."""
EXPIRY_INTERVAL_S = 5.0


def create_app(settings: Settings | None = None) -> FastAPI:
    from accounts.entrypoints.api import router

    settings = settings or Settings()

    def wire(app: FastAPI) -> None:
        app.state.uow_factory = partial(SqlAlchemyUnitOfWork, app.state.sessionmaker)

    return gateway_app(settings, SCHEMA, routers=[router], title="Ardoise accounts", on_ready=wire)


def command_for(event: Event):
    """The command an incoming event asks for, or None for events the accounts ignore."""
    match event:
        case SettlementChanged():
            return ApplySettlement(
                event_id=event.event_id, producer_id=event.producer_id,
                customer_id=event.customer_id, order_id=event.order_id, version=event.version,
                total_cents=event.total_cents, mode=event.mode, received=event.received,
            )
        case OrderPlaced(online_payment=True) | PaymentRetryRequested():
            return HoldBalance(
                event_id=event.event_id, producer_id=event.producer_id,
                customer_id=event.customer_id, order_id=event.order_id,
                attempt=getattr(event, "attempt", 1), total_cents=event.total_cents,
                expires_at=event.occurred_at + HOLD_LIFETIME,
            )
        case CheckoutClosed() if event.status in ENDED_UNPAID:
            return ReleaseHold(
                event_id=event.event_id, producer_id=event.producer_id,
                customer_id=event.customer_id, order_id=event.order_id, attempt=event.attempt,
                reason=event.status.lower(),
            )
    return None


SINGLE_HANDLERS = {HoldBalance: handlers.hold_balance, ReleaseHold: handlers.release_hold}


async def handle_batch(events: list[Event], sessions: async_sessionmaker, consumer: str) -> None:
    """Runs of settlement changes go in one transaction each; other commands one by one, in order."""
    run: list[ApplySettlement] = []
    for command in filter(None, map(command_for, events)):
        if isinstance(command, ApplySettlement):
            run.append(command)
            continue
        if run:
            await handlers.apply_settlements(run, SqlAlchemyUnitOfWork(sessions), consumer)
            run = []
        await SINGLE_HANDLERS[type(command)](command, SqlAlchemyUnitOfWork(sessions), consumer)
    if run:
        await handlers.apply_settlements(run, SqlAlchemyUnitOfWork(sessions), consumer)


def subscribe(broker: KafkaBroker, sessions: async_sessionmaker, settings: Settings) -> list[str]:
    # The inbox is keyed by the stable consumer name, never by the (prefixable) group id.
    name = "accounts.payments-events"
    subscribe_event_batches(broker, topics.PAYMENTS, group_id(settings, name),
                            partial(handle_batch, sessions=sessions, consumer=name),
                            fetch_max_wait_ms=settings.fetch_max_wait_ms)
    # an order placed waits for its hold (online payment): each one is taken as soon as it
    # arrives (a batch subscriber idles between empty polls), and fetched more often
    name = "accounts.orders-events"

    async def handle_one(event: Event) -> None:
        await handle_batch([event], sessions, name)

    subscribe_events(broker, topics.ORDERS, group_id(settings, name), handle_one,
                     fetch_max_wait_ms=settings.fetch_max_wait_ms,
                     busy_fetch_max_wait_ms=settings.saga_fetch_max_wait_ms)
    return [topics.PAYMENTS, topics.ORDERS]


def background(sessions: async_sessionmaker) -> list:
    async def expire_holds_forever() -> None:
        while True:
            await handlers.expire_holds(partial(SqlAlchemyUnitOfWork, sessions))
            await asyncio.sleep(EXPIRY_INTERVAL_S)

    return [expire_holds_forever]
