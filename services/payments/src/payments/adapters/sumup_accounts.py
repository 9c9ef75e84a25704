"""Each producer's own SumUp account: its merchant code and API key make its client."""

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from payments.adapters.credentials import SecretBox
from payments.adapters.sumup_client import PaymentGateway, SumUpClient

CACHE_S = 30.0
"""A changed API key is used at most this long after it was saved (clients are kept meanwhile,
with their connections, instead of being read and built for every call)."""


@dataclass(frozen=True)
class SumUpAccount:
    """A producer's SumUp merchant, as stored: the key sealed."""

    merchant_code: str
    sealed_api_key: str


GatewayFor = Callable[[str], Awaitable[PaymentGateway | None]]
"""The producer's SumUp gateway, or None when it has connected no SumUp account."""


class SumUpGateways:
    """Builds and keeps one client per producer's SumUp account."""

    def __init__(self, base_url: str, box: SecretBox,
                 read_account: Callable[[str], Awaitable[SumUpAccount | None]],
                 make_client: Callable[..., PaymentGateway] = SumUpClient) -> None:
        self._base_url, self._box, self._read = base_url, box, read_account
        self._make = make_client
        self._clients: dict[tuple[str, str], PaymentGateway] = {}
        self._read_at: dict[str, tuple[float, SumUpAccount | None]] = {}

    async def __call__(self, producer_id: str) -> PaymentGateway | None:
        now = time.monotonic()
        cached = self._read_at.get(producer_id)
        if cached is None or now - cached[0] > CACHE_S:
            account = await self._read(producer_id)
            if account is None:  # not kept: an account connected a moment later is used at once
                return None
            cached = self._read_at[producer_id] = (now, account)
        account = cached[1]
        key = (account.merchant_code, account.sealed_api_key)
        client = self._clients.get(key)
        if client is None:
            client = self._clients[key] = self._make(
                self._base_url, self._box.open(account.sealed_api_key), account.merchant_code)
        return client

    async def aclose(self) -> None:
        for client in self._clients.values():
            await client.aclose()
        self._clients.clear()
