"""Worker side: events handled and failed per topic, outbox backlog, relay counts, consumer lag.

A FastStream middleware counts and logs every event (its `event_id` bound to every log line
written while it is handled); the rest is read when Prometheus scrapes `/metrics`, which a
small HTTP server in the worker's own event loop serves with `/health` (so a stuck loop fails
its liveness probe).
"""

import asyncio
import json
import logging
import time
from collections.abc import Iterator
from typing import Any

from aiokafka import ConsumerRecord
from faststream._internal.middlewares import BaseMiddleware
from faststream.kafka import KafkaBroker
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from structlog.contextvars import bound_contextvars

from ardoise.observability.gateway import LATENCY_BUCKETS, new_registry
from ardoise.observability.logs import get_logger
from ardoise.relay import OutboxRelay

PROBE_TIMEOUT_S = 2.0
EVENT_FIELDS = ("event_id", "event_type", "producer_id", "order_id", "customer_id")
"""What a log line says about an event: enough to follow one order through every service."""

log = get_logger("ardoise.events")
_levels = logging.getLogger("ardoise.events")


def describe(record: ConsumerRecord) -> dict[str, Any]:
    """The log fields of one consumed record: its position, how long it waited since it was
    handed to the broker (by the record's timestamp), and the event's ids when JSON."""
    fields: dict[str, Any] = {"topic": record.topic, "partition": record.partition,
                              "offset": record.offset,
                              "waited_ms": round(time.time() * 1000 - record.timestamp, 1)}
    for name, value in record.headers or ():
        if name == "request_id":  # the request that caused the event, when the producer says
            fields["request_id"] = value.decode(errors="replace")
    try:
        body = json.loads(record.value)
    except (TypeError, ValueError):
        return fields
    if isinstance(body, dict):
        fields.update({name: body[name] for name in EVENT_FIELDS if body.get(name) is not None})
    return fields


class _RelayCounts(Collector):
    """The relay's own counters (`OutboxRelay.stats`), read at scrape time."""

    def __init__(self, relay: OutboxRelay) -> None:
        self._relay = relay

    def collect(self) -> Iterator[CounterMetricFamily]:
        yield CounterMetricFamily("ardoise_outbox_published", "Outbox rows this process published",
                                  value=self._relay.stats.published)
        yield CounterMetricFamily("ardoise_outbox_relay_failures",
                                  "Relay rounds that failed and were retried",
                                  value=self._relay.stats.failures)


class WorkerMetrics:
    """The registry of one worker process and what fills it."""

    def __init__(self, schema: str) -> None:
        self.schema = schema
        self.registry: CollectorRegistry = new_registry()
        self.handled = Counter("ardoise_events_handled", "Events handled, by topic", ["topic"],
                               registry=self.registry)
        self.failures = Counter("ardoise_event_failures",
                                "Events whose handler raised (delivered again later), by topic",
                                ["topic"], registry=self.registry)
        self.duration = Histogram("ardoise_event_handling_seconds",
                                  "Time to handle one message or one batch, by topic", ["topic"],
                                  registry=self.registry, buckets=LATENCY_BUCKETS)
        self.backlog = Gauge("ardoise_outbox_backlog_rows", "Rows waiting in this schema's outbox",
                             registry=self.registry)
        self.oldest = Gauge("ardoise_outbox_oldest_age_seconds",
                            "Age of the oldest row in this schema's outbox (0 when empty)",
                            registry=self.registry)
        self.probe_ok = Gauge("ardoise_outbox_probe_success",
                              "1 when the last outbox query answered, else 0",
                              registry=self.registry)
        self.lag = Gauge("ardoise_consumer_lag_records",
                         "Records on the partition past this consumer's position",
                         ["group", "topic", "partition"], registry=self.registry)
        self._engine: AsyncEngine | None = None
        self._broker: KafkaBroker | None = None

    def middleware(self, msg: Any, /, *, context: Any) -> "EventObserver":
        """A FastStream broker middleware (`KafkaBroker(middlewares=[metrics.middleware])`)."""
        return EventObserver(msg, context=context, metrics=self)

    def watch(self, broker: KafkaBroker, engine: AsyncEngine, relay: OutboxRelay) -> None:
        self._broker, self._engine = broker, engine
        self.registry.register(_RelayCounts(relay))

    async def refresh(self) -> None:
        """Read the outbox and the consumers' positions: called for each scrape."""
        await asyncio.gather(self._read_outbox(), self._read_lag())

    async def _read_outbox(self) -> None:
        if self._engine is None:
            return
        query = text(f"SELECT count(*), extract(epoch FROM now() - min(created_at))"
                     f" FROM {self.schema}.outbox")
        try:
            async with asyncio.timeout(PROBE_TIMEOUT_S), self._engine.connect() as connection:
                rows, age_s = (await connection.execute(query)).one()
        except Exception as error:  # noqa: BLE001 - a scrape must answer even when the db does not
            self.probe_ok.set(0)
            log.debug("outbox probe failed", error=str(error))
            return
        self.backlog.set(rows)
        self.oldest.set(float(age_s or 0))
        self.probe_ok.set(1)

    async def _read_lag(self) -> None:
        self.lag.clear()
        for subscriber in self._broker.subscribers if self._broker else ():
            consumer = getattr(subscriber, "consumer", None)
            if consumer is None:
                continue
            for partition in list(consumer.assignment()):
                try:
                    highwater = consumer.highwater(partition)
                    async with asyncio.timeout(PROBE_TIMEOUT_S / 2):
                        position = await consumer.position(partition)
                except Exception:  # noqa: BLE001, S112 - rebalancing: this partition is skipped
                    continue
                if highwater is not None:
                    self.lag.labels(subscriber.group_id or "", partition.topic,
                                    str(partition.partition)).set(max(highwater - position, 0))


class EventObserver(BaseMiddleware):
    """Counts, times and logs each consumed event; failures are counted, then re-raised."""

    def __init__(self, msg: Any, /, *, context: Any, metrics: WorkerMetrics) -> None:
        super().__init__(msg, context=context)
        self._metrics = metrics

    async def consume_scope(self, call_next: Any, msg: Any) -> Any:
        raw = msg.raw_message
        records = tuple(raw) if isinstance(raw, tuple | list) else (raw,)  # a batch, or one
        topic = records[0].topic if records else "?"
        if len(records) == 1:
            events = [describe(records[0])]
            scope = events[0]
        else:  # a batch: one line for it; each event's own line only when debugging
            events = [describe(r) for r in records] if _levels.isEnabledFor(logging.DEBUG) else []
            scope = _batch_scope(topic, records)
        started = time.perf_counter()
        with bound_contextvars(**scope):
            try:
                result = await call_next(msg)
            except Exception:
                self._metrics.failures.labels(topic).inc(len(records))
                raise
            finally:
                self._metrics.duration.labels(topic).observe(time.perf_counter() - started)
        self._metrics.handled.labels(topic).inc(len(records))
        if len(records) == 1:
            log.info("event handled", **events[0])
        else:
            log.info("batch handled", **scope)
            for event in events:
                log.debug("event handled", **event)
        return result


def _batch_scope(topic: str, records: tuple[ConsumerRecord, ...]) -> dict[str, Any]:
    """A batch by its records' positions: each partition's first and last offset."""
    offsets: dict[int, list[int]] = {}
    for record in records:
        offsets.setdefault(record.partition, []).append(record.offset)
    return {"topic": topic, "batch_size": len(records),
            "offsets": {str(p): [min(o), max(o)] for p, o in sorted(offsets.items())}}


async def _page(metrics: WorkerMetrics, path: bytes) -> tuple[str, bytes, str]:
    if path == b"/metrics":
        await metrics.refresh()
        return "200 OK", generate_latest(metrics.registry), CONTENT_TYPE_LATEST
    if path == b"/health":
        return "200 OK", b'{"status": "ok"}', "application/json"
    return "404 Not Found", b"not found", "text/plain"


async def serve_worker_endpoints(metrics: WorkerMetrics, host: str, port: int) -> None:
    """`GET /metrics` and `GET /health` until cancelled; a taken port is logged, not fatal
    (a second copy of a worker, e.g. a replay, must still consume)."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            async with asyncio.timeout(5):
                request_line = await reader.readline()
                while (await reader.readline()).strip():
                    pass
            path = (request_line.split(b" ") + [b"", b""])[1].split(b"?")[0]
            status, body, kind = await _page(metrics, path)
            writer.write(f"HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: "
                         f"{len(body)}\r\nConnection: close\r\n\r\n".encode() + body)
            await writer.drain()
        except (TimeoutError, ConnectionError):
            pass
        finally:
            writer.close()

    try:
        server = await asyncio.start_server(answer, host, port)
    except OSError as error:
        log.error("metrics port unavailable: this worker runs without /metrics", port=port,
                  error=str(error))
        return
    log.info(f"{metrics.schema} worker metrics on http://{host}:{port}/metrics")
    async with server:
        await server.serve_forever()
