"""A token already verified is taken from memory while it is valid, and only then."""

import json
import time

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm

from ardoise import token_verifier
from ardoise.auth import API_AUDIENCE, Principal, Unauthenticated, issue_token
from ardoise.token_verifier import KeySet, TokenVerifier

SECRET = "s" * 32


@pytest.fixture
def decodes(monkeypatch) -> list[str]:
    """The tokens whose signature and claims were checked, in order."""
    checked: list[str] = []
    decode = token_verifier.decode

    def counted(token, *args, **kwargs):
        checked.append(token)
        return decode(token, *args, **kwargs)

    monkeypatch.setattr(token_verifier, "decode", counted)
    return checked


async def test_a_token_is_verified_once_then_read_from_memory(decodes):
    verifier = TokenVerifier(dev_secret=SECRET)
    token = issue_token(SECRET, Principal("customer", "ferme-a", "c1"))
    principals = [await verifier.read(token) for _ in range(3)]
    assert principals == [Principal("customer", "ferme-a", "c1")] * 3
    assert decodes == [token]


async def test_a_kept_token_is_refused_once_it_expired(decodes, monkeypatch):
    verifier = TokenVerifier(dev_secret=SECRET)
    token = issue_token(SECRET, Principal("operator", "ferme-a", person="op-1"), lifetime_s=60)
    await verifier.read(token)
    later = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: later)
    with pytest.raises(Unauthenticated, match="expired"):
        await verifier.read(token)
    assert decodes == [token, token], "checked again, and refused by the check"


async def test_a_token_refused_is_never_kept(decodes):
    verifier = TokenVerifier(dev_secret=SECRET)
    forged = issue_token("another-secret-another-secret-xx", Principal("customer", "ferme-a", "c1"))
    for _ in range(2):
        with pytest.raises(Unauthenticated):
            await verifier.read(forged)
    assert decodes == [forged, forged]


async def test_the_oldest_kept_token_makes_room(decodes, monkeypatch):
    monkeypatch.setattr(TokenVerifier, "KEPT", 2)
    verifier = TokenVerifier(dev_secret=SECRET)
    first, second, third = (issue_token(SECRET, Principal("customer", "ferme-a", f"c{n}"))
                            for n in range(3))
    for token in (first, second, third, third, second, first):
        await verifier.read(token)
    assert decodes == [first, second, third, first], "the first was dropped for the third"


async def test_a_kept_token_whose_key_the_issuer_withdrew_is_refused(decodes):
    signing = Ed25519PrivateKey.generate()
    public = jwt.PyJWK.from_dict({**json.loads(OKPAlgorithm.to_jwk(signing.public_key())),
                                  "kid": "k1", "alg": "EdDSA"})
    # the issuer publishes no key any more (a read of its keys finds none)
    issuer = httpx.AsyncClient(transport=httpx.MockTransport(
        lambda request: httpx.Response(200, json={"keys": []})))
    keys = KeySet(client=issuer, jwks_url="https://issuer.example/keys")
    keys.keys, keys.fetched_at = {"k1": public}, time.monotonic()
    verifier = TokenVerifier(keys=keys)
    now = int(time.time())
    token = jwt.encode({"aud": API_AUDIENCE, "role": "operator", "producer": "ferme-a",
                        "sub": "op-1", "iat": now, "exp": now + 300}, signing,
                       algorithm="EdDSA", headers={"kid": "k1"})
    assert (await verifier.read(token)).person == "op-1"
    assert (await verifier.read(token)).person == "op-1"
    assert decodes == [token]
    keys.keys = {}  # the keys as the issuer publishes them now (read just now)
    with pytest.raises(Unauthenticated, match="unknown signing key"):
        await verifier.read(token)
