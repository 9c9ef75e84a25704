"""Asking the accounts gateway for a balance: the figure, 0 without an account, None when it
cannot say."""

import httpx
import pytest

from ardoise.auth import read_token
from orders.adapters.accounts_client import AccountsClient

SECRET = "a-unit-test-secret-of-32-bytes-at-least"


def client(handler) -> AccountsClient:
    return AccountsClient("http://accounts/", SECRET, transport=httpx.MockTransport(handler))


async def test_the_balance_is_asked_with_the_orders_services_own_token():
    seen = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"balance_cents": -2000, "movements": []})

    assert await client(answer).balance_cents("ferme-a", "c1") == -2000
    [request] = seen
    assert request.url.path == "/v1/producers/ferme-a/customers/c1/account"
    assert request.url.params["limit"] == "1"
    principal = read_token(SECRET, request.headers["Authorization"].removeprefix("Bearer "))
    assert (principal.role, principal.person, principal.scopes) == (
        "service", "orders", frozenset({"accounts:read"}))
    assert not principal.can_reach_producer("ferme-a")  # only the routes naming its scope


async def test_a_customer_without_an_account_yet_has_a_balance_of_0():
    assert await client(lambda r: httpx.Response(404, json={"detail": "x"})).balance_cents(
        "ferme-a", "c1") == 0


def refuse(request):
    raise httpx.ConnectError("connection refused")


def time_out(request):
    raise httpx.ReadTimeout("too slow")


@pytest.mark.parametrize("handler", [
    refuse, time_out, lambda r: httpx.Response(503, json={"detail": "down"}),
    lambda r: httpx.Response(200, text="<html>proxy error</html>"),
    lambda r: httpx.Response(200, json={"balance": 5}),
    lambda r: httpx.Response(200, json={"balance_cents": "5"})])
async def test_when_the_accounts_service_cannot_say_the_balance_is_unknown(handler):
    assert await client(handler).balance_cents("ferme-a", "c1") is None


async def test_the_customers_name_comes_with_its_balance_and_is_none_when_unsaid():
    figures = await client(lambda r: httpx.Response(200, json={
        "name": "Élise Martin", "balance_cents": 500, "movements": []})).customer("ferme-a", "c1")
    assert (figures.name, figures.balance_cents) == ("Élise Martin", 500)
    blank = await client(lambda r: httpx.Response(200, json={"name": " ", "balance_cents": 0})
                         ).customer("ferme-a", "c1")
    assert blank.name is None
    down = await client(lambda r: httpx.Response(503)).customer("ferme-a", "c1")
    assert (down.name, down.balance_cents) == (None, None)
