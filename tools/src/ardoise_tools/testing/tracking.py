"""A producer that turned payment tracking on, on the running system: set on the payments
gateway as a producer would, and waited for until every service that acts on it has heard."""

import time

import httpx

from ardoise.auth import Principal, issue_token

HEARD_ON = (
    ("accounts", "/v1/producers/{p}/customers?limit=1&count=false"),
    ("orders", "/v1/producers/{p}/orders?limit=1"),
    ("exports", "/v1/producers/{p}/exports/weekly-email"),
)
"""Where each service says whether it heard the producer tracks payments (`payment_tracking`)."""


def turn_tracking_on(urls: dict[str, str], jwt_secret: str, producer_id: str,
                     timeout_s: float = 30.0) -> None:
    """PUT the producer's payments settings with tracking on, then wait until the accounts,
    orders and exports services all say so: a movement recorded just after is accepted."""
    headers = {"Authorization": "Bearer " + issue_token(jwt_secret,
                                                        Principal("operator", producer_id))}
    answer = httpx.put(f"{urls['payments']}/v1/producers/{producer_id}/settings",
                       json={"payment_tracking": True}, headers=headers, timeout=10)
    answer.raise_for_status()
    deadline = time.monotonic() + timeout_s
    waiting = list(HEARD_ON)
    while waiting:
        service, path = waiting[0]
        said = httpx.get(urls[service] + path.format(p=producer_id), headers=headers, timeout=10)
        if said.status_code == 200 and said.json().get("payment_tracking") is True:
            waiting.pop(0)
            continue
        if time.monotonic() > deadline:
            raise TimeoutError(f"{service} did not hear that {producer_id} tracks payments: "
                               f"{said.status_code} {said.text[:200]}")
        time.sleep(0.02)
