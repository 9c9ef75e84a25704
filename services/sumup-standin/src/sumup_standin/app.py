"""Builds the SumUp stand-in's ASGI app; nothing is made until `create_app` is called."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

import httpx
from fastapi import FastAPI

from sumup_standin import api, control, history, hosted, payouts, transactions
from sumup_standin.checkouts import utc_now
from sumup_standin.config import Settings
from sumup_standin.errors import install_error_handlers
from sumup_standin.faults import FaultMiddleware, Faults
from sumup_standin.memory import Memory, load, save
from sumup_standin.notifier import Notifier
from sumup_standin.service import CheckoutService
from sumup_standin.store import ApiKeys, CheckoutStore


def create_app(
    settings: Settings | None = None,
    *,
    clock: Callable[[], datetime] = utc_now,
    notify_transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    """A stand-in with an empty memory, or the one it kept (`Settings.state_file`); tests may
    pass a clock and a notify transport."""
    settings = settings or Settings.from_env()
    notifier = Notifier(
        settings.retry_delays_s,
        clock=clock,
        timeout_s=settings.notify_timeout_s,
        transport=notify_transport,
    )
    faults = Faults()
    state_file = Path(settings.state_file) if settings.state_file else None
    memory = load(state_file) or Memory(CheckoutStore(), ApiKeys(), payouts.PayoutBook())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        await notifier.aclose()
        save(state_file, memory)

    app = FastAPI(
        title="SumUp stand-in",
        summary="SumUp's Checkouts API for development and tests, a hosted page and test controls.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.service = CheckoutService(memory.checkouts, notifier, clock, settings.public_url,
                                        memory.keys)
    app.state.notifier = notifier
    app.state.faults = faults
    app.state.payouts = memory.payouts
    app.add_middleware(FaultMiddleware, faults=faults)
    install_error_handlers(app)
    app.include_router(api.router)
    app.include_router(payouts.router)
    app.include_router(history.router)  # before transactions: its history is SumUp's, paged
    app.include_router(transactions.router)
    app.include_router(control.router)
    app.include_router(hosted.router)
    return app
