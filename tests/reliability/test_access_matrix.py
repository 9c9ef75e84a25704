"""Every route of every gateway, called by everyone who must not get through: refused as API.md
says (401 for a missing or invalid token, 404 for another producer's or customer's data, 403 for
a customer on an operator's route), with a status its operation documents, nothing of the other
tenant in the answer, and nothing written.

The routes come from each gateway's own OpenAPI document, so a new route fails this test until
it is given a request below and so goes through the matrix too; a route left out of the document
fails it unless it is one of the public pages, which are read for leaks as well.
"""

import asyncio
import base64
import hashlib
import hmac
import importlib
import json
import re
import time
import uuid
import warnings
from calendar import monthrange
from collections import Counter
from datetime import UTC, date, datetime
from io import BytesIO

import httpx
import jwt
from cryptography.hazmat.primitives import serialization
from fastapi.routing import iter_route_contexts
from openpyxl import load_workbook

from ardoise.auth import API_AUDIENCE, Principal, claims_of, issue_token
from ardoise.db import make_engine, make_sessionmaker
from ardoise.issuer import SigningKeys, new_key_pem
from ardoise.weeks import week_of
from ardoise_tools.testing.polling import eventually
from ardoise_tools.testing.tracking import turn_tracking_on
from web import operators
from web.adapters.orm import SCHEMA as WEB_SCHEMA

GATEWAYS = ("orders", "accounts", "payments", "exports", "journal")
PUBLIC = {("GET", "/health"), ("POST", "/v1/sumup/webhook")}
"""Public by design (API.md): the probe, and SumUp's notification (read back, never believed)."""
UNDOCUMENTED_PUBLIC = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc", "/metrics"}
"""Served outside the OpenAPI document, without a token: the document itself, its pages, and
Prometheus' scrape (counts by route template, never by id)."""
SECRET_NAME = "Aline Secrète"
SECRET_CENTS = 12_347
DELIVERED = date(2026, 11, 25)
"""The victim's order is delivered on this day, named on both sides: the week and the month its
operator reads are this day's, whatever day the test runs."""
WEEK = week_of(DELIVERED)
MONTH = {"from": DELIVERED.replace(day=1).isoformat(),
         "to": DELIVERED.replace(day=monthrange(DELIVERED.year, DELIVERED.month)[1]).isoformat()}

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
    ("GET", "/v1/producers/{producer}/orders"): {},
    ("GET", "/v1/producers/{producer}/orders/{order_id}"): {},
    ("POST", "/v1/producers/{producer}/orders/{order_id}/payment-attempts"): {},
    ("GET", "/v1/producers/{producer}/orders/{order_id}/invoice"): {
        "headers": {"Accept": "application/json"}},
    ("GET", "/v1/producers/{producer}/orders/{order_id}/receipt"): {},
    ("PUT", "/v1/producers/{producer}/invoicing"): {"json": {"legal_name": "Intrus"}},
    ("GET", "/v1/producers/{producer}/invoicing"): {},
    ("POST", "/v1/producers/{producer}/orders/{order_id}/invoices"): {},
    ("GET", "/v1/producers/{producer}/invoices"): {},
    ("GET", "/v1/producers/{producer}/invoices/{number}"): {},
    ("POST", "/v1/producers/{producer}/invoices/{number}/credit-invoice"): {},
    ("PUT", "/v1/producers/{producer}/settings"): {"json": {"payment_tracking": False}},
    ("GET", "/v1/producers/{producer}/settings"): {},
    ("PUT", "/v1/producers/{producer}/orders/{order_id}/settlement"): {
        "json": {"mode": "cheque", "amount_paid_cents": 1}},
    ("POST", "/v1/producers/{producer}/settlements"): {"json": {"mode": "not_delivered"}},
    ("POST", "/v1/producers/{producer}/orders/{order_id}/refunds"): {
        "json": {"amount_cents": 100}},
    ("GET", "/v1/producers/{producer}/orders/{order_id}/refunds"): {},
    ("GET", "/v1/producers/{producer}/payments"): {"params": {"week": WEEK}},
    ("GET", "/v1/producers/{producer}/credit-notes"): {},
    ("GET", "/v1/producers/{producer}/credit-notes/{number}"): {},
    ("PUT", "/v1/producers/{producer}/exports/settings"): {
        "json": {"name": "Intrus", "email": "intrus@example.org"}},
    ("GET", "/v1/producers/{producer}/exports/sales-by-mode.xlsx"): {
        "params": MONTH},
    ("GET", "/v1/producers/{producer}/exports/invoices.xlsx"): {"params": MONTH},
    ("POST", "/v1/producers/{producer}/exports/payments.xlsx"): {},
    ("POST", "/v1/producers/{producer}/exports/weekly-email"): {"params": {"week": WEEK}},
    ("GET", "/v1/producers/{producer}/exports/weekly-email"): {},
    ("GET", "/v1/producers/{producer}/exports/settings"): {},
    ("GET", "/v1/producers/{producer}/journal/settings"): {},
    ("PUT", "/v1/producers/{producer}/journal/settings"): {
        "json": {"fiscal_year_start": "07-01", "fec_variant": "cash_basis"}},
    ("GET", "/v1/producers/{producer}/journal/verify"): {},
    ("GET", "/v1/producers/{producer}/journal/entries"): {},
    ("GET", "/v1/producers/{producer}/journal/closings"): {},
    ("GET", "/v1/producers/{producer}/journal/technical-events"): {},
    ("GET", "/v1/producers/{producer}/journal/daily-totals"): {"params": MONTH},
    ("GET", "/v1/producers/{producer}/journal/fec"): {"params": {"year": DELIVERED.year}},
    ("GET", "/v1/producers/{producer}/journal/archives/{period}/{start}"): {},
    ("GET", "/v1/producers/{producer}/journal/public-key"): {},
    ("PUT", "/v1/producers/{producer}/credit-limits"): {
        "json": {"credit_limit_cents": 5000, "over_limit": "refuse"}},
    ("GET", "/v1/producers/{producer}/credit-limits"): {},
    ("PUT", "/v1/producers/{producer}/customers/{customer}/credit-limit"): {
        "json": {"credit_limit_cents": 0}},
    ("GET", "/v1/producers/{producer}/customers/{customer}/credit-limit"): {},
    ("PUT", "/v1/producers/{producer}/reminders/settings"): {"json": {"enabled": False}},
    ("GET", "/v1/producers/{producer}/reminders/settings"): {},
    ("GET", "/v1/producers/{producer}/reminders/preview"): {},
    ("POST", "/v1/producers/{producer}/customers/{customer}/reminders"): {},
    ("GET", "/v1/producers/{producer}/customers/balances.xlsx"): {
        "params": {"at": MONTH["to"]}},
    ("POST", "/v1/producers/{producer}/customers/{customer}/top-ups"): {
        "json": {"amount_cents": 1000}},
    ("GET", "/v1/producers/{producer}/customers/{customer}/top-ups"): {},
    ("GET", "/v1/producers/{producer}/customers/{customer}/top-ups/{top_up_id}"): {},
    ("POST", "/v1/producers/{producer}/bank/statements"): {
        "content": b"not a statement", "headers": {"Content-Type": "application/octet-stream"}},
    ("GET", "/v1/producers/{producer}/bank/transactions"): {},
    ("POST", "/v1/producers/{producer}/bank/transactions/{transaction_id}/confirm"): {},
    ("POST", "/v1/producers/{producer}/bank/transactions/{transaction_id}/ignore"): {},
    ("POST", "/v1/producers/{producer}/bank/transactions/{transaction_id}/undo"): {},
    ("POST", "/v1/producers/{producer}/bank/transactions/{transaction_id}/reassign"): {
        "json": {"customer_id": "c1"}},
    ("GET", "/v1/producers/{producer}/bank/payouts"): {},
}
CUSTOMER_ROUTES = {
    ("GET", "/v1/whoami"), ("GET", "/v1/me/account"),
    ("POST", "/v1/producers/{producer}/orders"),
    ("GET", "/v1/producers/{producer}/orders"),
    ("GET", "/v1/producers/{producer}/orders/{order_id}"),
    ("POST", "/v1/producers/{producer}/orders/{order_id}/payment-attempts"),
    ("GET", "/v1/producers/{producer}/orders/{order_id}/invoice"),
    ("GET", "/v1/producers/{producer}/orders/{order_id}/receipt"),
    ("GET", "/v1/producers/{producer}/credit-notes"),
    ("GET", "/v1/producers/{producer}/credit-notes/{number}"),
    ("GET", "/v1/producers/{producer}/invoices"),
    ("GET", "/v1/producers/{producer}/invoices/{number}"),
    ("POST", "/v1/producers/{producer}/customers/{customer}/top-ups"),
    ("GET", "/v1/producers/{producer}/customers/{customer}/top-ups"),
    ("GET", "/v1/producers/{producer}/customers/{customer}/top-ups/{top_up_id}"),
}
"""Where a customer may go, for itself only (API.md); every other route is the operator's."""
OWN_DATA_OF_THE_CALLER = {("GET", "/v1/whoami"), ("GET", "/v1/me/account"),
                          ("GET", "/v1/producers/{producer}/orders"),
                          ("GET", "/v1/producers/{producer}/credit-notes"),
                          ("GET", "/v1/producers/{producer}/invoices")}
"""Routes about the caller itself: a valid token of someone else gets its own answer, which must
still show nothing of the victim."""


async def documents(system) -> dict[str, dict]:
    async with httpx.AsyncClient(timeout=10) as client:
        return {gateway: (await client.get(f"{system.urls[gateway]}/openapi.json")).json()
                for gateway in GATEWAYS}


def routes(document: dict) -> dict[tuple[str, str], set[int]]:
    """Each operation of a document, with the statuses it documents."""
    return {(method.upper(), path): {int(s) for s in operation["responses"] if s.isdigit()}
            for path, item in document["paths"].items()
            for method, operation in item.items()
            if method in {"get", "post", "put", "delete", "patch"}}


def undocumented_routes(system, monkeypatch, gateway: str, document: dict) -> set[tuple]:
    """What the gateway serves that its document leaves out: its app built here from the same
    code as the running process, every route of every router (or mount) listed."""
    for name, value in system.env.items():
        monkeypatch.setenv(name, value)
    app = importlib.import_module(f"{gateway}.bootstrap").create_app()
    served = {(method, context.path) for context in iter_route_contexts(app.routes)
              for method in (context.methods or {"ANY"}) - {"HEAD"}}
    assert served >= set(routes(document)), "the document names a route the app does not serve"
    return served - set(routes(document))


def token(system, principal: Principal, **kwargs) -> dict[str, str]:
    secret = kwargs.pop("secret", system.env["ARDOISE_JWT_SECRET"])
    return {"Authorization": f"Bearer {issue_token(secret, principal, **kwargs)}"}


def by_the_issuer(system, principal: Principal, keys: SigningKeys | None = None,
                  **changes) -> dict[str, str]:
    """A token signed EdDSA as the system's issuer (the web) signs them, or with `keys`, with
    some claims changed (None: left out)."""
    keys = keys or SigningKeys(system.env["ARDOISE_SIGNING_KEYS"])
    now = int(time.time())
    claims = {**claims_of(principal, now, 600, system.urls["web"]), **changes}
    return {"Authorization": "Bearer " + keys.sign(
        {k: v for k, v in claims.items() if v is not None})}


def hmac_signed_with_the_public_key(system, principal: Principal) -> dict[str, str]:
    """The algorithm-confusion attack: HS256 keyed with the issuer's public key, its key id."""
    keys = SigningKeys(system.env["ARDOISE_SIGNING_KEYS"])
    public = keys.keys[0].private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)

    def part(value: bytes) -> str:
        return base64.urlsafe_b64encode(value).rstrip(b"=").decode()

    header = {"alg": "HS256", "typ": "JWT", "kid": keys.kid}
    claims = claims_of(principal, int(time.time()), 600, system.urls["web"])
    signing_input = f"{part(json.dumps(header).encode())}.{part(json.dumps(claims).encode())}"
    signature = hmac.new(public, signing_input.encode(), hashlib.sha256).digest()
    return {"Authorization": f"Bearer {signing_input}.{part(signature)}"}


async def revoked_operator(system, producer: str) -> dict[str, str]:
    """An operator of the producer whose access was revoked in the web, once every gateway has
    read the revocation (within a minute); its token is otherwise valid."""
    engine = make_engine(system.env["WEB_DATABASE_URL"], WEB_SCHEMA)
    db, now = make_sessionmaker(engine), datetime.now(UTC)
    try:
        person = await operators.add(db, producer, f"parti-{uuid.uuid4().hex[:6]}@example.org",
                                     "Ancien Salarié", "tests", now)
        await operators.revoke(db, producer, person.person_id, "tests", now)
    finally:
        await engine.dispose()
    headers = by_the_issuer(system, Principal("operator", producer, person=person.person_id,
                                              name="Ancien Salarié"))

    async def statuses() -> set[int]:
        async with httpx.AsyncClient(timeout=10, headers=headers) as client:
            return {(await client.get(f"{system.urls[g]}/v1/whoami")).status_code
                    for g in GATEWAYS}

    await eventually(statuses, lambda found: found == {401}, timeout_s=60)
    return headers


def forged(system, claims: dict, algorithm: str = "HS256", scheme: str = "Bearer") -> dict:
    """A token made by hand: the right secret, but claims or an algorithm API.md does not allow
    ("none": no signature at all; a claim given None is left out)."""
    secret = None if algorithm == "none" else system.env["ARDOISE_JWT_SECRET"]
    now = int(time.time())
    claims = {k: v for k, v in {"iat": now, "exp": now + 600, "aud": API_AUDIENCE,
                                **claims}.items() if v is not None}
    with warnings.catch_warnings():  # PyJWT finds the test secret short for HS512
        warnings.simplefilter("ignore")
        text = jwt.encode(claims, secret, algorithm=algorithm)
    return {"Authorization": f"{scheme} {text}"}


async def open_shop(system, producer: str, customer_name: str, amount: int) -> dict:
    """A customer c1 with a movement and a settled order, c2 without anything; returns the ids
    (and the month an archive of the journal would be asked for)."""
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
            "customer_id": "c1", "delivery_date": DELIVERED.isoformat(),
            "lines": [{"label": customer_name, "quantity": 1,
                                            "unit_price_cents": amount}]})
        assert answer.status_code == 201, answer.text
        order_id = answer.json()["order_id"]
        answer = await client.put(f"{u['payments']}/v1/producers/{producer}/orders/{order_id}"
                                  "/settlement", json={"mode": "cash"})
        assert answer.status_code == 200, answer.text
        answer = await client.put(f"{u['exports']}/v1/producers/{producer}/exports/settings",
                                  json={"name": customer_name, "email": "ferme@example.org"})
        assert answer.status_code == 200, answer.text
    return {"producer": producer, "customer": "c1", "order_id": order_id, "number": 1,
            "period": "month", "start": MONTH["from"],
            "top_up_id": uuid.UUID(int=1), "transaction_id": uuid.UUID(int=2)}


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
            client.get(f"{u['payments']}/v1/producers/{p}/payments", params={"week": WEEK}),
            client.get(f"{u['journal']}/v1/producers/{p}/journal/entries"),
            client.get(f"{u['journal']}/v1/producers/{p}/journal/settings"),
            client.get(f"{u['exports']}/v1/producers/{p}/exports/sales-by-mode.xlsx",
                       params=MONTH),
        )
    assert all(a.status_code == 200 for a in answers), [a.text[:200] for a in answers]
    workbook = load_workbook(BytesIO(answers[-1].content), read_only=True)
    return (*(a.text for a in answers[:-1]), workbook.properties.title)


def leaked(body: str, victim: dict) -> bool:
    """The victim's name, order id or amount; the amount as a whole number of its own, so that a
    metric's float (e.g. 0.0123471) is not taken for it."""
    return (any(secret in body for secret in (SECRET_NAME, victim["order_id"]))
            or re.search(rf"(?<![\d.e+]){SECRET_CENTS}(?![\d.e])", body) is not None)


ACCOUNT_PAGE = "/v1/producers/{producer}/customers/{customer}/account"
OF_AN_ACCOUNT = {("GET", ACCOUNT_PAGE),
                 ("GET", "/v1/producers/{producer}/customers/{customer}/credit-limit"),
                 ("PUT", "/v1/producers/{producer}/customers/{customer}/credit-limit"),
                 ("POST", "/v1/producers/{producer}/customers/{customer}/reminders")}
"""The operator's routes about one customer's account: another customer of the producer is told
there is no such account (404), as on the account page."""
INVALID_TOKEN, OTHER_PRODUCER, OTHER_CUSTOMER, ITSELF = "invalid", "other producer", "other", "self"


def expected(kind: str, route: tuple[str, str]) -> set[int]:
    """API.md: missing/invalid token 401; another producer's data 404; a customer only reaches
    its own account and orders (404 for another's, on the operator's page of that account too),
    and an operator's route is not for it (403). Ordering for another customer is 403: it reads
    nothing."""
    if kind == INVALID_TOKEN:
        return {401}
    if kind == OTHER_PRODUCER:
        return {404}
    if kind == OTHER_CUSTOMER and route in CUSTOMER_ROUTES:
        return {403} if route == ("POST", "/v1/producers/{producer}/orders") else {404}
    if kind == OTHER_CUSTOMER and route in OF_AN_ACCOUNT:
        return {404}
    return {403}


async def test_nobody_but_the_producer_and_its_customer_gets_through_any_route(
        system, producer_id, monkeypatch):
    victim = await open_shop(system, producer_id, SECRET_NAME, SECRET_CENTS)
    other = f"p-{uuid.uuid4().hex[:12]}"
    turn_tracking_on(system.urls, system.env["ARDOISE_JWT_SECRET"], other)
    await open_shop(system, other, "Autre Client", 999)
    docs = await documents(system)
    found = {gateway: routes(document) for gateway, document in docs.items()}
    protected = {route for gateway in found.values() for route in gateway} - PUBLIC
    assert protected == set(REQUESTS), (
        f"routes without a request here: {sorted(protected - set(REQUESTS))}; "
        f"requests for no route: {sorted(set(REQUESTS) - protected)}")
    hidden = {gateway: undocumented_routes(system, monkeypatch, gateway, docs[gateway])
              for gateway in GATEWAYS}
    assert all(pages <= {("GET", path) for path in UNDOCUMENTED_PUBLIC}
               for pages in hidden.values()), hidden
    # the victim's settlement reached every service: what a leak would show is in place
    before = await eventually(lambda: snapshot(system, victim), lambda s: (
        SECRET_NAME in s[4] and '"kind":"payment"' in s[1] and '"mode":"cash"' in s[2]
        and all(f'"kind":"{kind}"' in s[5] for kind in ("settlement", "payment", "movement"))
        and SECRET_NAME in s[5] and SECRET_NAME in s[-1]))

    me, p = Principal("operator", victim["producer"]), victim["producer"]
    me_named = Principal("operator", p, person="op-victime", name="Opératrice")
    callers = {
        "no token": (INVALID_TOKEN, {}),
        "expired token": (INVALID_TOKEN, token(system, me, lifetime_s=-60)),
        "token signed with another key": (INVALID_TOKEN,
                                          token(system, me, secret="not-the-secret-" * 3)),
        "unsigned token (alg none)": (INVALID_TOKEN, forged(
            system, {"role": "operator", "producer": p}, algorithm="none")),
        "token signed HS512 with the secret": (INVALID_TOKEN, forged(
            system, {"role": "operator", "producer": p}, algorithm="HS512")),
        "token without expiry": (INVALID_TOKEN, forged(
            system, {"role": "operator", "producer": p, "exp": None})),
        "token of an unknown role": (INVALID_TOKEN, forged(system, {"role": "admin",
                                                                    "producer": p})),
        "customer token naming no customer": (INVALID_TOKEN, forged(
            system, {"role": "customer", "producer": p})),
        "valid token, Basic scheme": (INVALID_TOKEN, forged(
            system, {"role": "operator", "producer": p}, scheme="Basic")),
        "garbage token": (INVALID_TOKEN, {"Authorization": "Bearer not.a.token"}),
        "issuer's token of another producer's operator": (OTHER_PRODUCER, by_the_issuer(
            system, Principal("operator", other, person="op-autre", name="Autre"))),
        "issuer's token for another audience": (INVALID_TOKEN, by_the_issuer(
            system, me_named, aud="ardoise-elsewhere")),
        "issuer's key, another issuer named": (INVALID_TOKEN, by_the_issuer(
            system, me_named, iss="https://login.example.org")),
        "issuer's token expired one second ago": (INVALID_TOKEN, by_the_issuer(
            system, me_named, iat=int(time.time()) - 601, nbf=None,
            exp=int(time.time()) - 1)),
        "issuer's token without expiry": (INVALID_TOKEN, by_the_issuer(system, me_named,
                                                                       exp=None)),
        "signed with a key rotated out (never published now)": (INVALID_TOKEN, by_the_issuer(
            system, me_named, keys=SigningKeys(new_key_pem()))),
        "HS256 signed with the issuer's public key": (INVALID_TOKEN,
                                                      hmac_signed_with_the_public_key(
                                                          system, me_named)),
        "revoked operator": (INVALID_TOKEN, await revoked_operator(system, p)),
        "operator of another producer": (OTHER_PRODUCER, token(system,
                                                               Principal("operator", other))),
        "customer of another producer": (OTHER_PRODUCER, token(
            system, Principal("customer", other, "c1"))),
        "another customer of the producer": (OTHER_CUSTOMER, token(
            system, Principal("customer", p, "c2"))),
        "the customer itself, on an operator route": (ITSELF, token(
            system, Principal("customer", p, "c1"))),
    }
    refused, leaks, wrong = Counter(), [], []
    async with httpx.AsyncClient(timeout=10) as client:
        for (method, template), request in sorted(REQUESTS.items()):
            gateway = next(g for g, r in found.items() if (method, template) in r)
            documented = found[gateway][(method, template)]
            path = template.format(**victim)
            kwargs = dict(request)
            if template.endswith(("/payments.xlsx", "/settlements")):
                kwargs["json"] = {**kwargs.get("json", {}), "order_ids": [victim["order_id"]]}
            for who, (kind, headers) in callers.items():
                if kind == ITSELF and (method, template) in CUSTOMER_ROUTES:
                    continue
                answer = await client.request(
                    method, f"{system.urls[gateway]}{path}",
                    headers={**kwargs.get("headers", {}), **headers},
                    **{k: v for k, v in kwargs.items() if k != "headers"})
                if kind != ITSELF and leaked(answer.content.decode("utf-8", "replace"), victim):
                    leaks.append((who, method, template, answer.status_code))
                if (method, template) in OWN_DATA_OF_THE_CALLER and kind != INVALID_TOKEN:
                    continue  # its own answer, checked for leaks above
                status, wanted = answer.status_code, expected(kind, (method, template))
                if (status not in wanted or status not in documented
                        or (status == 401 and answer.headers.get("WWW-Authenticate") != "Bearer")):
                    wrong.append((who, method, template, status, sorted(wanted)))
                else:
                    refused[status] += 1

        # the public routes: no token needed, and nothing of any tenant in what they show
        public_reads = 0
        for gateway in GATEWAYS:
            for method, page in sorted(hidden[gateway] | {("GET", "/health")}):
                answer = await client.request(method, f"{system.urls[gateway]}{page}")
                assert answer.status_code == 200, (gateway, page, answer.status_code)
                public_reads += 1
                if leaked(answer.text, victim):
                    leaks.append(("anyone", method, f"{gateway}{page}", answer.status_code))
        for notification in ({"event_type": "CHECKOUT_STATUS_CHANGED", "id": victim["order_id"]},
                             {"event_type": "CHECKOUT_STATUS_CHANGED", "id": str(uuid.uuid4())}):
            answer = await client.post(f"{system.urls['payments']}/v1/sumup/webhook",
                                       json=notification)
            assert (answer.status_code, answer.content) == (204, b""), answer.text
            public_reads += 1
    assert leaks == [], leaks
    assert wrong == [], wrong
    assert await snapshot(system, victim) == before, "a refused request changed something"
    undocumented = sum(len(pages) for pages in hidden.values())
    print(f"access: {len(GATEWAYS)} gateways, {len(REQUESTS)} protected routes x "
          f"{len(callers)} kinds of intruder, {sum(refused.values())} requests refused as API.md "
          f"says ({', '.join(f'{s}: {n}' for s, n in sorted(refused.items()))}), 0 let through, "
          f"0 leaks, 0 writes; {len(PUBLIC)} public routes and {undocumented} undocumented pages "
          f"read without a token ({public_reads} requests): 0 leaks")
