"""Fixtures for the stand-in's unit tests: a fresh stand-in per test, its client, request bodies."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI

from sumup_standin import Settings, create_app
from sumup_standin.testing import FakeClock, WebhookReceiver

BodyFactory = Callable[..., dict[str, Any]]
StandinFactory = Callable[..., AbstractAsyncContextManager[tuple[FastAPI, httpx.AsyncClient]]]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def receiver() -> WebhookReceiver:
    return WebhookReceiver()


@pytest.fixture
def start_standin(clock: FakeClock) -> StandinFactory:
    """Start a stand-in with the given settings; yield it with a client holding a bearer token."""

    @asynccontextmanager
    async def start(
        settings: Settings, notify_transport: httpx.AsyncBaseTransport | None = None
    ) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
        app = create_app(settings, clock=clock, notify_transport=notify_transport)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app),
                base_url="http://standin.test",
                headers={"Authorization": "Bearer sk_test_standin"},
            ) as client,
        ):
            yield app, client

    return start


@pytest_asyncio.fixture
async def standin_and_api(
    start_standin: StandinFactory, receiver: WebhookReceiver
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    settings = Settings(retry_delays_s=(0.01, 0.02, 0.03))
    async with start_standin(settings, httpx.ASGITransport(app=receiver)) as started:
        yield started


@pytest.fixture
def standin(standin_and_api: tuple[FastAPI, httpx.AsyncClient]) -> FastAPI:
    return standin_and_api[0]


@pytest.fixture
def api(standin_and_api: tuple[FastAPI, httpx.AsyncClient]) -> httpx.AsyncClient:
    return standin_and_api[1]


@pytest.fixture
def checkout_body() -> BodyFactory:
    """A valid create-checkout body with a reference of its own, any field replaced."""

    def body(**fields: Any) -> dict[str, Any]:
        return {
            "checkout_reference": f"order-{uuid.uuid4()}",
            "amount": 15.0,
            "currency": "EUR",
            "merchant_code": "MSTANDIN",
            "description": "Order of the week",
            "return_url": "http://shop.test/v1/sumup/webhook",
            "hosted_checkout": {"enabled": True},
        } | fields

    return body


@pytest.fixture
def create_checkout(
    api: httpx.AsyncClient, checkout_body: BodyFactory
) -> Callable[..., Awaitable[dict[str, Any]]]:
    """Create a checkout from a valid body, any field replaced; return SumUp's answer."""

    async def create(**fields: Any) -> dict[str, Any]:
        response = await api.post("/v0.1/checkouts", json=checkout_body(**fields))
        assert response.status_code == 201, response.text
        return response.json()

    return create
