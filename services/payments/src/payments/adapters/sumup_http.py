"""The HTTP plumbing of the SumUp clients: one merchant's authenticated connections, and calls
safe to repeat retried on timeouts, refused connections, 429 and 5xx, with a growing pause."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Self

import httpx

from payments.adapters.sumup_errors import SumUpError, SumUpUnavailable


class SumUpHttp:
    """Calls to SumUp's API for one merchant, with its key; the base of `SumUpClient`'s parts."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        merchant_code: str,
        *,
        timeout_s: float = 5.0,
        retries: int = 3,
        backoff_s: float = 0.2,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.merchant_code = merchant_code
        self._attempts = retries + 1
        self._backoff_s = backoff_s
        self._http = httpx.AsyncClient(
            base_url=base_url,
            transport=transport,
            timeout=timeout_s,
            headers={"Authorization": f"Bearer {api_key}", "Accept": "application/json"},
        )

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def _send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        attempts: int | None = None,
    ) -> httpx.Response:
        """A call safe to repeat, retried on timeouts, connection errors, 429 and 5xx."""
        failure: httpx.Response | Exception | None = None
        for attempt in range(attempts or self._attempts):
            if attempt:
                await self._pause(attempt)
            try:
                response = await self._http.request(method, path, params=params)
            except httpx.TransportError as exc:
                failure = exc
                continue
            if not _is_retryable(response):
                return response
            failure = response
        raise _unavailable(failure, f"{method} {path}")

    async def _pause(self, attempt: int) -> None:
        await asyncio.sleep(self._backoff_s * 2 ** (attempt - 1))


def _is_retryable(response: httpx.Response) -> bool:
    return response.status_code >= 500 or response.status_code == 429


def _unavailable(failure: httpx.Response | Exception | None, what: str) -> SumUpUnavailable:
    if isinstance(failure, httpx.Response):
        failure = SumUpError.from_response(failure)
    if isinstance(failure, SumUpError):
        return SumUpUnavailable(failure.status, failure.error_code, f"{what}: {failure.message}")
    return SumUpUnavailable(None, None, f"{what}: {type(failure).__name__}: {failure}")
