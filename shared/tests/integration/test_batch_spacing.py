"""A spaced batch subscriber on the real broker: what comes while it waits out its interval
reaches it together, in one batch, instead of one fetch's worth at a time."""

import asyncio
import uuid

from ardoise.consumer import subscribe_event_batches
from ardoise.events import encode_event
from ardoise.kafka import make_broker
from ardoise_tools.devservers.broker import create_topics
from ardoise_tools.testing.polling import eventually

from .conftest import ProbeRecorded


async def batches_for(servers, producer_id: str, every_ms: int) -> list[list[int]]:
    """The batches a subscriber spaced by `every_ms` got for 31 events: one first, then 30
    published 10 ms apart over four keys (so several partitions), all within 400 ms."""
    topic = f"ardoise.test.spacing.{uuid.uuid4().hex[:8]}.v1"  # its own: nothing else in it
    await create_topics(servers["KAFKA_BOOTSTRAP"], (topic,))
    batches: list[list[int]] = []

    async def handle(events) -> None:
        batches.append([event.number for event in events])

    broker = make_broker(servers["KAFKA_BOOTSTRAP"], client_id="spacing-test")
    subscribe_event_batches(broker, topic, f"test.spacing.{uuid.uuid4().hex}", handle,
                            fetch_max_wait_ms=100, every_ms=every_ms)
    await broker.start()
    try:
        first = ProbeRecorded(producer_id=f"{producer_id}-0", number=0)
        await broker.publish(encode_event(first), topic, key=first.key.encode())
        assert await eventually(lambda: asyncio.sleep(0, batches), bool, timeout_s=30)
        for number in range(1, 31):
            event = ProbeRecorded(producer_id=f"{producer_id}-{number % 4}", number=number)
            await broker.publish(encode_event(event), topic, key=event.key.encode())
            await asyncio.sleep(0.01)
        await eventually(lambda: asyncio.sleep(0, sum(map(len, batches))), lambda n: n >= 31,
                         timeout_s=30)
        await asyncio.sleep(every_ms / 1000 + 0.3)  # nothing more comes
    finally:
        await broker.stop()
    assert sorted(n for batch in batches for n in batch) == list(range(31)), "each event once"
    return batches


async def test_what_comes_while_a_spaced_subscriber_waits_reaches_it_in_one_batch(
        servers, producer_id):
    spaced = await batches_for(servers, producer_id, every_ms=1500)
    # the first event's batch, then the 30: each partition is fetched once during the wait,
    # and what came after its fetch waits for the next batch (seen here: 1 + 4 + 26 events)
    assert len(spaced) <= 4, spaced
    unspaced = await batches_for(servers, producer_id, every_ms=0)
    assert len(unspaced) > len(spaced), (unspaced, spaced)  # seen here: 9 batches
