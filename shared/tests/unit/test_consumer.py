"""Subscribers on FastStream's in-memory broker: events decoded, unknown ones skipped."""

import uuid
from datetime import date

import anyio.to_thread
import pytest
from faststream.kafka import TestKafkaBroker

from ardoise import topics
from ardoise.consumer import subscribe_event_batches, subscribe_events
from ardoise.events import OrderPlaced, SettlementChanged, encode_event
from ardoise.kafka import make_broker


def placed() -> OrderPlaced:
    return OrderPlaced(producer_id="ferme-a", order_id=uuid.uuid4(), customer_id="c1",
                       total_cents=2000, delivery_date=date(2026, 11, 27))


async def test_a_subscriber_hands_decoded_events_to_its_handler_and_skips_unknown_types():
    broker = make_broker("127.0.0.1:1", client_id="unit")
    received = []

    async def handle(event):
        received.append(event)

    subscribe_events(broker, topics.ORDERS, "unit.orders", handle)
    event = placed()
    async with TestKafkaBroker(broker) as test_broker:
        await test_broker.publish({"event_type": "FromTheFuture", "producer_id": "ferme-a"},
                                  topics.ORDERS)
        await test_broker.publish(encode_event(event), topics.ORDERS, key=event.key.encode())
    assert received == [event]


async def test_no_event_is_handed_to_a_worker_thread_on_its_way_to_the_handler(monkeypatch):
    """Resolving a handler parameter from FastStream's context (`message: KafkaMessage`) ran in
    anyio's thread pool for every message: a thread hand-off on each hop of the saga."""
    handed_off = []
    run_sync = anyio.to_thread.run_sync

    async def recorded(func, *args, **kwargs):
        handed_off.append(func)
        return await run_sync(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", recorded)
    broker = make_broker("127.0.0.1:1", client_id="unit")
    received = []

    async def handle(events):
        received.extend(events if isinstance(events, list) else [events])

    subscribe_events(broker, topics.ORDERS, "unit.orders", handle)
    subscribe_event_batches(broker, topics.PAYMENTS, "unit.payments", handle)
    event = placed()
    async with TestKafkaBroker(broker) as test_broker:
        await test_broker.publish(encode_event(event), topics.ORDERS)
        await test_broker.publish_batch(encode_event(event), topic=topics.PAYMENTS)
    assert received == [event, event] and handed_off == []


async def test_a_failing_handler_fails_the_message_so_that_it_is_not_acknowledged(monkeypatch):
    monkeypatch.setattr("ardoise.consumer.pause_before_retry", _no_pause)
    broker = make_broker("127.0.0.1:1", client_id="unit")

    async def handle(event):
        raise RuntimeError("database is down")

    subscribe_events(broker, topics.ORDERS, "unit.orders", handle)
    async with TestKafkaBroker(broker) as test_broker:
        with pytest.raises(RuntimeError, match="database is down"):
            await test_broker.publish(encode_event(placed()), topics.ORDERS)


async def test_a_batch_subscriber_gets_the_events_of_a_poll_together():
    broker = make_broker("127.0.0.1:1", client_id="unit")
    batches = []

    async def handle(events):
        batches.append(events)

    subscribe_event_batches(broker, topics.PAYMENTS, "unit.payments", handle)
    change = SettlementChanged(producer_id="ferme-a", order_id=uuid.uuid4(), customer_id="c1",
                               version=1, total_cents=2000, delivery_date=date(2026, 11, 27),
                               mode="cash", amount_paid_cents=2500)
    async with TestKafkaBroker(broker) as test_broker:
        await test_broker.publish_batch(encode_event(change), encode_event(change),
                                        topic=topics.PAYMENTS)
    assert [len(batch) for batch in batches] == [2] and batches[0][0] == change


async def _no_pause(error, seconds=1.0):
    return None


async def test_an_event_the_domain_refuses_is_skipped_rather_than_blocking_its_partition():
    from ardoise.errors import NotFound

    broker = make_broker("127.0.0.1:1", client_id="unit")
    applied = []

    async def handle(events):
        if any(e.total_cents == 666 for e in events):
            raise NotFound("no such order")
        applied.extend(events)

    subscribe_event_batches(broker, topics.ORDERS, "unit.orders", handle)
    good, poison = placed(), OrderPlaced(producer_id="ferme-a", order_id=uuid.uuid4(),
                                         customer_id="c1", total_cents=666,
                                         delivery_date=date(2026, 11, 27))
    async with TestKafkaBroker(broker) as test_broker:
        await test_broker.publish_batch(encode_event(poison), encode_event(good),
                                        topic=topics.ORDERS)
    assert applied == [good]


async def test_a_message_that_is_no_event_is_skipped_and_the_next_ones_handled():
    broker = make_broker("127.0.0.1:1", client_id="unit")
    received, batches = [], []

    async def handle(event):
        received.append(event)

    async def handle_batch(events):
        batches.append(events)

    subscribe_events(broker, topics.ORDERS, "unit.orders", handle)
    subscribe_event_batches(broker, topics.PAYMENTS, "unit.payments", handle_batch)
    malformed = {**encode_event(placed()), "total_cents": "twenty"}
    event, other = placed(), placed()
    async with TestKafkaBroker(broker) as test_broker:
        for body in (b"not json", [1, 2], malformed, encode_event(event)):
            await test_broker.publish(body, topics.ORDERS)
        await test_broker.publish_batch(b"not json", malformed, encode_event(other),
                                        topic=topics.PAYMENTS)
    assert received == [event] and batches == [[other]]


async def test_a_batch_retried_one_by_one_that_meets_an_outage_is_rewound(monkeypatch):
    """Refused as a batch, then a database error on one of its events: delivered again."""
    from faststream.kafka.message import KafkaAckableMessage

    from ardoise.errors import NotFound

    monkeypatch.setattr("ardoise.consumer.pause_before_retry", _no_pause)
    rewound = []

    async def nack(self):
        rewound.append(self.raw_message)

    monkeypatch.setattr(KafkaAckableMessage, "nack", nack)
    broker = make_broker("127.0.0.1:1", client_id="unit")

    async def handle(events):
        if len(events) > 1:
            raise NotFound("one of them is refused")
        raise RuntimeError("database is down")

    subscribe_event_batches(broker, topics.ORDERS, "unit.orders", handle)
    async with TestKafkaBroker(broker) as test_broker:
        with pytest.raises(RuntimeError, match="database is down"):
            await test_broker.publish_batch(encode_event(placed()), encode_event(placed()),
                                            topic=topics.ORDERS)
    assert len(rewound) == 1


async def test_a_spaced_batch_subscriber_takes_a_batch_at_most_every_so_often_counting_its_work():
    """A read model's subscriber waits after a batch until `every_ms` has passed since the batch
    came (the client keeps what comes meanwhile): the handler's own time counts in that wait."""
    import asyncio
    import time

    broker = make_broker("127.0.0.1:1", client_id="unit")
    work_s = {topics.ORDERS: 0.0, topics.PAYMENTS: 0.4}

    def handler(topic):
        async def handle(events):
            await asyncio.sleep(work_s[topic])
        return handle

    subscribe_event_batches(broker, topics.ORDERS, "unit.orders", handler(topics.ORDERS),
                            every_ms=300)
    subscribe_event_batches(broker, topics.PAYMENTS, "unit.payments", handler(topics.PAYMENTS),
                            every_ms=400)
    took = {}
    async with TestKafkaBroker(broker) as test_broker:
        for topic in (topics.ORDERS, topics.PAYMENTS):
            started = time.monotonic()
            await test_broker.publish_batch(encode_event(placed()), topic=topic)
            took[topic] = time.monotonic() - started
    # an idle handler waits out the interval; a busy one waits only what is left of it (waiting
    # 400 ms more after its 400 ms of work would take 800)
    assert took[topics.ORDERS] >= 0.3
    assert 0.4 <= took[topics.PAYMENTS] < 0.7
