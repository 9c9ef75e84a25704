"""The one place where the journal processes are wired together."""

import asyncio
import logging
from functools import partial

from fastapi import FastAPI
from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import async_sessionmaker

from ardoise import topics
from ardoise.consumer import follow_every_topic
from ardoise.runtime import gateway_app
from journal.adapters.orm import SCHEMA
from journal.config import Settings
from journal.entrypoints.api import router
from journal.service_layer import closing, messagebus
from journal.service_layer.technical import record_migrations

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return gateway_app(settings, SCHEMA, routers=[router], title="Ardoise journal")


def subscribe(broker: KafkaBroker, sessions: async_sessionmaker, settings: Settings) -> list[str]:
    """Sales, settlements and movements (and what the journal must know beside them), a batch
    at a time, each topic its own consumer group."""
    every = [topics.ORDERS, topics.PAYMENTS, topics.ACCOUNTS]
    return follow_every_topic(broker, "journal", every,
                              partial(messagebus.handle_batch, sessions), settings)


def background(settings: Settings):
    def loops(sessions: async_sessionmaker) -> list:
        async def close_periods_forever() -> None:
            try:
                await record_migrations(sessions)
            except Exception as error:  # noqa: BLE001 - told, and tried at the next start
                log.error("recording the migrations applied: %s", error)
            while True:
                try:
                    await closing.close_due_periods(sessions)
                except Exception as error:  # noqa: BLE001 - retried at the next tick
                    log.error("closing periods: %s", error)
                await asyncio.sleep(settings.closing_check_s)

        return [close_periods_forever]

    return loops
