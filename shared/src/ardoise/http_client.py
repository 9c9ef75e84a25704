"""One HTTP client kept for the calls a service makes to another."""

import asyncio

import httpx


class KeptClient:
    """An `httpx.AsyncClient` made on first use and reused: its connections are kept alive,
    and its SSL context is built once (a client made per call built one each time, which was
    most of the orders gateway's CPU per order placed). Made again in another event loop, as a
    client cannot outlive its loop."""

    def __init__(self, timeout_s: float, transport: httpx.AsyncBaseTransport | None = None):
        self._timeout_s, self._transport = timeout_s, transport
        self._client: httpx.AsyncClient | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def client(self) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        if self._client is None or self._client.is_closed or self._loop is not loop:
            self._client = httpx.AsyncClient(timeout=self._timeout_s, transport=self._transport)
            self._loop = loop
        return self._client

    async def aclose(self) -> None:
        if self._client is not None and self._loop is asyncio.get_running_loop():
            await self._client.aclose()
        self._client = None
