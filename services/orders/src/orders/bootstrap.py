"""The one place where the orders processes are wired together."""

from fastapi import FastAPI
from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import async_sessionmaker

from ardoise.runtime import gateway_app
from orders.adapters.orm import SCHEMA
from orders.config import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return gateway_app(settings, SCHEMA, routers=[], title="Ardoise orders")


def subscribe(broker: KafkaBroker, sessions: async_sessionmaker, settings: Settings) -> list[str]:
    return []
