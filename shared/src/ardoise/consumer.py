"""Subscribing to a topic: decode each event, hand it to a handler, commit the offset after."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any
from weakref import WeakKeyDictionary

from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage

from ardoise.errors import DomainError
from ardoise.events import Event
from ardoise.fetch_pace import pace_for
from ardoise.kafka import FETCH_MAX_WAIT_MS, subscriber_options
from ardoise.offsets import offset_commits
from ardoise.settings import ServiceSettings
from ardoise.worker import pause_before_retry, read_event

log = logging.getLogger(__name__)
EventHandler = Callable[[Event], Awaitable[None]]


def subscribe_events(broker: KafkaBroker, topic: str, group_id: str, handle: EventHandler,
                     fetch_max_wait_ms: int = FETCH_MAX_WAIT_MS,
                     busy_fetch_max_wait_ms: int | None = None) -> None:
    """Register a subscriber whose offset is committed only once `handle` returned.

    `handle` applies the event and records it in the inbox in one transaction; when it
    raises, the message is delivered again after a pause (the transaction rolled back).
    With `busy_fetch_max_wait_ms` shorter than `fetch_max_wait_ms`, the subscriber fetches with
    that wait while events come (`ardoise.fetch_pace`).
    """
    commits = offset_commits(broker)
    pace = pace_for(broker, group_id, fetch_max_wait_ms, busy_fetch_max_wait_ms)

    @broker.subscriber(topic, **subscriber_options(group_id, fetch_max_wait_ms), listener=commits)
    async def on_message(body: Any) -> None:
        message = current_message(broker)
        if pace is not None:
            pace.event_came(message.consumer)
        event = read_event(body)
        if event is not None:
            try:
                await handle(event)
            except DomainError as error:
                skip_refused(event, error)
            except Exception as error:
                await pause_before_retry(error)
                await message.nack()  # rewound to this record: delivered again
                raise
        commits.handled(message.consumer, [message.raw_message])


def current_message(broker: KafkaBroker) -> KafkaMessage:
    """The message being handled. Asked for as a handler's parameter (`message: KafkaMessage`),
    FastStream resolves it in a worker thread, a thread hand-off for every message."""
    return broker.context.get_local("message")


BatchHandler = Callable[[list[Event]], Awaitable[None]]
BATCH_IDLE_MS = 100
"""A batch subscriber's poll returns as soon as records are there; when none came within this
time it sleeps as long before polling again (FastStream). At 10 ms each of the four batch
subscribers woke 50 times a second for nothing: 2-3% of a core in the exports worker alone."""


def subscribe_event_batches(
    broker: KafkaBroker, topic: str, group_id: str, handle: BatchHandler, max_records: int = 1000,
    fetch_max_wait_ms: int = FETCH_MAX_WAIT_MS, every_ms: int = 0,
) -> None:
    """Like `subscribe_events`, a poll's worth of events at a time (one transaction per batch).

    On failure every partition of the batch is rewound to its first record, so nothing is
    committed past an event whose transaction did not commit. With `every_ms`, a batch is taken
    at most that often (`batch_every`).
    """
    commits = offset_commits(broker)
    if every_ms:
        _EVERY_MS.setdefault(broker, {})[group_id] = every_ms

    @broker.subscriber(topic, batch=True, max_records=max_records, batch_timeout_ms=BATCH_IDLE_MS,
                       **subscriber_options(group_id, fetch_max_wait_ms),
                       listener=commits)
    async def on_batch(bodies: list[Any]) -> None:
        started = asyncio.get_running_loop().time()
        message = current_message(broker)
        events = [event for event in map(read_event, bodies) if event is not None]
        if events:
            try:
                try:
                    await handle(events)
                except DomainError:
                    await handle_one_by_one(events, handle)
            except Exception as error:  # the batch's or one of its events' on their own
                await pause_before_retry(error)
                await message.nack()
                raise
        commits.handled(message.consumer, message.raw_message)
        if every_ms:
            await asyncio.sleep(started + every_ms / 1000 - asyncio.get_running_loop().time())


_EVERY_MS: WeakKeyDictionary[object, dict[str, int]] = WeakKeyDictionary()


def batch_every(broker: object) -> dict[str, int]:
    """The batch subscribers of this broker that take a batch at most every so many ms, by group.

    Such a subscriber waits, after each batch, until that time has passed since the batch came.
    Meanwhile its client fetches each partition once and keeps what came, so the next batch
    holds everything those partitions got, the busy hours' events by the hundred in one
    transaction, and the broker answers few fetches that carry records. The local broker
    (Tansu 0.6.0, memory storage) lists every batch it ever stored in a partition to answer such
    a fetch: its CPU per answer grows with the records it holds (bench/bench_broker_growth.py).
    Asking it to hold a fetch until enough bytes came (`fetch_min_bytes`) made it list them again
    at each of its checks during the wait.
    """
    return dict(_EVERY_MS.get(broker, {}))


def follow_every_topic(broker: KafkaBroker, service: str, topics: list[str],
                       handle: Callable[[str, list[Event]], Awaitable[None]],
                       settings: ServiceSettings) -> list[str]:
    """A read model's (or the journal's) subscribers: every domain topic in batches, each in a
    consumer group of its own (`<service>.<topic's middle>-events`), whose name is also the
    inbox's consumer handed to `handle`."""
    for topic in topics:
        name = f"{service}.{topic.split('.')[1]}-events"
        subscribe_event_batches(broker, topic, f"{settings.group_prefix}{name}",
                                partial(handle, name),
                                fetch_max_wait_ms=settings.read_model_fetch_max_wait_ms,
                                every_ms=settings.read_model_fetch_max_wait_ms)
    return topics


async def handle_one_by_one(events: list[Event], handle: BatchHandler) -> None:
    """A batch refused by the domain: apply its events alone, skipping only the refused ones."""
    for event in events:
        try:
            await handle([event])
        except DomainError as error:
            skip_refused(event, error)


def skip_refused(event: Event, error: DomainError) -> None:
    """Retrying an event the domain refuses would block its partition forever: log it, move on."""
    log.error("skipping %s %s refused by the domain: %s", type(event).__name__, event.event_id,
              error.message)
