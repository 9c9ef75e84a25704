"""The outbox on the real servers: only committed events go out, and none is lost in an outage."""

import asyncio
import json

import pytest
from aiokafka import AIOKafkaConsumer
from sqlalchemy import func, select
from structlog.contextvars import bound_contextvars

from ardoise.kafka import broker_publisher, make_broker
from ardoise.outbox import COPY_FROM, write_events
from ardoise.relay import OutboxRelay
from ardoise_tools.devservers.broker import LocalBroker, create_topics
from ardoise_tools.devservers.process import free_port
from ardoise_tools.testing.polling import eventually

from .conftest import PROBE_TOPIC, ProbeRecorded


async def published(bootstrap: str, producer_id: str,
                    at_least: int) -> list[tuple[int, dict[str, str]]]:
    """Read the probe topic from the start until `at_least` events of this producer were seen,
    then whatever else is already there for it: each event's number and its record's headers."""
    consumer = AIOKafkaConsumer(PROBE_TOPIC, bootstrap_servers=bootstrap,
                                auto_offset_reset="earliest", enable_auto_commit=False)
    await consumer.start()
    found: list[tuple[int, dict[str, str]]] = []

    def keep(batch) -> None:
        for records in batch.values():
            for record in records:
                body = json.loads(record.value)
                if body["producer_id"] == producer_id:
                    found.append((body["number"],
                                  {name: value.decode() for name, value in record.headers or ()}))

    try:
        async with asyncio.timeout(30):
            while len(found) < at_least:
                keep(await consumer.getmany(timeout_ms=500))
        keep(await consumer.getmany(timeout_ms=1000))
    finally:
        await consumer.stop()
    return found


async def published_numbers(bootstrap: str, producer_id: str, at_least: int) -> list[int]:
    return [number for number, _ in await published(bootstrap, producer_id, at_least)]


async def start_relay(plumbing, bootstrap: str):
    broker = make_broker(bootstrap, client_id="outbox-test")
    await broker.start()
    relay = OutboxRelay(plumbing.dsn, plumbing.name, broker_publisher(broker), idle_poll_s=0.2,
                        retry_s=0.2)
    return broker, relay, asyncio.create_task(relay.run())


async def outbox_size(plumbing) -> int:
    async with plumbing.sessions() as session:
        return (await session.execute(select(func.count()).select_from(plumbing.outbox))).scalar()


async def test_an_event_written_in_a_rolled_back_transaction_is_never_published(
    plumbing, servers, producer_id
):
    async with plumbing.sessions() as session:
        await write_events(session, plumbing.outbox, [ProbeRecorded(producer_id=producer_id, number=1)])
        await session.rollback()
    async with plumbing.sessions() as session, session.begin():
        await write_events(session, plumbing.outbox, [ProbeRecorded(producer_id=producer_id, number=2)])
    broker, relay, task = await start_relay(plumbing, servers["KAFKA_BOOTSTRAP"])
    try:
        assert await published_numbers(servers["KAFKA_BOOTSTRAP"], producer_id, at_least=1) == [2]
        await eventually(lambda: outbox_size(plumbing), lambda n: n == 0)
    finally:
        task.cancel()
        await broker.stop()


async def test_events_keep_the_order_they_were_committed_in(plumbing, servers, producer_id):
    for number in range(1, 51):
        async with plumbing.sessions() as session, session.begin():
            await write_events(session, plumbing.outbox,
                               [ProbeRecorded(producer_id=producer_id, number=number)])
    broker, relay, task = await start_relay(plumbing, servers["KAFKA_BOOTSTRAP"])
    try:
        numbers = await published_numbers(servers["KAFKA_BOOTSTRAP"], producer_id, at_least=50)
        assert numbers == list(range(1, 51))
    finally:
        task.cancel()
        await broker.stop()


async def test_an_event_committed_while_a_batch_goes_out_follows_it_at_once(
    plumbing, servers, producer_id
):
    """After a batch smaller than its size the relay waits for a notification rather than read
    again: the one of a row committed meanwhile must wake it, long before its next poll."""
    broker = make_broker(servers["KAFKA_BOOTSTRAP"], client_id="outbox-test")
    await broker.start()
    publish = broker_publisher(broker)

    async def publish_and_commit_another(messages) -> None:
        if any(json.loads(m.value)["number"] == 1 for m in messages):
            async with plumbing.sessions() as session, session.begin():
                await write_events(session, plumbing.outbox,
                                   [ProbeRecorded(producer_id=producer_id, number=2)])
        await publish(messages)

    async with plumbing.sessions() as session, session.begin():
        await write_events(session, plumbing.outbox,
                           [ProbeRecorded(producer_id=producer_id, number=1)])
    relay = OutboxRelay(plumbing.dsn, plumbing.name, publish_and_commit_another, idle_poll_s=60)
    task = asyncio.create_task(relay.run())
    try:
        async with asyncio.timeout(15):  # the next poll would come after 60 s
            assert await published_numbers(servers["KAFKA_BOOTSTRAP"], producer_id,
                                           at_least=2) == [1, 2]
    finally:
        task.cancel()
        await broker.stop()


async def test_a_batch_keeps_its_order_whether_inserted_or_copied(plumbing, servers, producer_id):
    small, large = range(1, 4), range(4, 4 + COPY_FROM + 5)  # one INSERT, then one COPY
    for numbers in (small, large):
        async with plumbing.sessions() as session, session.begin():
            await write_events(session, plumbing.outbox,
                               [ProbeRecorded(producer_id=producer_id, number=n) for n in numbers])
    broker, relay, task = await start_relay(plumbing, servers["KAFKA_BOOTSTRAP"])
    try:
        expected = [*small, *large]
        numbers = await published_numbers(servers["KAFKA_BOOTSTRAP"], producer_id,
                                          at_least=len(expected))
        assert numbers == expected
    finally:
        task.cancel()
        await broker.stop()


async def test_events_carry_the_request_that_caused_them_to_their_consumers(
    plumbing, servers, producer_id
):
    many = range(10, 10 + COPY_FROM + 1)  # written with COPY
    async with plumbing.sessions() as session, session.begin():
        with bound_contextvars(request_id="req-42"):  # as the gateway binds each request's id
            await write_events(session, plumbing.outbox,
                               [ProbeRecorded(producer_id=producer_id, number=1)])
            await write_events(session, plumbing.outbox,
                               [ProbeRecorded(producer_id=producer_id, number=n) for n in many])
        await write_events(session, plumbing.outbox,  # a timer's event: no request
                           [ProbeRecorded(producer_id=producer_id, number=2)])
    broker, _relay, task = await start_relay(plumbing, servers["KAFKA_BOOTSTRAP"])
    try:
        found = {number: headers.get("request_id") for number, headers in
                 await published(servers["KAFKA_BOOTSTRAP"], producer_id, 2 + len(many))}
    finally:
        task.cancel()
        await broker.stop()
    assert found == {1: "req-42", 2: None, **{n: "req-42" for n in many}}


@pytest.fixture
def own_broker(tmp_path):
    broker = LocalBroker(tmp_path, free_port())
    broker.ensure_running()
    yield broker
    broker.stop()


async def test_an_event_committed_while_the_broker_is_down_is_published_once_it_is_back(
    plumbing, own_broker, producer_id
):
    await create_topics(own_broker.bootstrap, (PROBE_TOPIC,))
    broker, relay, task = await start_relay(plumbing, own_broker.bootstrap)
    try:
        own_broker.stop()
        async with plumbing.sessions() as session, session.begin():
            await write_events(session, plumbing.outbox,
                               [ProbeRecorded(producer_id=producer_id, number=7)])
        await eventually(lambda: asyncio.sleep(0, relay.stats.failures), lambda n: n > 0)
        assert await outbox_size(plumbing) == 1, "the event must wait in the outbox, not be lost"
        own_broker.ensure_running()
        await create_topics(own_broker.bootstrap, (PROBE_TOPIC,))
        await eventually(lambda: outbox_size(plumbing), lambda n: n == 0, timeout_s=60)
        assert await published_numbers(own_broker.bootstrap, producer_id, at_least=1) == [7]
    finally:
        task.cancel()
        await broker.stop()
