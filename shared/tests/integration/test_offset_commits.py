"""Offsets on the real broker: committed together a moment after their transactions, and all of
them when the worker stops, so a restart delivers nothing handled again."""

import uuid

import pytest
from aiokafka import AIOKafkaConsumer

from ardoise import offsets
from ardoise.consumer import subscribe_events
from ardoise.events import encode_event
from ardoise.kafka import make_broker
from ardoise.worker import worker_app
from ardoise_tools.testing.polling import eventually

from .conftest import PROBE_TOPIC, ProbeRecorded
from .test_inbox import CountingConsumer, committed_offsets, run_consumer


@pytest.fixture
def commit_calls(monkeypatch) -> list[dict]:
    """Every explicit commit the consumers make, with its offsets."""
    calls: list[dict] = []
    commit = AIOKafkaConsumer.commit

    async def counted(self, offsets_=None):
        calls.append(dict(offsets_ or {}))
        return await commit(self, offsets_)

    monkeypatch.setattr(AIOKafkaConsumer, "commit", counted)
    return calls


async def committed(bootstrap: str, group: str) -> dict:
    return {(tp.topic, tp.partition): offset
            for tp, offset in (await committed_offsets(bootstrap, group)).items()}


async def publish(broker, producer_id: str, count: int) -> dict:
    """`count` probes of 1 each; the offset after the last one, by partition."""
    ends = {}
    for _ in range(count):
        event = ProbeRecorded(producer_id=producer_id, number=1)
        record = await broker.publish(encode_event(event), PROBE_TOPIC, key=event.key.encode())
        ends[(record.topic, record.partition)] = record.offset + 1
    return ends


async def test_many_events_handled_are_committed_in_a_few_commits(plumbing, servers, producer_id,
                                                                  commit_calls):
    bootstrap, group = servers["KAFKA_BOOTSTRAP"], f"test.offsets.{uuid.uuid4().hex}"
    consumer = CountingConsumer(plumbing, producer_id)
    broker = await run_consumer(bootstrap, consumer, group)
    try:
        ends = await publish(broker, producer_id, 40)
        assert await eventually(lambda: consumer.total(producer_id), lambda t: t == 40) == 40
        found = await eventually(lambda: committed(bootstrap, group),
                                 lambda found: all(found.get(p) == o for p, o in ends.items()))
        assert all(found.get(partition) == end for partition, end in ends.items())
        assert 1 <= len(commit_calls) < 20, f"{len(commit_calls)} commits for 40 events"
    finally:
        await broker.stop()


async def test_a_stopping_worker_commits_what_it_handled_before_its_consumers_stop(
        plumbing, servers, producer_id, commit_calls, monkeypatch):
    monkeypatch.setattr(offsets, "COMMIT_EVERY_S", 600.0)  # only the stop can commit
    bootstrap, group = servers["KAFKA_BOOTSTRAP"], f"test.offsets.{uuid.uuid4().hex}"
    consumer = CountingConsumer(plumbing, producer_id)
    broker = make_broker(bootstrap, client_id="offsets-test")
    subscribe_events(broker, PROBE_TOPIC, group, consumer.handle)
    app = worker_app(broker, [], "test worker", [])
    await app.start()
    ends = await publish(broker, producer_id, 5)
    assert await eventually(lambda: consumer.total(producer_id), lambda t: t == 5) == 5
    assert commit_calls == []

    await app.stop()

    found = await committed(bootstrap, group)
    assert all(found.get(partition) == end for partition, end in ends.items()), (found, ends)
