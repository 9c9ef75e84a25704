"""Each worker's subscribers wait for records as long as its settings say (compose and k8s set
both waits long, for Apache Kafka; the local broker needs the saga's to be short while events
come)."""

import importlib

import pytest

from ardoise import topics
from ardoise.consumer import batch_every
from ardoise.fetch_pace import paces
from ardoise.kafka import FETCH_MAX_WAIT_MS, READ_MODEL_FETCH_MAX_WAIT_MS, make_broker
from ardoise_tools.devservers.stack import fernet_key
from ardoise_tools.processes import SERVICES

pytestmark = pytest.mark.unit
SAGA = {"orders": {topics.PAYMENTS}, "accounts": {topics.ORDERS}, "payments": {topics.ACCOUNTS},
        "exports": set(), "journal": set()}
"""The topics whose subscriber a customer paying online waits on, per service."""
SPACED = {"orders": set(), "accounts": {topics.PAYMENTS}, "payments": {topics.ORDERS},
          "exports": set(topics.ALL), "journal": set(topics.ALL)}
"""The topics whose subscriber takes a batch at most every so often, per service: the read models
at their wait, the others at the fetch wait."""
READ_MODELS = {"exports", "journal"}
"""The services whose subscribers follow every topic for a read model (or the journal)."""


def subscribed(service: str, monkeypatch, **env: str) -> dict[str, dict]:
    """Each topic the worker subscribes to, with the options of its consumer and, when it is
    paced, its busy wait (`busy_ms`), when its batches are spaced, how far (`every_ms`)."""
    # signed in as compose and Kubernetes sign in: the web's token endpoint, no HS256
    monkeypatch.delenv("ARDOISE_AUTH_DEV_HS256", raising=False)
    monkeypatch.setenv("ARDOISE_AUTH_ISSUER", "http://localhost:8000")
    monkeypatch.setenv("ARDOISE_AUTH_TOKEN_URL", "http://web-gateway:8000/oauth/token")
    monkeypatch.setenv("ARDOISE_CLIENT_SECRET", "c" * 32)
    monkeypatch.setenv("ARDOISE_SECRETS_KEYS", fernet_key())
    monkeypatch.setenv("JOURNAL_SIGNING_SECRET", "j" * 32)
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://u:p@127.0.0.1:1/ardoise")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = importlib.import_module(f"{service}.config").Settings()
    broker = make_broker("127.0.0.1:1", "test")
    importlib.import_module(f"{service}.bootstrap").subscribe(broker, None, settings=settings)
    paced, spaced = paces(broker), batch_every(broker)
    options = {getattr(topic, "name", topic): {
                   **subscriber._connection_args,
                   "busy_ms": paced[subscriber.group_id].busy_ms if subscriber.group_id in paced
                   else None, "every_ms": spaced.get(subscriber.group_id)}
               for subscriber in broker.subscribers for topic in subscriber.topics}
    assert options, "the worker subscribes to nothing"
    return options


@pytest.mark.parametrize("service", SERVICES)
def test_every_subscriber_takes_its_fetch_wait_from_the_settings(service, monkeypatch):
    options = subscribed(service, monkeypatch, KAFKA_FETCH_MAX_WAIT_MS="432",
                         KAFKA_SAGA_FETCH_MAX_WAIT_MS="321",
                         KAFKA_READ_MODEL_FETCH_MAX_WAIT_MS="654")
    waits = {topic: (args["fetch_max_wait_ms"], args["busy_ms"]) for topic, args in options.items()}
    # the saga's subscribers wait 321 ms while events come (`ardoise.fetch_pace`), 432 otherwise;
    # a read model's, 654
    wait = 654 if service in READ_MODELS else 432
    assert waits == {topic: (wait, 321 if topic in SAGA[service] else None) for topic in waits}


@pytest.mark.parametrize("service", sorted(READ_MODELS))
def test_a_read_model_fetches_less_often_than_the_other_subscribers(service, monkeypatch):
    """By default (the local broker): it takes its events in batches, and nobody waits on it."""
    waits = {args["fetch_max_wait_ms"] for args in subscribed(service, monkeypatch).values()}
    assert waits == {READ_MODEL_FETCH_MAX_WAIT_MS}
    assert READ_MODEL_FETCH_MAX_WAIT_MS >= 5 * FETCH_MAX_WAIT_MS


@pytest.mark.parametrize("service", SERVICES)
def test_no_subscriber_holds_its_fetch_for_a_batch_and_none_a_customer_waits_on_is_spaced(
        service, monkeypatch):
    """A fetch kept back until enough bytes came would add the whole fetch wait to each hop of the
    online payment, and made the local broker list its stored records at each of its checks; the
    subscribers nobody waits on take a batch at most every so often instead (`batch_every`):
    a read model (the exports, the journal) every read-model wait, the others every fetch wait."""
    subscribers = subscribed(service, monkeypatch, KAFKA_FETCH_MAX_WAIT_MS="432",
                             KAFKA_READ_MODEL_FETCH_MAX_WAIT_MS="654")
    assert {args["fetch_min_bytes"] for args in subscribers.values()} == {1}
    every = 654 if service in READ_MODELS else 432
    assert {topic: args["every_ms"] for topic, args in subscribers.items()} == {
        topic: every if topic in SPACED[service] else None for topic in subscribers}
    assert not SPACED[service] & SAGA[service]
