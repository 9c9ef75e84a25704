"""Asking the accounts gateway for a customer's balance at the moment of printing."""

import httpx

from ardoise.auth import Principal, issue_token


class AccountsClient:
    def __init__(self, base_url: str, jwt_secret: str, timeout_s: float = 2.0,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.base_url, self.jwt_secret, self.timeout_s = base_url.rstrip("/"), jwt_secret, timeout_s
        self.transport = transport

    async def balance_cents(self, producer_id: str, customer_id: str) -> int | None:
        """None when the accounts service cannot say: better no balance than a wrong one.

        A customer the accounts service has no account for (404) has a balance of 0: nothing
        has been settled or recorded for it yet.
        """
        token = issue_token(self.jwt_secret, Principal("operator", producer_id), lifetime_s=60)
        url = f"{self.base_url}/v1/producers/{producer_id}/customers/{customer_id}/account"
        try:
            async with httpx.AsyncClient(timeout=self.timeout_s,
                                         transport=self.transport) as client:
                answer = await client.get(url, params={"limit": 1},
                                          headers={"Authorization": f"Bearer {token}"})
            if answer.status_code == 404:
                return 0
            balance = answer.json()["balance_cents"] if answer.status_code == 200 else None
        except (httpx.HTTPError, ValueError, KeyError, TypeError):
            return None
        return balance if isinstance(balance, int) and not isinstance(balance, bool) else None
