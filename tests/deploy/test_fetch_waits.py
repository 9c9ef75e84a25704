"""Each worker's subscribers wait for records as long as its settings say (compose and k8s set
both waits long, for Apache Kafka; the local broker needs the saga's to be short)."""

import importlib

import pytest

from ardoise import topics
from ardoise.kafka import make_broker
from ardoise.processes import SERVICES

pytestmark = pytest.mark.unit
SAGA = {"orders": {topics.PAYMENTS}, "accounts": {topics.ORDERS}, "payments": {topics.ACCOUNTS},
        "exports": set()}
"""The topics whose subscriber a customer paying online waits on, per service."""


@pytest.mark.parametrize("service", SERVICES)
def test_every_subscriber_takes_its_fetch_wait_from_the_settings(service, monkeypatch):
    monkeypatch.setenv("ARDOISE_JWT_SECRET", "s" * 32)
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://u:p@127.0.0.1:1/ardoise")
    monkeypatch.setenv("KAFKA_FETCH_MAX_WAIT_MS", "432")
    monkeypatch.setenv("KAFKA_SAGA_FETCH_MAX_WAIT_MS", "321")
    settings = importlib.import_module(f"{service}.config").Settings()
    bootstrap = importlib.import_module(f"{service}.bootstrap")
    broker = make_broker("127.0.0.1:1", "test")
    bootstrap.subscribe(broker, None, settings=settings)
    waits = {}
    for subscriber in broker.subscribers:
        for topic in subscriber.topics:
            waits[getattr(topic, "name", topic)] = subscriber._connection_args["fetch_max_wait_ms"]
    assert waits, "the worker subscribes to nothing"
    assert waits == {topic: 321 if topic in SAGA[service] else 432 for topic in waits}
