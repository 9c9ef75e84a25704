"""Every route of every gateway, called by everyone who must not get through: refused (401, 403
or 404), nothing of the other tenant in the answer, and nothing written.

The routes come from each gateway's own OpenAPI document, so a new route fails this test until
it is given a request below and so goes through the matrix too.
"""

import asyncio
import uuid

import httpx

from ardoise.auth import Principal, issue_token
from ardoise.testing.polling import eventually

GATEWAYS = ("orders", "accounts", "payments", "exports")
PUBLIC = {("GET", "/health"), ("POST", "/v1/sumup/webhook")}
"""Public by design (API.md): the probe, and SumUp's notification (read back, never believed)."""
SECRET_NAME = "Aline Secrète"
SECRET_CENTS = 12_347

# a valid request for each protected route, so that only who is calling can make it fail
REQUESTS: dict[tuple[str, str], dict] = {
    ("GET", "/v1/whoami"): {},
    ("PUT", "/v1/producers/{producer}/customers/{customer}"): {"json": {"name": "Intrus"}},
    ("GET", "/v1/producers/{producer}/customers"): {"params": {"sort": "balance"}},
    ("GET", "/v1/producers/{producer}/customers/{customer}/account"): {},
    ("POST", "/v1/producers/{producer}/customers/{customer}/movements"): {
        "json": {"direction": "debit", "amount_cents": 100, "label": "Intrus"}},
    ("GET", "/v1/me/account"): {},
    ("POST", "/v1/producers/{producer}/orders"): {"json": {
        "customer_id": "c1", "lines": [{"label": "Intrus", "quantity": 1,
                                        "unit_price_cents": 100}]}},
    ("GET", "/v1/producers/{producer}/orders/{order_id}"): {},
    ("POST", "/v1/producers/{producer}/orders/{order_id}/payment-attempts"): {},
    ("GET", "/v1/producers/{producer}/orders/{order_id}/invoice"): {
        "headers": {"Accept": "application/json"}},
    ("GET", "/v1/producers/{producer}/orders/{order_id}/receipt"): {},
    ("PUT", "/v1/producers/{producer}/settings"): {"json": {"payment_tracking": False}},
    ("GET", "/v1/producers/{producer}/settings"): {},
    ("PUT", "/v1/producers/{producer}/orders/{order_id}/settlement"): {
        "json": {"mode": "cheque", "amount_paid_cents": 1}},
    ("POST", "/v1/producers/{producer}/settlements"): {"json": {"mode": "not_delivered"}},
    ("GET", "/v1/producers/{producer}/payments"): {"params": {"week": "2026-W48"}},
    ("PUT", "/v1/producers/{producer}/exports/settings"): {
        "json": {"name": "Intrus", "email": "intrus@example.org"}},
    ("GET", "/v1/producers/{producer}/exports/sales-by-mode.xlsx"): {
        "params": {"from": "2026-11-01", "to": "2026-11-30"}},
    ("POST", "/v1/producers/{producer}/exports/payments.xlsx"): {},
    ("POST", "/v1/producers/{producer}/exports/weekly-email"): {"params": {"week": "2026-W47"}},
}
CUSTOMER_ROUTES = {
    ("GET", "/v1/whoami"), ("GET", "/v1/me/account"),
    ("POST", "/v1/producers/{producer}/orders"),
    ("GET", "/v1/producers/{producer}/orders/{order_id}"),
    ("POST", "/v1/producers/{producer}/orders/{order_id}/payment-attempts"),
    ("GET", "/v1/producers/{producer}/orders/{order_id}/invoice"),
    ("GET", "/v1/producers/{producer}/orders/{order_id}/receipt"),
}
"""Where a customer may go, for itself only (API.md); every other route is the operator's."""
OWN_DATA_OF_THE_CALLER = {("GET", "/v1/whoami"), ("GET", "/v1/me/account")}
"""Routes about the caller itself: a valid token of someone else gets its own answer, which must
still show nothing of the victim."""


async def routes(system) -> dict[str, set[tuple[str, str]]]:
    found = {}
    async with httpx.AsyncClient(timeout=10) as client:
        for gateway in GATEWAYS:
            document = (await client.get(f"{system.urls[gateway]}/openapi.json")).json()
            found[gateway] = {(method.upper(), path) for path, item in document["paths"].items()
                              for method in item if method in {"get", "post", "put", "delete",
                                                               "patch"}}
    return found


def token(system, principal: Principal, **kwargs) -> dict[str, str]:
    secret = kwargs.pop("secret", system.env["ARDOISE_JWT_SECRET"])
    return {"Authorization": f"Bearer {issue_token(secret, principal, **kwargs)}"}


async def open_shop(system, producer: str, customer_name: str, amount: int) -> dict:
    """A customer c1 with a movement and a settled order, c2 without anything; returns the ids."""
    operator = token(system, Principal("operator", producer))
    u = system.urls
    async with httpx.AsyncClient(timeout=10, headers=operator) as client:
        for customer, name in (("c1", customer_name), ("c2", "Bruno")):
            answer = await client.put(f"{u['accounts']}/v1/producers/{producer}/customers/{customer}",
                                      json={"name": name})
            assert answer.status_code in (200, 201), answer.text
        answer = await client.post(
            f"{u['accounts']}/v1/producers/{producer}/customers/c1/movements",
            json={"direction": "credit", "amount_cents": amount, "label": customer_name})
        assert answer.status_code == 201, answer.text
        answer = await client.post(f"{u['orders']}/v1/producers/{producer}/orders", json={
            "customer_id": "c1", "lines": [{"label": customer_name, "quantity": 1,
                                            "unit_price_cents": amount}]})
        assert answer.status_code == 201, answer.text
        order_id = answer.json()["order_id"]
        answer = await client.put(f"{u['payments']}/v1/producers/{producer}/orders/{order_id}"
                                  "/settlement", json={"mode": "cash"})
        assert answer.status_code == 200, answer.text
        answer = await client.put(f"{u['exports']}/v1/producers/{producer}/exports/settings",
                                  json={"name": customer_name, "email": "ferme@example.org"})
        assert answer.status_code == 200, answer.text
    return {"producer": producer, "customer": "c1", "order_id": order_id}


async def snapshot(system, ids: dict) -> tuple:
    """What the victim's operator sees; the same before and after the hostile calls."""
    operator = token(system, Principal("operator", ids["producer"]))
    p, u = ids["producer"], system.urls
    async with httpx.AsyncClient(timeout=10, headers=operator) as client:
        answers = await asyncio.gather(
            client.get(f"{u['accounts']}/v1/producers/{p}/customers"),
            client.get(f"{u['accounts']}/v1/producers/{p}/customers/c1/account"),
            client.get(f"{u['orders']}/v1/producers/{p}/orders/{ids['order_id']}"),
            client.get(f"{u['payments']}/v1/producers/{p}/settings"),
            client.get(f"{u['payments']}/v1/producers/{p}/payments",
                       params={"week": "2026-W48"}),
        )
    assert all(a.status_code == 200 for a in answers), [a.text for a in answers]
    return tuple(a.text for a in answers)


async def test_nobody_but_the_producer_and_its_customer_gets_through_any_route(system,
                                                                                 producer_id):
    victim = await open_shop(system, producer_id, SECRET_NAME, SECRET_CENTS)
    other = f"p-{uuid.uuid4().hex[:12]}"
    await open_shop(system, other, "Autre Client", 999)
    found = await routes(system)
    protected = {route for gateway in found.values() for route in gateway} - PUBLIC
    assert protected == set(REQUESTS), (
        f"routes without a request here: {sorted(protected - set(REQUESTS))}; "
        f"requests for no route: {sorted(set(REQUESTS) - protected)}")
    # the victim's settlement reached every service: what a leak would show is in place
    before = await eventually(lambda: snapshot(system, victim), lambda s: (
        SECRET_NAME in s[4] and '"kind":"payment"' in s[1] and '"mode":"cash"' in s[2]))

    me = Principal("operator", victim["producer"])
    callers = {
        "no token": {},
        "expired token": token(system, me, lifetime_s=-60),
        "token signed with another key": token(system, me, secret="not-the-secret-" * 3),
        "operator of another producer": token(system, Principal("operator", other)),
        "customer of another producer": token(system, Principal("customer", other, "c1")),
        "another customer of the producer": token(system, Principal("customer",
                                                                    victim["producer"], "c2")),
        "the customer itself, on an operator route": token(
            system, Principal("customer", victim["producer"], "c1")),
    }
    valid_tokens = {"operator of another producer", "customer of another producer",
                    "another customer of the producer"}
    refused, leaks, let_through = 0, [], []
    async with httpx.AsyncClient(timeout=10) as client:
        for (method, template), request in sorted(REQUESTS.items()):
            gateway = next(g for g, r in found.items() if (method, template) in r)
            path = template.format(**victim)
            kwargs = dict(request)
            if template.endswith("/payments.xlsx") or template.endswith("/settlements"):
                kwargs["json"] = {**kwargs.get("json", {}), "order_ids": [victim["order_id"]]}
            for who, headers in callers.items():
                if who.startswith("the customer itself") and (method, template) in CUSTOMER_ROUTES:
                    continue
                answer = await client.request(
                    method, f"{system.urls[gateway]}{path}",
                    headers={**kwargs.get("headers", {}), **headers},
                    **{k: v for k, v in kwargs.items() if k != "headers"})
                body = answer.content.decode("utf-8", "replace")
                if (not who.startswith("the customer itself")
                        and any(secret in body for secret in (SECRET_NAME, str(SECRET_CENTS),
                                                              victim["order_id"]))):
                    leaks.append((who, method, template, answer.status_code))
                if (method, template) in OWN_DATA_OF_THE_CALLER and who in valid_tokens:
                    continue
                if answer.status_code in (401, 403, 404):
                    refused += 1
                else:
                    let_through.append((who, method, template, answer.status_code))
    assert leaks == [], leaks
    assert let_through == [], let_through
    assert await snapshot(system, victim) == before, "a refused request changed something"
    print(f"access: {len(GATEWAYS)} gateways, {len(REQUESTS)} protected routes, "
          f"{len(callers)} kinds of intruder, {refused} requests refused, 0 let through, "
          f"0 leaks, 0 writes")
