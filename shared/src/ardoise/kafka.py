"""The Kafka broker factory, subscriber settings, and the relay's publisher."""

import asyncio
import logging
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from faststream.kafka import KafkaBroker
from faststream.middlewares import AckPolicy

from ardoise import topics
from ardoise.relay import OutgoingMessage, PublishMany

log = logging.getLogger(__name__)

SESSION_TIMEOUT_MS = 6000
HEARTBEAT_INTERVAL_MS = 1500
FETCH_MAX_WAIT_MS = 100
SAGA_FETCH_MAX_WAIT_MS = 10
"""For the subscribers on the online-payment path (order placed -> hold -> checkout -> order page),
where a customer waits for each hop: shorter fetches while events come (`ardoise.fetch_pace`), at
the cost of more of them. Both are the defaults of `KAFKA_FETCH_MAX_WAIT_MS` /
`KAFKA_SAGA_FETCH_MAX_WAIT_MS` (ServiceSettings)."""
READ_MODEL_FETCH_MAX_WAIT_MS = 500
"""For the read models' and the journal's subscribers, which nobody waits on and which take
their events in batches: they fetch five times less often than the other subscribers (default
of `KAFKA_READ_MODEL_FETCH_MAX_WAIT_MS`), and an event reaches them within half a second. On an
idle local system the broker spent 47 ms of CPU a second answering the empty fetches of eleven
subscribers at 100 ms, six of them these (measured 2026-12-06, issue #26)."""


def make_broker(bootstrap: str, client_id: str, **kwargs: Any) -> KafkaBroker:
    """A broker whose producer waits for all replicas; idempotence stays off (ARCHITECTURE.md)."""
    return KafkaBroker(
        bootstrap,
        client_id=client_id,
        acks="all",
        enable_idempotence=False,
        request_timeout_ms=10_000,
        **kwargs,
    )


def subscriber_options(group_id: str, fetch_max_wait_ms: int = FETCH_MAX_WAIT_MS) -> dict[str, Any]:
    """One group per subscriber; offsets are committed only after the handler's transaction,
    by the subscriber itself (`ardoise.offsets`: together, a moment later), never by FastStream.
    A fetch asks for no minimum of bytes (`fetch_min_bytes` 1): any record there answers it."""
    return {
        "group_id": group_id,
        "auto_offset_reset": "earliest",
        "session_timeout_ms": SESSION_TIMEOUT_MS,
        "heartbeat_interval_ms": HEARTBEAT_INTERVAL_MS,
        "ack_policy": AckPolicy.MANUAL,
        # records reaching the local broker while a fetch waits go out up to about half of
        # this wait later (bench/bench_fetch_wait.py)
        "fetch_max_wait_ms": fetch_max_wait_ms,
        "fetch_min_bytes": 1,
    }


def broker_publisher(broker: KafkaBroker) -> PublishMany:
    """Send every message (the client keeps per-partition order), then await every ack."""

    async def publish_many(messages: list[OutgoingMessage]) -> None:
        futures = [
            await broker.publish(m.value, m.topic, key=m.key, headers=m.headers, no_confirm=True)
            for m in messages
        ]
        await asyncio.gather(*futures)

    return publish_many


async def create_missing_topics(bootstrap: str,
                                names: tuple[str, ...] = topics.ALL) -> list[str]:
    """Create those of the project's topics the broker does not have; returns their names.

    The relay calls this before it publishes, on every (re)connection: a broker that lost its
    topics (the local one keeps nothing across a restart) gets them back with their partitions
    before a publish could auto-create them otherwise.
    """
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10_000)
    await admin.start()
    try:
        missing = [name for name in names if name not in set(await admin.list_topics())]
        if missing:
            try:
                await admin.create_topics([NewTopic(n, topics.PARTITIONS, 1) for n in missing])
            except TopicAlreadyExistsError:
                pass
            log.warning("the broker had no topic %s: created", ", ".join(missing))
        return missing
    finally:
        await admin.close()
