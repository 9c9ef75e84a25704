"""Asking the orders gateway for an order this service has not heard of yet."""

import uuid
from datetime import date

import httpx

from ardoise.auth import Principal, issue_token
from payments.adapters.repository import KnownOrder


class OrdersClient:
    def __init__(self, base_url: str, jwt_secret: str, timeout_s: float = 3.0) -> None:
        self.base_url, self.jwt_secret, self.timeout_s = base_url.rstrip("/"), jwt_secret, timeout_s

    async def fetch(self, producer_id: str, order_id: uuid.UUID) -> KnownOrder | None:
        token = issue_token(self.jwt_secret, Principal("operator", producer_id), lifetime_s=60)
        async with httpx.AsyncClient(timeout=self.timeout_s) as client:
            answer = await client.get(f"{self.base_url}/v1/producers/{producer_id}/orders/{order_id}",
                                      headers={"Authorization": f"Bearer {token}"})
        if answer.status_code == 404:
            return None
        answer.raise_for_status()
        body = answer.json()
        return KnownOrder(order_id, body["customer_id"], body["total_cents"],
                          date.fromisoformat(body["delivery_date"]))
