"""HTTP helpers for driving the running system as a frontend would."""

import uuid

import httpx
import pytest

from ardoise.auth import Principal, issue_token
from ardoise_tools.testing.tracking import turn_tracking_on


class Caller:
    """A frontend of one producer: an operator or a customer, with its token."""

    def __init__(self, system, principal: Principal) -> None:
        self.system = system
        self.headers = {"Authorization": "Bearer " + issue_token(
            system.env["ARDOISE_JWT_SECRET"], principal)}

    def request(self, method: str, service: str, path: str, **kwargs) -> httpx.Response:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return httpx.request(method, f"{self.system.urls[service]}{path}", headers=headers,
                             timeout=10, **kwargs)

    async def arequest(self, method: str, service: str, path: str, **kwargs) -> httpx.Response:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        async with httpx.AsyncClient(timeout=10) as client:
            return await client.request(method, f"{self.system.urls[service]}{path}",
                                        headers=headers, **kwargs)


@pytest.fixture
def producer_id(system) -> str:
    """A producer of its own that turned payment tracking on, as the product page has it do
    first; every service heard it before the test starts."""
    producer = f"p-{uuid.uuid4().hex[:12]}"
    turn_tracking_on(system.urls, system.env["ARDOISE_JWT_SECRET"], producer)
    return producer


@pytest.fixture
def untracked_producer_id() -> str:
    """A producer that never turned payment tracking on."""
    return f"p-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def operator(system, producer_id) -> Caller:
    return Caller(system, Principal("operator", producer_id))


@pytest.fixture
def customer_of(system, producer_id):
    return lambda customer_id: Caller(system, Principal("customer", producer_id, customer_id))
