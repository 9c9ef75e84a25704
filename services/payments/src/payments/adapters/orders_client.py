"""Asking the orders gateway for an order this service has not heard of yet."""

import uuid
from datetime import date

import httpx

from ardoise.auth import Principal, issue_token
from payments.domain.settlement import KnownOrder


class OrdersUnavailable(Exception):
    """The orders gateway could not say whether the order exists: try again shortly.

    Not a domain refusal: a worker retries the event, a gateway answers 503.
    """


class OrdersClient:
    def __init__(self, base_url: str, jwt_secret: str, timeout_s: float = 3.0,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.base_url, self.jwt_secret, self.timeout_s = base_url.rstrip("/"), jwt_secret, timeout_s
        self.transport = transport

    async def fetch(self, producer_id: str, order_id: uuid.UUID) -> KnownOrder | None:
        """The order as the orders gateway shows it; None when it does not exist there."""
        token = issue_token(self.jwt_secret, Principal("operator", producer_id), lifetime_s=60)
        try:
            async with httpx.AsyncClient(timeout=self.timeout_s,
                                         transport=self.transport) as client:
                answer = await client.get(
                    f"{self.base_url}/v1/producers/{producer_id}/orders/{order_id}",
                    headers={"Authorization": f"Bearer {token}"})
        except httpx.HTTPError as error:
            raise OrdersUnavailable(f"the orders service did not answer: {error!r}") from error
        if answer.status_code == 404:
            return None
        if answer.status_code != 200:
            raise OrdersUnavailable(f"the orders service answered {answer.status_code}")
        body = answer.json()
        return KnownOrder(order_id, body["customer_id"], body["total_cents"],
                          date.fromisoformat(body["delivery_date"]))
