"""Sign-in on the running system: the web is the issuer (its key signs EdDSA tokens of at most
15 minutes; the gateways find its keys from its address alone), people are named, services
call each other with their own scoped tokens, and a revoked operator is refused everywhere
within a minute."""

import re
import time

import httpx

from ardoise.auth import Principal
from ardoise.issuer import SigningKeys
from ardoise_tools.devservers.stack import SERVICES

from .test_web_signin import login_link, signed_in


def issuer_token(system, principal: Principal, lifetime_s: int = 900) -> str:
    return SigningKeys(system.env["ARDOISE_SIGNING_KEYS"]).token(system.urls["web"], principal,
                                                                 lifetime_s)


def test_the_issuers_token_names_the_person_on_every_gateway(system, producer_id):
    lea = Principal("operator", producer_id, person="op-lea", name="Léa Martin")
    token = issuer_token(system, lea, lifetime_s=3600)
    for service in SERVICES:
        answer = httpx.get(f"{system.urls[service]}/v1/whoami", timeout=10,
                           headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200, (service, answer.text)
        assert (answer.json()["person"], answer.json()["name"]) == ("op-lea", "Léa Martin")
    claims = httpx.get(f"{system.urls['web']}/.well-known/openid-configuration").json()
    assert claims["issuer"] == system.urls["web"]
    keys = httpx.get(claims["jwks_uri"]).json()["keys"]
    assert [key["alg"] for key in keys] == ["EdDSA"] and "d" not in keys[0]  # public only


def _service_token(system, client_id: str, secret: str) -> httpx.Response:
    return httpx.post(f"{system.urls['web']}/oauth/token", timeout=10, data={
        "grant_type": "client_credentials", "client_id": client_id, "client_secret": secret})


def test_a_service_gets_a_token_of_its_scopes_only(system, producer_id):
    assert _service_token(system, "orders", "not-the-secret-at-all").status_code == 401
    answer = _service_token(system, "orders", system.env["ARDOISE_CLIENT_SECRET"])
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["token_type"], body["scope"], body["expires_in"]) == ("Bearer",
                                                                       "accounts:read", 300)
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    base = f"/v1/producers/{producer_id}"
    with httpx.Client(timeout=10, headers=headers) as client:
        # what orders needs: a customer's account and standing (404: not registered)
        assert client.get(f"{system.urls['accounts']}{base}/customers/c1/account"
                          ).status_code == 404
        assert client.get(f"{system.urls['accounts']}{base}/credit-limits").status_code == 200
        # nothing else: no writing a movement, no reading the orders or payments
        assert client.post(f"{system.urls['accounts']}{base}/customers/c1/movements", json={
            "direction": "credit", "amount_cents": 100, "label": "x"}).status_code in (403, 404)
        assert client.get(f"{system.urls['orders']}{base}/orders").status_code == 404
        assert client.get(f"{system.urls['payments']}{base}/settings").status_code == 404


def test_a_revoked_operator_is_signed_out_and_refused_by_every_gateway(system, producer_id):
    lea = signed_in(system, login_link(system, "operator", producer_id, "lea@example.org",
                                       "--name", "Léa Martin"))
    page = lea.get("/equipe")
    assert page.status_code == 200 and "Léa Martin" in page.text and "(vous)" in page.text
    csrf = _csrf(page.text)
    added = lea.post("/equipe", data={"csrf": csrf, "email": "paul@example.org",
                                      "name": "Paul Durand"})
    assert added.status_code == 303, added.text
    paul = signed_in(system, login_link(system, "operator", producer_id, "paul@example.org"))
    assert paul.get("/clients").status_code == 200
    team = lea.get("/equipe").text
    person = _person_of(team, "Paul Durand")
    token = issuer_token(system, Principal("operator", producer_id, person=person,
                                           name="Paul Durand"))
    urls = [f"{system.urls[service]}/v1/whoami" for service in SERVICES]
    assert all(httpx.get(url, headers={"Authorization": f"Bearer {token}"}).status_code == 200
               for url in urls)

    revoked = lea.post(f"/equipe/{person}/revoquer", data={"csrf": csrf})
    assert revoked.status_code == 303, revoked.text
    started = time.monotonic()
    assert paul.get("/clients").headers.get("location") == "/connexion"  # at once
    refused: dict[str, float] = {}
    while len(refused) < len(urls) and time.monotonic() - started < 65:
        for url in urls:
            if url not in refused and httpx.get(
                    url, headers={"Authorization": f"Bearer {token}"}).status_code == 401:
                refused[url] = time.monotonic() - started
        time.sleep(0.5)
    print(f"revocation: refused by {len(refused)}/{len(urls)} gateways, the last after "
          f"{max(refused.values(), default=0):.1f} s")
    # each gateway reads the list at most every ARDOISE_AUTH_REVOCATIONS_EVERY_S (5 s here)
    every_s = float(system.env["ARDOISE_AUTH_REVOCATIONS_EVERY_S"])
    assert len(refused) == len(urls) and max(refused.values()) < every_s + 3, refused
    assert "Retiré le" in lea.get("/equipe").text


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html)[1]


def _person_of(html: str, name: str) -> str:
    row = next(row for row in html.split("<tr>") if name in row)
    return re.search(r'/equipe/(op-[0-9a-f]+)/revoquer', row)[1]
