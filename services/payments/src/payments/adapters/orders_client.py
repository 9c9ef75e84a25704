"""Asking the orders gateway for an order this service has not heard of yet."""

import uuid
from datetime import date

import httpx

from ardoise.http_client import KeptClient
from ardoise.service_tokens import ServiceTokens
from payments.domain.settlement import KnownOrder


class OrdersUnavailable(Exception):
    """The orders gateway could not say whether the order exists: try again shortly.

    Not a domain refusal: a worker retries the event, a gateway answers 503.
    """


class OrdersClient:
    def __init__(self, base_url: str, credentials: ServiceTokens | str, timeout_s: float = 3.0,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.base_url, self.timeout_s = base_url.rstrip("/"), timeout_s
        self.credentials = (ServiceTokens('payments', dev_secret=credentials)
                            if isinstance(credentials, str) else credentials)
        """This service's own token (a development secret given: signed with it)."""
        self.http = KeptClient(timeout_s, transport)

    async def aclose(self) -> None:
        await self.http.aclose()

    async def fetch(self, producer_id: str, order_id: uuid.UUID) -> KnownOrder | None:
        """The order as the orders gateway shows it; None when it does not exist there."""
        try:
            authorization = await self.credentials.header()
            answer = await self.http.client().get(
                f"{self.base_url}/v1/producers/{producer_id}/orders/{order_id}",
                headers=authorization)
        except httpx.HTTPError as error:
            raise OrdersUnavailable(f"the orders service did not answer: {error!r}") from error
        if answer.status_code == 404:
            return None
        if answer.status_code != 200:
            raise OrdersUnavailable(f"the orders service answered {answer.status_code}")
        body = answer.json()
        return KnownOrder(order_id, body["customer_id"], body["total_cents"],
                          date.fromisoformat(body["delivery_date"]))
