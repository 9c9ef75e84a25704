"""Request ids, JSON log lines and metrics, on in-process apps and FastStream's in-memory broker."""

import asyncio
import io
import json
import logging
import uuid
from datetime import date

import httpx
import pytest
import structlog
from fastapi import FastAPI
from faststream.kafka import TestKafkaBroker

from ardoise import topics
from ardoise.consumer import subscribe_event_batches, subscribe_events
from ardoise.events import OrderPlaced, encode_event
from ardoise.kafka import make_broker
from ardoise.observability import (
    WorkerMetrics,
    configure_logging,
    instrument_gateway,
    serve_worker_endpoints,
)
from ardoise_tools.devservers.process import free_port

pytestmark = pytest.mark.unit


@pytest.fixture
def json_lines():
    """JSON logging for one test (restored after it); returns a reader of the lines so far."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    out = io.StringIO()
    configure_logging("INFO", "unit-test", out)
    yield lambda: [json.loads(line) for line in out.getvalue().splitlines()]
    root.handlers = handlers
    root.setLevel(level)
    structlog.reset_defaults()


def gateway() -> tuple[FastAPI, object]:
    app = FastAPI()
    registry = instrument_gateway(app)

    @app.get("/v1/things/{thing}")
    async def thing(thing: str) -> dict:
        structlog.stdlib.get_logger("unit").info("inside the handler")
        return {"thing": thing}

    return app, registry


async def get(app: FastAPI, path: str, **headers: str) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://gateway") as client:
        return await client.get(path, headers=headers)


async def test_a_request_keeps_the_callers_request_id_or_gets_a_new_one(json_lines):
    app, _ = gateway()
    echoed = await get(app, "/v1/things/a", **{"X-Request-ID": "order-42.retry:1"})
    assert echoed.headers["X-Request-ID"] == "order-42.retry:1"
    generated = (await get(app, "/v1/things/a")).headers["X-Request-ID"]
    assert len(generated) == 32 and int(generated, 16) >= 0
    forged = (await get(app, "/v1/things/a", **{"X-Request-ID": 'x" "level": "fake'}))
    assert forged.headers["X-Request-ID"] not in ('x" "level": "fake', generated)


async def test_every_log_line_of_a_request_carries_its_id_as_json(json_lines):
    app, _ = gateway()
    await get(app, "/v1/things/a", **{"X-Request-ID": "req-1"})
    lines = json_lines()
    inside = next(line for line in lines if line["event"] == "inside the handler")
    access = next(line for line in lines if line["event"] == "request")
    assert inside["request_id"] == access["request_id"] == "req-1"
    assert access["route"] == "/v1/things/{thing}" and access["status"] == 200
    assert inside["process"] == "unit-test" and "timestamp" in inside


async def test_metrics_count_requests_by_route_template_and_status():
    app, registry = gateway()
    for thing in ("a", "b", "c"):
        await get(app, f"/v1/things/{thing}")
    await get(app, "/nowhere")
    labels = {"method": "GET", "route": "/v1/things/{thing}", "status": "200"}
    assert registry.get_sample_value("ardoise_http_requests_total", labels) == 3
    assert registry.get_sample_value("ardoise_http_requests_total",
                                     {**labels, "route": "<unmatched>", "status": "404"}) == 1
    assert registry.get_sample_value("ardoise_http_request_duration_seconds_count",
                                     {"method": "GET", "route": "/v1/things/{thing}"}) == 3
    scraped = await get(app, "/metrics")
    assert scraped.status_code == 200 and "ardoise_http_requests_total{" in scraped.text
    assert "/metrics" not in (await get(app, "/openapi.json")).json()["paths"]


def placed() -> OrderPlaced:
    return OrderPlaced(producer_id="ferme-a", order_id=uuid.uuid4(), customer_id="c1",
                       total_cents=2000, delivery_date=date(2026, 11, 27))


async def _no_pause(error: BaseException, seconds: float = 0) -> None:
    return None


async def test_handled_and_failed_events_are_counted_per_topic_and_logged_with_their_ids(
    json_lines, monkeypatch
):
    monkeypatch.setattr("ardoise.consumer.pause_before_retry", _no_pause)
    metrics = WorkerMetrics("orders")
    broker = make_broker("127.0.0.1:1", client_id="unit", middlewares=[metrics.middleware])
    failing = set()

    async def handle(event):
        if event.event_id in failing:
            logging.getLogger("unit").warning("database is down")
            raise RuntimeError("database is down")

    subscribe_events(broker, topics.ORDERS, "unit.orders", handle)
    good, bad = placed(), placed()
    failing.add(bad.event_id)
    async with TestKafkaBroker(broker) as test_broker:
        await test_broker.publish(encode_event(good), topics.ORDERS, key=good.key.encode(),
                                  headers={"request_id": "req-7"})
        with pytest.raises(RuntimeError):
            await test_broker.publish(encode_event(bad), topics.ORDERS, key=bad.key.encode())
    sample = metrics.registry.get_sample_value
    assert sample("ardoise_events_handled_total", {"topic": topics.ORDERS}) == 1
    assert sample("ardoise_event_failures_total", {"topic": topics.ORDERS}) == 1
    lines = json_lines()
    handled = next(line for line in lines if line["event"] == "event handled")
    assert handled["event_id"] == str(good.event_id)
    assert handled["order_id"] == str(good.order_id) and handled["event_type"] == "OrderPlaced"
    assert handled["request_id"] == "req-7", "the causing request, when the producer passes it"
    assert 0 <= handled["waited_ms"] < 10_000, "how long it waited since it was handed over"
    failed = next(line for line in lines if line["event"] == "database is down")
    assert failed["event_id"] == str(bad.event_id), "lines written while handling carry the id"


async def test_a_batch_counts_each_of_its_events():
    metrics = WorkerMetrics("accounts")
    broker = make_broker("127.0.0.1:1", client_id="unit", middlewares=[metrics.middleware])

    async def handle(events):
        return None

    subscribe_event_batches(broker, topics.ORDERS, "unit.batches", handle)
    async with TestKafkaBroker(broker) as test_broker:
        await test_broker.publish_batch(*(encode_event(placed()) for _ in range(3)),
                                        topic=topics.ORDERS)
    assert metrics.registry.get_sample_value("ardoise_events_handled_total",
                                             {"topic": topics.ORDERS}) == 3


async def test_a_worker_serves_metrics_and_health_and_survives_a_taken_port():
    metrics = WorkerMetrics("orders")
    metrics.handled.labels("some.topic").inc(2)
    port = free_port()
    server = asyncio.create_task(serve_worker_endpoints(metrics, "127.0.0.1", port))
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            for _ in range(50):
                try:
                    health = await client.get("/health")
                    break
                except httpx.ConnectError:
                    await asyncio.sleep(0.05)
            scraped = await client.get("/metrics?name=x")
            missing = await client.get("/elsewhere")
        second = serve_worker_endpoints(WorkerMetrics("orders"), "127.0.0.1", port)
        await asyncio.wait_for(second, 5)  # returns: logged, not raised
    finally:
        server.cancel()
    assert health.json() == {"status": "ok"}
    assert 'ardoise_events_handled_total{topic="some.topic"} 2.0' in scraped.text
    assert "ardoise_outbox_backlog_rows" in scraped.text
    assert missing.status_code == 404
