"""A gateway verifies tokens of an OpenID Connect provider found by its address alone: a local
provider started here (ES256 keys, discovery, JWKS over real HTTP), the gateway configured with
`ARDOISE_AUTH_ISSUER` and nothing else. Every token the access rules must refuse is refused;
a key rotation under load refuses no valid token; a revoked operator is refused at its next
request once the list is read."""

import asyncio
import base64
import hashlib
import hmac
import json
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator

import httpx
import jwt
import pytest
import uvicorn
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from jwt.algorithms import ECAlgorithm

from ardoise.auth import API_AUDIENCE
from ardoise.auth_setup import token_verifier
from ardoise.gateway import install_error_handlers, install_whoami
from ardoise.settings import ServiceSettings
from ardoise.token_verifier import KeySet, Revocations


class Provider:
    """An OpenID Connect provider of a platform: ES256 keys it publishes and signs with."""

    def __init__(self) -> None:
        self.url = ""
        self.published: list[tuple[str, ec.EllipticCurvePrivateKey]] = []
        self.revoked: list[str] = []
        self.jwks_reads = 0
        app = FastAPI()
        app.get("/.well-known/openid-configuration")(self.configuration)
        app.get("/keys")(self.keys)
        app.get("/revoked")(self.revocations)
        self.app = app

    def new_key(self, kid: str) -> tuple[str, ec.EllipticCurvePrivateKey]:
        return kid, ec.generate_private_key(ec.SECP256R1())

    async def configuration(self) -> JSONResponse:
        return JSONResponse({"issuer": self.url, "jwks_uri": f"{self.url}/keys"})

    async def keys(self) -> JSONResponse:
        self.jwks_reads += 1
        return JSONResponse({"keys": [{**json.loads(ECAlgorithm.to_jwk(key.public_key())),
                                       "kid": kid, "alg": "ES256", "use": "sig"}
                                      for kid, key in self.published]})

    async def revocations(self) -> JSONResponse:
        return JSONResponse({"revoked": [{"sub": sub, "at": "2026-12-05T00:00:00Z"}
                                         for sub in self.revoked]})

    def token(self, key: tuple[str, ec.EllipticCurvePrivateKey], **changes) -> str:
        now = int(time.time())
        claims = {"iss": self.url, "aud": API_AUDIENCE, "sub": "op-lea", "name": "Léa Martin",
                  "role": "operator", "producer": "ferme-a", "iat": now, "nbf": now,
                  "exp": now + 300, **changes}
        claims = {name: value for name, value in claims.items() if value is not None}
        return jwt.encode(claims, key[1], algorithm="ES256", headers={"kid": key[0]})


@pytest.fixture
async def provider() -> AsyncIterator[Provider]:
    """Served by uvicorn in a thread of its own, as another machine would serve it."""
    found = Provider()
    server = uvicorn.Server(uvicorn.Config(found.app, host="127.0.0.1", port=0,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        await asyncio.sleep(0.01)
    found.url = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    yield found
    server.should_exit = True
    await asyncio.to_thread(thread.join, 10)


@pytest.fixture
async def gateway(provider) -> AsyncIterator[httpx.AsyncClient]:
    """A gateway configured by the provider's address alone (no development HS256)."""
    settings = ServiceSettings(auth_issuer=provider.url, auth_dev_hs256=False,
                               auth_revocations_url=f"{provider.url}/revoked")
    app = FastAPI()
    install_error_handlers(app)
    install_whoami(app)
    async with httpx.AsyncClient(timeout=5) as outbound:
        app.state.verifier = token_verifier(settings, outbound)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://gateway") as client:
            client.app = app
            yield client


async def whoami(gateway, token: str) -> httpx.Response:
    return await gateway.get("/v1/whoami", headers={"Authorization": f"Bearer {token}"})


async def test_the_providers_token_names_the_person_and_its_producer(provider, gateway):
    key = provider.new_key("k1")
    provider.published = [key]
    answer = await whoami(gateway, provider.token(key))
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"role": "operator", "producer_id": "ferme-a", "customer_id": None,
                             "person": "op-lea", "name": "Léa Martin"}


def _hmac_signed(header: dict, claims: dict, secret: bytes) -> str:
    """The algorithm-confusion attack by hand (PyJWT itself refuses to sign it)."""
    def part(value: bytes) -> str:
        return base64.urlsafe_b64encode(value).rstrip(b"=").decode()
    signing_input = f"{part(json.dumps(header).encode())}.{part(json.dumps(claims).encode())}"
    digest = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{part(digest)}"


def _public_pem(key) -> bytes:
    return key[1].public_key().public_bytes(serialization.Encoding.PEM,
                                            serialization.PublicFormat.SubjectPublicKeyInfo)


async def test_every_token_it_must_not_trust_is_refused(provider, gateway):
    key, stranger, gone = provider.new_key("k1"), provider.new_key("k1"), provider.new_key("k0")
    provider.published = [key]
    now = int(time.time())
    refused = {
        "another issuer": provider.token(key, iss="https://login.example.org"),
        "the same key id, another provider's key": provider.token(stranger),
        "another audience": provider.token(key, aud="ardoise-accounts-only"),
        "no audience": provider.token(key, aud=None),
        "expired one second ago": provider.token(key, iat=now - 301, nbf=now - 301,
                                                 exp=now - 1),
        "not valid for another minute": provider.token(key, nbf=now + 60),
        "issued in the future": provider.token(key, iat=now + 120),
        "without expiry": provider.token(key, exp=None),
        "alg none": jwt.encode({"iss": provider.url, "aud": API_AUDIENCE, "role": "operator",
                                "producer": "ferme-a", "iat": now, "exp": now + 60}, None,
                               algorithm="none"),
        "HS256 signed with the public key": _hmac_signed(
            {"alg": "HS256", "typ": "JWT", "kid": "k1"},
            {"iss": provider.url, "aud": API_AUDIENCE, "role": "operator",
             "producer": "ferme-a", "iat": now, "exp": now + 60}, _public_pem(key)),
        "a key rotated out": provider.token(gone),
        "no key id": jwt.encode({"iss": provider.url, "aud": API_AUDIENCE, "role": "operator",
                                 "producer": "ferme-a", "iat": now, "exp": now + 60},
                                key[1], algorithm="ES256"),
    }
    answers = {name: (await whoami(gateway, token)).status_code
               for name, token in refused.items()}
    assert answers == {name: 401 for name in refused}
    # within the leeway for clocks that differ, a token of a moment ago is fine
    assert (await whoami(gateway, provider.token(key, iat=now + 20, nbf=now + 20))
            ).status_code == 200


async def test_made_up_key_ids_do_not_make_the_gateway_hammer_the_provider(provider, gateway):
    key = provider.new_key("k1")
    provider.published = [key]
    assert (await whoami(gateway, provider.token(key))).status_code == 200
    reads = provider.jwks_reads
    for number in range(200):
        assert (await whoami(gateway, provider.token(provider.new_key(f"x{number}")))
                ).status_code == 401
    assert provider.jwks_reads - reads <= 1  # at most once per KeySet.MIN_REFRESH_S


async def test_a_key_published_and_signing_at_once_is_read_at_once_but_once(provider,
                                                                             gateway):
    """An issuer that publishes its new key and signs with it in the same instant: the gateway
    read the keys a moment before, yet the first token of the new key is accepted (one read
    more); a made-up key id right after reads nothing (the rate is spent)."""
    old, new = provider.new_key("2026-11"), provider.new_key("2026-12")
    provider.published = [old]
    assert (await whoami(gateway, provider.token(old))).status_code == 200
    reads = provider.jwks_reads
    provider.published = [new, old]
    assert (await whoami(gateway, provider.token(new))).status_code == 200
    assert provider.jwks_reads == reads + 1
    assert (await whoami(gateway, provider.token(provider.new_key("made-up")))
            ).status_code == 401
    assert provider.jwks_reads == reads + 1


async def test_a_key_rotation_under_load_refuses_no_valid_token(provider, gateway,
                                                                monkeypatch):
    """Old key published and signing; then the new one signs while both are published; then the
    old one is gone. Shoppers keep calling throughout with the token of the moment."""
    monkeypatch.setattr(KeySet, "MIN_REFRESH_S", 0.2)
    old, new = provider.new_key("2026-11"), provider.new_key("2026-12")
    provider.published, signing = [old], [old]
    statuses: Counter = Counter()
    stop = asyncio.Event()

    async def shopper() -> None:
        while not stop.is_set():
            token = provider.token(signing[0])
            statuses[(await whoami(gateway, token)).status_code] += 1
            await asyncio.sleep(0.005)  # a shopper's next click; the provider runs meanwhile

    shoppers = [asyncio.create_task(shopper()) for _ in range(20)]
    await asyncio.sleep(0.5)
    provider.published, signing[0] = [new, old], new  # the rotation: the new key signs at once
    await asyncio.sleep(0.5)
    provider.published = [new]  # the old key's tokens all ended: dropped
    await asyncio.sleep(0.5)
    stop.set()
    await asyncio.gather(*shoppers)
    print(f"rotation: {sum(statuses.values())} requests by 20 shoppers, {dict(statuses)}, "
          f"{provider.jwks_reads} reads of the keys")
    assert set(statuses) == {200} and sum(statuses.values()) > 100
    # once the gateway reads the keys again (at most KeySet.MAX_AGE_S later), the old is gone
    monkeypatch.setattr(KeySet, "MAX_AGE_S", 0.1)
    await asyncio.sleep(0.2)
    assert (await whoami(gateway, provider.token(new))).status_code == 200
    assert (await whoami(gateway, provider.token(old))).status_code == 401


async def test_a_revoked_operator_is_refused_at_its_next_request(provider, gateway,
                                                                 monkeypatch):
    monkeypatch.setattr(Revocations, "EVERY_S", 0.3)
    key = provider.new_key("k1")
    provider.published = [key]
    token = provider.token(key)
    assert (await whoami(gateway, token)).status_code == 200
    provider.revoked = ["op-lea"]
    await asyncio.sleep(0.4)
    answer = await whoami(gateway, token)
    assert answer.status_code == 401 and "revoked" in answer.json()["detail"]
    other = provider.token(key, sub="op-paul", name="Paul")
    assert (await whoami(gateway, other)).status_code == 200


def test_the_revocations_are_read_at_least_every_minute():
    assert Revocations.EVERY_S <= 60


def test_a_gateway_reads_the_revocations_as_often_as_its_setting_says(monkeypatch):
    monkeypatch.setenv("ARDOISE_AUTH_REVOCATIONS_EVERY_S", "5")
    settings = ServiceSettings(jwt_secret="a-secret-of-some-length-00", auth_dev_hs256=True,
                               auth_revocations_url="http://web/auth/revocations")
    assert token_verifier(settings, httpx.AsyncClient()).revocations._every_s == 5
    monkeypatch.delenv("ARDOISE_AUTH_REVOCATIONS_EVERY_S")
    settings = ServiceSettings(jwt_secret="a-secret-of-some-length-00", auth_dev_hs256=True,
                               auth_revocations_url="http://web/auth/revocations")
    assert token_verifier(settings, httpx.AsyncClient()).revocations._every_s == 30
    monkeypatch.setenv("ARDOISE_AUTH_REVOCATIONS_EVERY_S", "300")
    with pytest.raises(ValueError, match="60"):  # never more than a minute
        ServiceSettings(jwt_secret="a-secret-of-some-length-00")


def test_a_gateway_with_no_issuer_and_no_development_setting_does_not_start():
    settings = ServiceSettings(auth_dev_hs256=False, jwt_secret="a-secret-of-some-length-00")
    with pytest.raises(ValueError, match="ARDOISE_AUTH_ISSUER"):
        token_verifier(settings, httpx.AsyncClient())
