"""The one place where the payments processes are wired together."""

from fastapi import FastAPI
from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import async_sessionmaker

from ardoise import topics
from ardoise.consumer import subscribe_events
from ardoise.events import Event
from ardoise.runtime import gateway_app, group_id
from ardoise.uow import UnitOfWork
from payments.adapters import orm
from payments.adapters.orders_client import OrdersClient
from payments.config import Settings
from payments.service_layer import handlers


def create_app(settings: Settings | None = None) -> FastAPI:
    from payments.entrypoints.api import router

    settings = settings or Settings()

    def wire(app: FastAPI) -> None:
        app.state.orders = OrdersClient(settings.orders_url, settings.jwt_secret.get_secret_value())

    return gateway_app(settings, orm.SCHEMA, routers=[router], title="Ardoise payments",
                       on_ready=wire)


def subscribe(broker: KafkaBroker, sessions: async_sessionmaker, settings: Settings) -> list[str]:
    """Orders (for the payments page and settlements) and customers' names."""
    consumed = [topics.ORDERS, topics.ACCOUNTS]
    for topic in consumed:
        name = f"payments.{topic.split('.')[1]}-events"

        async def handle(event: Event, consumer: str = name) -> None:
            await handlers.apply_event(event, UnitOfWork(sessions, orm.outbox, orm.inbox), consumer)

        subscribe_events(broker, topic, group_id(settings, name), handle)
    return consumed
