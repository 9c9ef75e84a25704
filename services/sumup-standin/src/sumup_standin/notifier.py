"""Calls a checkout's return_url as SumUp does, retrying in the background until answered 2xx."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from sumup_standin.checkouts import isoformat

EVENT_TYPE = "CHECKOUT_STATUS_CHANGED"


@dataclass(frozen=True)
class NotificationAttempt:
    """One POST to a return_url, and how it went."""

    checkout_id: str
    url: str
    attempt: int
    at: datetime
    status_code: int | None = None
    error: str | None = None

    @property
    def delivered(self) -> bool:
        """Whether the receiver answered 2xx, which ends the retries."""
        return self.status_code is not None and 200 <= self.status_code < 300

    def to_json(self) -> dict[str, Any]:
        """The attempt as `GET /_standin/notifications` lists it."""
        return {
            "checkout_id": self.checkout_id,
            "url": self.url,
            "attempt": self.attempt,
            "at": isoformat(self.at),
            "status_code": self.status_code,
            "error": self.error,
            "delivered": self.delivered,
        }


class Notifier:
    """Delivers `{"event_type": "CHECKOUT_STATUS_CHANGED", "id": ...}`, unsigned, with retries."""

    def __init__(
        self,
        retry_delays_s: tuple[float, ...],
        *,
        clock: Callable[[], datetime],
        timeout_s: float = 5.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._retry_delays_s = retry_delays_s
        self._clock = clock
        self._timeout_s = timeout_s
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self._deliveries: set[asyncio.Task[None]] = set()
        self.attempts: list[NotificationAttempt] = []

    def notify(self, url: str, checkout_id: str) -> None:
        """Start delivering in the background; the caller does not wait for the receiver."""
        delivery = asyncio.get_running_loop().create_task(self._deliver(url, checkout_id))
        self._deliveries.add(delivery)
        delivery.add_done_callback(self._deliveries.discard)

    async def wait_idle(self) -> None:
        """Wait until every delivery under way has succeeded or run out of retries."""
        while self._deliveries:
            await asyncio.gather(*self._deliveries, return_exceptions=True)

    async def aclose(self) -> None:
        """Abandon the deliveries under way and close the HTTP client."""
        for delivery in list(self._deliveries):
            delivery.cancel()
        await asyncio.gather(*self._deliveries, return_exceptions=True)
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def _deliver(self, url: str, checkout_id: str) -> None:
        body = {"event_type": EVENT_TYPE, "id": checkout_id}
        for attempt, delay_s in enumerate((0.0, *self._retry_delays_s), start=1):
            await asyncio.sleep(delay_s)
            if await self._post(url, body, attempt):
                return

    async def _post(self, url: str, body: dict[str, str], attempt: int) -> bool:
        record = {"checkout_id": body["id"], "url": url, "attempt": attempt}
        try:
            response = await self._http().post(url, json=body)
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            outcome = NotificationAttempt(
                **record, at=self._clock(), error=f"{type(exc).__name__}: {exc}"
            )
        else:
            outcome = NotificationAttempt(
                **record, at=self._clock(), status_code=response.status_code
            )
        self.attempts.append(outcome)
        return outcome.delivered

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                transport=self._transport,
                timeout=self._timeout_s,
                headers={"User-Agent": "sumup-standin"},
            )
        return self._client
