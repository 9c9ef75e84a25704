"""Process wiring shared by every service: the gateway app shell and the worker shell."""

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from functools import partial

import httpx
import uvicorn
import uvloop
from fastapi import APIRouter, FastAPI
from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from ardoise.auth_setup import token_verifier
from ardoise.body_limits import BodyLimits
from ardoise.db import make_engine, make_read_sessionmaker, make_sessionmaker
from ardoise.gateway import (
    broker_answers,
    database_answers,
    document_error_answers,
    install_error_handlers,
    install_health,
    install_whoami,
)
from ardoise.kafka import broker_publisher, create_missing_topics, make_broker
from ardoise.observability import (
    WorkerMetrics,
    configure_logging,
    get_logger,
    instrument_gateway,
    serve_worker_endpoints,
)
from ardoise.relay import OutboxRelay
from ardoise.security_headers import install_security_headers
from ardoise.settings import ServiceSettings
from ardoise.worker import Background, worker_app

GATEWAY_POOL_TIMEOUT_S = 10.0
"""How long a gateway's request waits for one of its database connections, all busy, before
it is answered 503 (Retry-After): a shopper is better told to try again than kept waiting the
pool's 30 s for a 500 (seen with 200 shoppers at once on a loaded 2-core machine)."""


def gateway_app(
    settings: ServiceSettings,
    schema: str,
    routers: list[APIRouter],
    title: str,
    on_ready: Callable[[FastAPI], None] | None = None,
    always_2xx: frozenset[str] = frozenset(),
    on_close: Callable[[FastAPI], Awaitable[None]] | None = None,
    large_bodies: dict[str, int] | None = None,
) -> FastAPI:
    """FastAPI with auth, errors, /health and /metrics; the engine lives as long as the app.
    `always_2xx`: paths whose contract is a quick 2xx whatever comes (SumUp's webhook): a body
    the other routes would refuse is dropped there with a 204. `on_close` runs before the engine
    is disposed of, when the app stops."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # a request finding every connection busy for GATEWAY_POOL_TIMEOUT_S is answered 503
        engine = make_engine(settings.database_url, schema,  # type: ignore[attr-defined]
                             pool_timeout_s=GATEWAY_POOL_TIMEOUT_S)
        app.state.engine = engine
        app.state.sessionmaker = make_sessionmaker(engine)
        app.state.reads = make_read_sessionmaker(engine)
        if on_ready:
            on_ready(app)
        try:
            yield
        finally:
            if on_close:
                await on_close(app)
            await engine.dispose()
            await auth_client.aclose()

    app = FastAPI(title=title, version="1.0.0", lifespan=lifespan)
    app.state.settings = settings
    auth_client = httpx.AsyncClient(timeout=httpx.Timeout(5.0, connect=2.0))
    app.state.verifier = token_verifier(settings, auth_client)
    install_error_handlers(app)
    instrument_gateway(app)
    install_health(
        app,
        [lambda: database_answers(app.state.engine), partial(broker_answers, settings.kafka_bootstrap)],
    )
    install_whoami(app)
    for router in routers:
        app.include_router(router)
    document_error_answers(app, always_2xx)
    # refused before anything else runs
    app.add_middleware(BodyLimits, always_2xx=always_2xx, large_bodies=large_bodies)
    install_security_headers(app)  # added last, outermost: BodyLimits' refusals carry them too
    return app


def serve_gateway(app: FastAPI, settings: ServiceSettings, name: str) -> None:
    """Run one gateway with uvicorn (its logs as JSON too), saying where it listens."""
    configure_logging(settings.log_level, f"{name}-gateway")
    port = settings.http_port  # type: ignore[attr-defined]
    get_logger("ardoise.gateway").info(
        f"{name} gateway listening on http://{settings.http_host}:{port}")
    uvicorn.run(app, host=settings.http_host, port=port, log_level="warning", log_config=None,
                loop="uvloop", http="httptools")


def run_worker(
    settings: ServiceSettings,
    schema: str,
    subscribe: Callable[[KafkaBroker, async_sessionmaker], list[str]],
    extra_background: Callable[[async_sessionmaker], list[Background]] | None = None,
) -> None:
    """Subscribers, the outbox relay, any timers and /metrics, in one FastStream process."""
    configure_logging(settings.log_level, f"{schema}-worker")
    metrics = WorkerMetrics(schema)
    # FastStream's per-message lines go to DEBUG: the middleware logs each event with its ids
    broker = make_broker(settings.kafka_bootstrap, client_id=f"{schema}-worker",
                         middlewares=[metrics.middleware],
                         logger=logging.getLogger("ardoise.kafka"), log_level=logging.DEBUG)
    engine: AsyncEngine = make_engine(settings.database_url, schema)  # type: ignore[attr-defined]
    sessions = make_sessionmaker(engine)
    consumed = subscribe(broker, sessions)
    relay = OutboxRelay(settings.asyncpg_dsn, schema, broker_publisher(broker),
                        prepare=partial(create_missing_topics, settings.kafka_bootstrap))
    metrics.watch(broker, engine, relay)
    endpoints = partial(serve_worker_endpoints, metrics, settings.http_host,
                        settings.metrics_port)
    background: list[Background] = [relay.run, endpoints]
    if extra_background:
        background.extend(extra_background(sessions))
    banner = (
        f"{schema} worker consuming {', '.join(consumed) or 'nothing'} "
        f"and relaying its outbox via {settings.kafka_bootstrap}"
    )
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(worker_app(broker, background, banner, cleanup=[engine.dispose]).run())


def group_id(settings: ServiceSettings, name: str) -> str:
    """Each subscriber its own consumer group, e.g. `accounts.settlement-changed`."""
    return f"{settings.group_prefix}{name}"
