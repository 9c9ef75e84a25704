"""Tokens for the two roles."""

import time

import jwt
import pytest

from ardoise.auth import Principal, Unauthenticated, issue_token, read_token

SECRET = "a-test-secret-of-reasonable-length"


def test_an_operator_token_reads_back_as_that_producers_operator():
    token = issue_token(SECRET, Principal("operator", "ferme-a"))
    assert read_token(SECRET, token) == Principal("operator", "ferme-a")


def test_a_customer_token_reaches_only_its_own_account():
    principal = read_token(SECRET, issue_token(SECRET, Principal("customer", "ferme-a", "c1")))
    assert principal.can_reach_customer("ferme-a", "c1")
    assert not principal.can_reach_customer("ferme-a", "c2")
    assert not principal.can_reach_customer("ferme-b", "c1")


@pytest.mark.parametrize(
    "token",
    [
        "not-a-jwt",
        issue_token("another-secret-of-reasonable-length", Principal("operator", "ferme-a")),
        issue_token(SECRET, Principal("operator", "ferme-a"), lifetime_s=-10),
        jwt.encode({"role": "admin", "producer": "x", "exp": time.time() + 60}, SECRET),
        jwt.encode({"role": "customer", "producer": "x", "exp": time.time() + 60}, SECRET),
        jwt.encode({"role": "operator", "producer": "x"}, SECRET),
    ],
    ids=["garbage", "other-key", "expired", "unknown-role", "customer-without-id", "no-expiry"],
)
def test_bad_tokens_are_refused(token):
    with pytest.raises(Unauthenticated):
        read_token(SECRET, token)
