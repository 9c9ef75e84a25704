"""Gateway side: a request id on every request and log line; Prometheus metrics at /metrics."""

import re
import time
import uuid

from fastapi import FastAPI
from fastapi.responses import Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from structlog.contextvars import bound_contextvars

from ardoise.observability.logs import get_logger

REQUEST_ID_HEADER = "X-Request-ID"
_ACCEPTED_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
"""A caller's id is kept only when it cannot forge log content; otherwise a new one is made."""
UNMATCHED = "<unmatched>"
QUIET_ROUTES = frozenset({"/health", "/metrics"})
"""Probes and scrapes are counted but not logged: they would drown the requests."""
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

log = get_logger("ardoise.http")


def new_registry() -> CollectorRegistry:
    """A registry of one process (one app), with the usual process and runtime metrics."""
    registry = CollectorRegistry(auto_describe=True)
    for collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
        registry.register(collector)
    return registry


def request_id_of(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            text = value.decode("latin-1")
            if _ACCEPTED_ID.fullmatch(text):
                return text
    return uuid.uuid4().hex


class RequestObserver:
    """Pure ASGI middleware (streamed responses stay streamed): id, log line, count, latency."""

    def __init__(self, app: ASGIApp, requests: Counter, latency: Histogram) -> None:
        self.app, self.requests, self.latency = app, requests, latency

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_of(scope)
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        started = time.perf_counter()
        with bound_contextvars(request_id=request_id):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                self._observe(scope, status, time.perf_counter() - started)

    def _observe(self, scope: Scope, status: int, elapsed_s: float) -> None:
        route = getattr(scope.get("route"), "path", UNMATCHED)
        method = scope["method"]
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(elapsed_s)
        if route not in QUIET_ROUTES:
            log.info("request", method=method, path=scope["path"], route=route, status=status,
                     duration_ms=round(elapsed_s * 1000, 1))


def instrument_gateway(app: FastAPI) -> CollectorRegistry:
    """Add the request middleware and `GET /metrics` (Prometheus text) to a gateway."""
    registry = new_registry()
    requests = Counter("ardoise_http_requests", "HTTP requests by method, route and status",
                       ["method", "route", "status"], registry=registry)
    latency = Histogram("ardoise_http_request_duration_seconds",
                        "Time to answer an HTTP request, by method and route",
                        ["method", "route"], registry=registry, buckets=LATENCY_BUCKETS)
    app.add_middleware(RequestObserver, requests=requests, latency=latency)

    @app.get("/metrics", include_in_schema=False)
    def metrics() -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return registry
