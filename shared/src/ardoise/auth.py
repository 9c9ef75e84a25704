"""Bearer tokens: who is calling (an operator of a producer, a named person; a customer of a
producer; or another service, for the scopes it was given).

In production a gateway verifies tokens signed with EdDSA or ES256 by the issuer whose public
keys (JWKS) it fetches: `iss`, `aud`, `exp`, `nbf` and `iat` are checked, with a small leeway.
HS256 with a shared secret is a development setting only (`ARDOISE_AUTH_DEV_HS256`), off in
compose and Kubernetes; `issue_token` makes such tokens for local use and tests."""

import time
from dataclasses import dataclass, field
from typing import Literal

import jwt

TOKEN_LIFETIME_S = 30 * 24 * 3600
"""A development token's lifetime (`ardoise token`); the issuer's last at most 15 minutes."""
API_AUDIENCE = "ardoise-api"
"""One audience for the whole API: a signed-in person's token is good on every gateway (the
frontends call several for one page), and nowhere else. What tells the gateways apart is the
role and, for services, the scopes."""
LEEWAY_S = 30
"""Clocks of the issuer and the gateways may differ by this much."""
ASYMMETRIC = ("EdDSA", "ES256")
DEV_ALGORITHM = "HS256"

Role = Literal["operator", "customer", "service"]


class Unauthenticated(Exception):
    """No token, or one that is expired, malformed, signed with another key or revoked."""


@dataclass(frozen=True)
class Principal:
    """Who is calling: a producer's operator (a person), one customer of a producer, or another
    service acting within its scopes."""

    role: Role
    producer_id: str
    customer_id: str | None = None
    person: str | None = None
    """The operator's `sub` (a stable id), or the service's name."""
    name: str | None = None
    """How the person is shown in the history: a name, else an e-mail address."""
    scopes: frozenset[str] = field(default_factory=frozenset)
    """A service's: the routes it may call (`accounts:read`, `orders:read`…)."""

    def can_reach_producer(self, producer_id: str) -> bool:
        return self.role != "service" and self.producer_id == producer_id

    def can_reach_customer(self, producer_id: str, customer_id: str) -> bool:
        if not self.can_reach_producer(producer_id):
            return False
        return self.role == "operator" or self.customer_id == customer_id

    def may(self, scope: str) -> bool:
        """A service given this scope (a route that a service calls names the one it needs)."""
        return self.role == "service" and scope in self.scopes

    @property
    def actor(self) -> str:
        """Who did it, as the history and the workbooks show it."""
        if self.role == "operator":
            return self.name or self.person or "opérateur"
        if self.role == "customer":
            return f"client {self.customer_id}"
        return f"service {self.person}"


def claims_of(principal: Principal, now: int, lifetime_s: int, issuer: str | None = None,
              audience: str = API_AUDIENCE) -> dict[str, object]:
    """The claims a token for this principal carries."""
    claims: dict[str, object] = {"role": principal.role, "aud": audience, "iat": now,
                                 "nbf": now, "exp": now + lifetime_s}
    if issuer is not None:
        claims["iss"] = issuer
    if principal.role != "service":
        claims["producer"] = principal.producer_id
    if principal.customer_id is not None:
        claims["customer"] = principal.customer_id
    if principal.person is not None:
        claims["sub"] = principal.person
    if principal.name is not None:
        claims["name"] = principal.name
    if principal.scopes:
        claims["scope"] = " ".join(sorted(principal.scopes))
    return claims


def issue_token(secret: str, principal: Principal, lifetime_s: int = TOKEN_LIFETIME_S) -> str:
    """An HS256 token for development and tests (accepted only where the development setting
    is on); the issuer signs real ones with its private key."""
    return jwt.encode(claims_of(principal, int(time.time()), lifetime_s), secret,
                      algorithm=DEV_ALGORITHM)


def principal_of(claims: dict) -> Principal:
    """The caller the verified claims describe, when they fit one of the three roles."""
    role, producer = claims.get("role"), claims.get("producer")
    person, name = claims.get("sub"), claims.get("name")
    person = person if isinstance(person, str) and person else None
    name = name if isinstance(name, str) and name.strip() else None
    if role == "service":
        scope = claims.get("scope")
        if person is None or not isinstance(scope, str) or not scope.split():
            raise Unauthenticated("service token names no service or no scope")
        return Principal("service", "", person=person, scopes=frozenset(scope.split()))
    if not isinstance(producer, str) or not producer:
        raise Unauthenticated("token names no producer")
    if role == "operator":
        return Principal("operator", producer, person=person, name=name)
    customer = claims.get("customer")
    if role == "customer" and isinstance(customer, str) and customer:
        return Principal("customer", producer, customer, person=person)
    raise Unauthenticated("token has no valid role")


def decode(token: str, key, algorithms: list[str], audience: str,
           issuer: str | None = None) -> dict:
    """The verified claims: signature, `aud`, `iss` (when given), `nbf` and `iat` with
    `LEEWAY_S` for clocks that differ, `exp` to the second (a token expired one second ago is
    refused: the issuer's are renewed well before they end)."""
    required = ["exp", "iat", "role", "aud"] + (["iss"] if issuer is not None else [])
    try:
        claims = jwt.decode(token, key, algorithms=algorithms, audience=audience, issuer=issuer,
                            leeway=LEEWAY_S, options={"require": required, "verify_exp": False})
    except jwt.PyJWTError as error:
        raise Unauthenticated(str(error)) from error
    expiry = claims["exp"]
    if not isinstance(expiry, int | float) or expiry <= time.time():
        raise Unauthenticated("Signature has expired")
    return claims


def read_token(secret: str, token: str, audience: str = API_AUDIENCE) -> Principal:
    """An HS256 development token."""
    return principal_of(decode(token, secret, [DEV_ALGORITHM], audience))
