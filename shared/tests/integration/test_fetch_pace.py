"""Fetch waits on the real broker: a paced subscriber's fetch requests carry the busy wait while
events come and the idle wait again after, so an idle worker polls rarely."""

import asyncio
import uuid

import pytest
from aiokafka.consumer import fetcher

from ardoise import fetch_pace
from ardoise.consumer import subscribe_events
from ardoise.events import encode_event
from ardoise.kafka import make_broker
from ardoise_tools.devservers.broker import create_topics
from ardoise_tools.testing.polling import eventually

from .conftest import ProbeRecorded
from .test_inbox import CountingConsumer

IDLE_MS, BUSY_MS = 400, 20


@pytest.fixture
def fetch_waits(monkeypatch) -> list[int]:
    """The wait of every fetch request the consumers send, in order."""
    waits: list[int] = []
    request = fetcher.FetchRequest

    def recorded(max_wait_time, *args, **kwargs):
        waits.append(max_wait_time)
        return request(max_wait_time, *args, **kwargs)

    monkeypatch.setattr(fetcher, "FetchRequest", recorded)
    return waits


async def test_a_paced_subscriber_fetches_often_while_events_come_then_rarely(
        plumbing, servers, producer_id, fetch_waits, monkeypatch):
    monkeypatch.setattr(fetch_pace, "BUSY_FOR_S", 2.0)
    topic = f"ardoise.test.pace.{uuid.uuid4().hex[:8]}.v1"  # its own: no earlier probes in it
    await create_topics(servers["KAFKA_BOOTSTRAP"], (topic,))
    consumer = CountingConsumer(plumbing, producer_id)
    broker = make_broker(servers["KAFKA_BOOTSTRAP"], client_id="pace-test")
    subscribe_events(broker, topic, f"test.pace.{uuid.uuid4().hex}", consumer.handle,
                     fetch_max_wait_ms=IDLE_MS, busy_fetch_max_wait_ms=BUSY_MS)
    await broker.start()
    try:
        assert await eventually(lambda: asyncio.sleep(0, fetch_waits), bool)
        assert set(fetch_waits) == {IDLE_MS}, "no event yet: idle waits only"

        event = ProbeRecorded(producer_id=producer_id, number=1)
        await broker.publish(encode_event(event), topic, key=event.key.encode())
        assert await eventually(lambda: consumer.total(producer_id), lambda t: t == 1) == 1
        handled_at = len(fetch_waits)
        await asyncio.sleep(1.0)
        busy = fetch_waits[handled_at:]
        assert busy and set(busy) <= {IDLE_MS, BUSY_MS} and busy.count(BUSY_MS) >= 3, busy

        await asyncio.sleep(2.5)  # 2 s without an event: back to idle
        settled = len(fetch_waits)
        await asyncio.sleep(1.2)
        assert set(fetch_waits[settled:]) == {IDLE_MS}, fetch_waits[settled:]
        assert len(fetch_waits) - settled <= 5, "an idle wait is 400 ms: a few fetches at most"
    finally:
        await broker.stop()
