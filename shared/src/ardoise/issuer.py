"""The local issuer's keys: Ed25519 private keys, the first of which signs (EdDSA) and all of
which are published as a JWKS, so that a rotation publishes two keys and signs no one out.

A rotation, for an operator: put the new key first (`ardoise keys new` prints one) and keep the
old one after it; once the longest token signed with the old key has ended
(`MAX_SESSION_TOKEN_S`), drop it. Gateways fetch the keys again when a token names a key they
do not know, so the new key is accepted from its first token on."""

import base64
import hashlib
import json
import re
import time
from dataclasses import dataclass

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm

from ardoise.auth import API_AUDIENCE, Principal, claims_of

MAX_SESSION_TOKEN_S = 15 * 60
"""The longest a token the issuer signs lasts: a revoked session's token dies with it."""
SERVICE_TOKEN_S = 5 * 60
_PEM = re.compile(r"-----BEGIN PRIVATE KEY-----.+?-----END PRIVATE KEY-----", re.S)


def new_key_pem() -> str:
    """A new Ed25519 private key, PKCS#8 PEM."""
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()).decode()


def thumbprint(public_jwk: dict) -> str:
    """RFC 7638: the SHA-256 of the key's required members, the key's id."""
    members = {name: public_jwk[name] for name in ("crv", "kty", "x")}
    digest = hashlib.sha256(json.dumps(members, separators=(",", ":"),
                                       sort_keys=True).encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@dataclass(frozen=True)
class _Key:
    kid: str
    private: Ed25519PrivateKey
    public_jwk: dict


class SigningKeys:
    """The issuer's keys, read from PEM text holding one or more private keys."""

    def __init__(self, pem_text: str) -> None:
        blocks = _PEM.findall(pem_text)
        if not blocks:
            raise ValueError("no Ed25519 private key (PKCS#8 PEM) in the signing keys")
        self.keys: list[_Key] = []
        for block in blocks:
            private = serialization.load_pem_private_key(block.encode(), password=None)
            if not isinstance(private, Ed25519PrivateKey):
                raise ValueError("the signing keys must be Ed25519")
            public = json.loads(OKPAlgorithm.to_jwk(private.public_key()))
            kid = thumbprint(public)
            self.keys.append(_Key(kid, private, {**public, "kid": kid, "use": "sig",
                                                 "alg": "EdDSA"}))

    @property
    def kid(self) -> str:
        return self.keys[0].kid

    def jwks(self) -> dict:
        return {"keys": [key.public_jwk for key in self.keys]}

    def sign(self, claims: dict) -> str:
        key = self.keys[0]
        return jwt.encode(claims, key.private, algorithm="EdDSA", headers={"kid": key.kid})

    def token(self, issuer: str, principal: Principal, lifetime_s: int = MAX_SESSION_TOKEN_S,
              audience: str = API_AUDIENCE) -> str:
        """A token for this principal, of at most `MAX_SESSION_TOKEN_S`."""
        lifetime_s = min(lifetime_s, MAX_SESSION_TOKEN_S)
        return self.sign(claims_of(principal, int(time.time()), lifetime_s, issuer, audience))
