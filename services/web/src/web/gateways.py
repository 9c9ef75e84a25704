"""The services' gateways, called over HTTP with a short token of the signed-in person.

The web service owns no business data: every figure on a page is a gateway's answer. A gateway
that cannot be reached (or answers 5xx) raises `Unavailable` naming it, so the page can say which
part is down; a 4xx is a `Refused` carrying the gateway's own `detail`, for the page to show."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from ardoise.auth import Principal
from ardoise.service_tokens import CLIENT_SCOPES

TOKEN_LIFETIME_S = 300
"""A page's calls last seconds; the token that makes them is good for five minutes."""
NAMES = {"orders": "les commandes", "accounts": "les comptes clients",
         "payments": "les paiements", "exports": "les exports", "journal": "le journal"}


class Unavailable(Exception):
    def __init__(self, service: str) -> None:
        super().__init__(f"{service} unavailable")
        self.service = service

    @property
    def message(self) -> str:
        return f"Le service {NAMES.get(self.service, self.service)} est indisponible pour le " \
               "moment ; réessayez dans un instant."


class Refused(Exception):
    def __init__(self, service: str, status: int, detail: Any) -> None:
        super().__init__(f"{service}: {status} {detail}")
        self.service, self.status, self.detail = service, status, detail

    @property
    def message(self) -> str:
        """The gateway's reason, readable: a 422's list of errors as `field: message`."""
        if isinstance(self.detail, list):
            return " ; ".join(
                f"{'.'.join(str(p) for p in e.get('loc', [])[1:])} : {e.get('msg', '')}"
                for e in self.detail if isinstance(e, dict))
        return str(self.detail)


@dataclass
class Gateways:
    urls: dict[str, str]
    sign: Callable[[Principal], str]
    """A token for this person (the issuer's key; HS256 in development), good for minutes."""
    client: httpx.AsyncClient
    itself = Principal("service", "", person="web", scopes=CLIENT_SCOPES["web"])
    """The web as a service of its own, where no one is signed in yet (who an address is)."""

    async def call(self, principal: Principal, service: str, method: str, path: str,
                   **kwargs) -> httpx.Response:
        """The gateway's answer (2xx or 304) to this request made as `principal`."""
        token = self.sign(principal)
        headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
        try:
            answer = await self.client.request(method, f"{self.urls[service]}{path}",
                                               headers=headers, **kwargs)
        except httpx.HTTPError as error:
            raise Unavailable(service) from error
        if answer.status_code >= 500:
            raise Unavailable(service)
        if answer.status_code >= 400:
            try:
                detail = answer.json().get("detail", answer.text)
            except ValueError:
                detail = answer.text
            raise Refused(service, answer.status_code, detail)
        return answer

    async def json(self, principal: Principal, service: str, method: str, path: str,
                   **kwargs) -> Any:
        return (await self.call(principal, service, method, path, **kwargs)).json()
