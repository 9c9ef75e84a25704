"""Bearer JWT (HS256) for the two roles: operator of a producer, customer of a producer."""

import time
from dataclasses import dataclass
from typing import Literal

import jwt

TOKEN_LIFETIME_S = 30 * 24 * 3600


class Unauthenticated(Exception):
    """No token, or one that is expired, malformed or signed with another key."""


@dataclass(frozen=True)
class Principal:
    """Who is calling: a producer's operator, or one customer of a producer."""

    role: Literal["operator", "customer"]
    producer_id: str
    customer_id: str | None = None

    def can_reach_producer(self, producer_id: str) -> bool:
        return self.producer_id == producer_id

    def can_reach_customer(self, producer_id: str, customer_id: str) -> bool:
        if not self.can_reach_producer(producer_id):
            return False
        return self.role == "operator" or self.customer_id == customer_id


def issue_token(secret: str, principal: Principal, lifetime_s: int = TOKEN_LIFETIME_S) -> str:
    """Sign a token for local use and tests (the real issuer is the shop's login)."""
    now = int(time.time())
    claims: dict[str, object] = {
        "role": principal.role,
        "producer": principal.producer_id,
        "iat": now,
        "exp": now + lifetime_s,
    }
    if principal.customer_id is not None:
        claims["customer"] = principal.customer_id
    return jwt.encode(claims, secret, algorithm="HS256")


def read_token(secret: str, token: str) -> Principal:
    """Verify signature and expiry, and check the claims fit one of the two roles."""
    try:
        claims = jwt.decode(
            token, secret, algorithms=["HS256"], options={"require": ["exp", "role", "producer"]}
        )
    except jwt.PyJWTError as error:
        raise Unauthenticated(str(error)) from error
    role, producer = claims.get("role"), claims.get("producer")
    customer = claims.get("customer")
    if not isinstance(producer, str) or not producer:
        raise Unauthenticated("token names no producer")
    if role == "operator":
        return Principal("operator", producer)
    if role == "customer" and isinstance(customer, str) and customer:
        return Principal("customer", producer, customer)
    raise Unauthenticated("token has no valid role")
