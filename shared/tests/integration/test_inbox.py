"""The inbox on the real servers: a redelivery changes nothing, offsets follow the transaction."""

import asyncio
import uuid

from aiokafka import AIOKafkaConsumer, TopicPartition
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from ardoise.consumer import subscribe_events
from ardoise.events import encode_event
from ardoise.inbox import claim
from ardoise.kafka import make_broker
from ardoise_tools.testing.polling import eventually

from .conftest import PROBE_TOPIC, ProbeRecorded


class CountingConsumer:
    """Adds each probe's number to a per-producer total, once per event."""

    def __init__(self, plumbing, producer_id: str, fail_first: int = 0, on_apply=None) -> None:
        self.plumbing, self.producer_id = plumbing, producer_id
        self.fail_first, self.on_apply = fail_first, on_apply
        self.attempts = 0

    async def handle(self, event: ProbeRecorded) -> None:
        if event.producer_id != self.producer_id:
            return  # the topic also holds other tests' probes
        self.attempts += 1
        async with self.plumbing.sessions() as session, session.begin():
            if not await claim(session, self.plumbing.inbox, "probe-counter", event.event_id):
                return
            table = self.plumbing.effects
            await session.execute(
                insert(table).values(producer_id=event.producer_id, applied=event.number)
                .on_conflict_do_update(index_elements=[table.c.producer_id],
                                       set_={"applied": table.c.applied + event.number})
            )
            if self.on_apply:
                await self.on_apply(event)
            if self.attempts <= self.fail_first:
                raise RuntimeError("simulated crash before the transaction commits")

    async def total(self, producer_id: str) -> int | None:
        async with self.plumbing.sessions() as session:
            table = self.plumbing.effects
            return (await session.execute(
                select(table.c.applied).where(table.c.producer_id == producer_id))).scalar()


async def run_consumer(bootstrap: str, consumer: CountingConsumer, group: str):
    broker = make_broker(bootstrap, client_id="inbox-test")
    subscribe_events(broker, PROBE_TOPIC, group, consumer.handle)
    await broker.start()
    return broker


async def committed_offsets(bootstrap: str, group: str) -> dict[TopicPartition, int]:
    """The group's committed offsets, read without joining the group."""
    reader = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    await reader.start()
    try:
        partitions = reader.partitions_for_topic(PROBE_TOPIC) or set()
        offsets = {TopicPartition(PROBE_TOPIC, p): await reader.committed(TopicPartition(PROBE_TOPIC, p))
                   for p in partitions}
    finally:
        await reader.stop()
    return {tp: offset for tp, offset in offsets.items() if offset is not None}


async def test_a_redelivered_event_is_applied_once(plumbing, servers, producer_id):
    bootstrap = servers["KAFKA_BOOTSTRAP"]
    consumer = CountingConsumer(plumbing, producer_id)
    broker = await run_consumer(bootstrap, consumer, f"test.inbox.{uuid.uuid4().hex}")
    try:
        event = ProbeRecorded(producer_id=producer_id, number=5)
        for _ in range(3):
            await broker.publish(encode_event(event), PROBE_TOPIC, key=event.key.encode())
        second = ProbeRecorded(producer_id=producer_id, number=100)
        await broker.publish(encode_event(second), PROBE_TOPIC, key=second.key.encode())
        assert await eventually(lambda: consumer.total(producer_id), lambda t: t == 105) == 105
        await eventually(lambda: asyncio.sleep(0, consumer.attempts), lambda n: n >= 4)
        assert await consumer.total(producer_id) == 105
    finally:
        await broker.stop()


async def test_the_offset_is_committed_only_after_the_transaction(plumbing, servers, producer_id):
    bootstrap = servers["KAFKA_BOOTSTRAP"]
    group = f"test.inbox.{uuid.uuid4().hex}"
    seen_before_commit: list[dict] = []

    async def look_at_offsets(_: ProbeRecorded) -> None:
        seen_before_commit.append(await committed_offsets(bootstrap, group))

    consumer = CountingConsumer(plumbing, producer_id, fail_first=1, on_apply=look_at_offsets)
    broker = await run_consumer(bootstrap, consumer, group)
    try:
        event = ProbeRecorded(producer_id=producer_id, number=3)
        record = await broker.publish(encode_event(event), PROBE_TOPIC, key=event.key.encode())
        partition = TopicPartition(PROBE_TOPIC, record.partition)
        assert await eventually(lambda: consumer.total(producer_id), lambda t: t == 3) == 3
        assert consumer.attempts == 2, "the failed attempt must be redelivered"
        for offsets in seen_before_commit:
            assert offsets.get(partition, 0) <= record.offset, "committed before the transaction"
        after = await eventually(lambda: committed_offsets(bootstrap, group),
                                 lambda o: o.get(partition, 0) == record.offset + 1)
        assert after[partition] == record.offset + 1
    finally:
        await broker.stop()
