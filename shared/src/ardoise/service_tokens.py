"""The credentials one service shows another (orders → accounts, payments → orders): its own
token, naming the service and the scopes the issuer gives it, never a user's.

With an issuer, the token is asked of its token endpoint (OAuth 2 client credentials: the
service's name and `ARDOISE_CLIENT_SECRET`) and kept until a minute before it ends; in
development, it is signed with the shared HS256 secret. The issuer (the web service) signs its
own with its key."""

import asyncio
import time
from collections.abc import Callable

import httpx

from ardoise.auth import Principal, issue_token
from ardoise.token_verifier import discover

CLIENT_SCOPES = {
    "orders": frozenset({"accounts:read"}),
    "payments": frozenset({"orders:read"}),
    "web": frozenset({"accounts:read", "exports:read"}),
}
"""What each service may call: orders reads accounts (a customer's name, balance and credit
limit at placement and invoicing), payments reads orders (an order's total before a checkout),
web reads accounts and exports (who an e-mail address is, a customer or the farm itself, at
sign-in). Nothing else."""
RENEW_BEFORE_S = 60


class ServiceTokens:
    """`await tokens.header()`: the Authorization header for this service's next call."""

    def __init__(self, service: str, *, client: httpx.AsyncClient | None = None,
                 token_url: str | None = None, issuer: str | None = None,
                 client_secret: str | None = None,
                 dev_secret: str | None = None,
                 signer: Callable[[Principal], str] | None = None) -> None:
        if service not in CLIENT_SCOPES:
            raise ValueError(f"no scopes are given to {service!r}")
        if not ((token_url or issuer) and client_secret) and dev_secret is None \
                and signer is None:
            raise ValueError(f"{service} has no credentials: set ARDOISE_CLIENT_SECRET (and "
                             "the issuer), or the development HS256 secret")
        self.service, self.client, self.token_url = service, client, token_url
        self.issuer = issuer
        self.client_secret, self.dev_secret, self.signer = client_secret, dev_secret, signer
        self.principal = Principal("service", "", person=service,
                                   scopes=CLIENT_SCOPES[service])
        self._token, self._until = "", 0.0
        self._lock = asyncio.Lock()

    async def header(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {await self.token()}"}

    async def token(self) -> str:
        if time.monotonic() < self._until:
            return self._token
        async with self._lock:
            if time.monotonic() >= self._until:
                self._token, lifetime_s = await self._new()
                self._until = time.monotonic() + max(lifetime_s - RENEW_BEFORE_S, 1)
        return self._token

    async def _new(self) -> tuple[str, float]:
        if self.signer is not None:
            return self.signer(self.principal), 300
        if (self.token_url or self.issuer) and self.client_secret:
            client = self.client or httpx.AsyncClient(timeout=5)
            try:
                if self.token_url is None:
                    self.token_url = (await discover(client, self.issuer))["token_endpoint"]
                answer = await client.post(self.token_url, data={
                    "grant_type": "client_credentials", "client_id": self.service,
                    "client_secret": self.client_secret})
            finally:
                if self.client is None:
                    await client.aclose()
            answer.raise_for_status()
            body = answer.json()
            return body["access_token"], float(body.get("expires_in", 300))
        return issue_token(self.dev_secret, self.principal, 300), 300
