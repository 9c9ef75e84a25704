"""Asking the accounts gateway for a customer's name and balance at the moment of printing, and
its standing against its credit limit when an order is placed."""

import logging
from dataclasses import dataclass

import httpx

from ardoise.errors import Unavailable
from ardoise.http_client import KeptClient
from ardoise.service_tokens import ServiceTokens
from orders.domain.credit_limit import OVER_LIMIT_CHOICES, CreditStanding
from orders.domain.invoices import Buyer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CustomerFigures:
    """What a printed document states of its customer; None for what the accounts service
    could not say (better no figure than a wrong one)."""

    name: str | None
    balance_cents: int | None
    available_cents: int | None = None
    identity: dict | None = None
    """The customer's address, professional, siren and vat_number, as the accounts service
    keeps them (None: it could not say)."""


class AccountsClient:
    def __init__(self, base_url: str, credentials: ServiceTokens | str, timeout_s: float = 2.0,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.base_url, self.timeout_s = base_url.rstrip("/"), timeout_s
        self.credentials = (ServiceTokens('orders', dev_secret=credentials)
                            if isinstance(credentials, str) else credentials)
        """This service's own token (a development secret given: signed with it)."""
        self.http = KeptClient(timeout_s, transport)

    async def aclose(self) -> None:
        await self.http.aclose()

    async def balance_cents(self, producer_id: str, customer_id: str) -> int | None:
        return (await self.customer(producer_id, customer_id)).balance_cents

    async def customer(self, producer_id: str, customer_id: str) -> CustomerFigures:
        """The customer's name and balance; None for each the accounts service cannot say.

        A customer the accounts service has no account for (404) has a balance of 0: nothing
        has been settled or recorded for it yet.
        """
        url = f"{self.base_url}/v1/producers/{producer_id}/customers/{customer_id}/account"
        try:
            authorization = await self.credentials.header()
            answer = await self.http.client().get(url, params={"limit": 1},
                                                  headers=authorization)
            if answer.status_code == 404:
                return CustomerFigures(None, 0)
            body = answer.json() if answer.status_code == 200 else {}
        except (httpx.HTTPError, ValueError):
            return CustomerFigures(None, None)
        body = body if isinstance(body, dict) else {}
        name = body.get("name")
        identity = {key: body.get(key) for key in IDENTITY} if "professional" in body else None
        return CustomerFigures(
            name if isinstance(name, str) and name.strip() else None,
            _cents(body.get("balance_cents")), _cents(body.get("available_cents")), identity)

    async def credit_standing(self, producer_id: str, customer_id: str) -> CreditStanding | None:
        """The customer's available balance and the credit limit in force, in one call; None
        when the accounts service cannot say (the order is then placed unchecked, and a warning
        logged). A customer not registered has nothing owed and nothing held: its available
        balance is 0 against the producer's default limit, asked then."""
        base = f"{self.base_url}/v1/producers/{producer_id}"
        try:
            authorization = await self.credentials.header()
            client = self.http.client()
            answer = await client.get(f"{base}/customers/{customer_id}/credit-limit",
                                      headers=authorization)
            if answer.status_code == 404:
                answer = await client.get(f"{base}/credit-limits", headers=authorization)
                standing = _standing(answer, {"available_cents": 0})
            else:
                standing = _standing(answer, {})
        except (httpx.HTTPError, ValueError):
            standing = None
        if standing is None:
            log.warning("credit limit of %s of %s not checked: the accounts service did not "
                        "say", customer_id, producer_id)
        return standing

    async def buyer(self, producer_id: str, customer_id: str) -> Buyer:
        """The customer as an invoice names it; Unavailable when the accounts service cannot
        say (an invoice is never issued with a guessed name). A customer it does not know is
        named by its id."""
        figures = await self.customer(producer_id, customer_id)
        if figures.balance_cents is None:
            raise Unavailable("the accounts service did not answer: try again in a moment")
        return buyer_of(customer_id, figures)


def buyer_of(customer_id: str, figures: CustomerFigures) -> Buyer:
    identity = figures.identity or {}
    return Buyer(customer_id, figures.name or customer_id, identity.get("address"),
                 identity.get("professional") is True, identity.get("siren"),
                 identity.get("vat_number"))


IDENTITY = ("address", "professional", "siren", "vat_number")


def _cents(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _standing(answer: httpx.Response, known: dict) -> CreditStanding | None:
    """The standing an accounts answer tells (`known` fills what it does not); None for any
    answer but a well-formed 200."""
    body = answer.json() if answer.status_code == 200 else None
    if not isinstance(body, dict):
        return None
    body = {**body, **known}
    available, limit = _cents(body.get("available_cents")), body.get("credit_limit_cents")
    over_limit, tracking = body.get("over_limit"), body.get("payment_tracking")
    if (available is None or (limit is not None and _cents(limit) is None)
            or over_limit not in OVER_LIMIT_CHOICES or not isinstance(tracking, bool)):
        return None
    return CreditStanding(available, limit, over_limit, tracking)
