"""The credit limit at placement: an order that would take the available balance below the
limit is refused (409 naming both in euros, nothing written) or paid online, the producer's
choice; never checked when the accounts service cannot say, nor without a limit or tracking."""

import uuid
from datetime import UTC, date, datetime

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ardoise.auth import read_token
from ardoise.errors import Conflict
from ardoise.money import format_cents
from orders.adapters.accounts_client import AccountsClient
from orders.domain.credit_limit import (
    ONLINE_PAYMENT,
    REFUSE,
    CreditLimitReached,
    CreditStanding,
    paid_online_for_limit,
)
from orders.domain.order import Line
from orders.service_layer import handlers

from .fakes import FakeUnitOfWork, Store

P = "ferme-a"
DAY = date(2026, 11, 25)
PLACED_AT = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)
SECRET = "a-unit-test-secret-of-32-bytes-at-least"
available = st.integers(-10**11, 10**11)
limit = st.integers(0, 10**11)
total = st.integers(1, 10**11)
choice = st.sampled_from([REFUSE, ONLINE_PAYMENT])


def standing(available_cents: int, limit_cents: int | None, over_limit: str = REFUSE,
             tracking: bool = True) -> CreditStanding:
    return CreditStanding(available_cents, limit_cents, over_limit, tracking)


def test_at_40_euros_owed_under_a_50_euro_limit_an_order_of_20_is_refused_naming_both():
    with pytest.raises(CreditLimitReached) as refused:
        paid_online_for_limit(standing(-4000, 5000), 2000, online_payment_required=False)
    assert isinstance(refused.value, Conflict)
    assert refused.value.message == (
        "this order would take the available balance to -60,00 €, below the limit of "
        "-50,00 € set by the producer (available now: -40,00 €); pay what is owed, or order "
        "less")


def test_an_order_reaching_the_limit_exactly_is_within_it():
    assert paid_online_for_limit(standing(-3000, 5000), 2000, False) is False
    with pytest.raises(CreditLimitReached):
        paid_online_for_limit(standing(-3000, 5000), 2001, False)


def test_over_the_limit_with_online_payment_chosen_the_order_is_paid_online():
    assert paid_online_for_limit(standing(-4000, 5000, ONLINE_PAYMENT), 2000, False) is True


def test_a_limit_of_0_allows_no_debt():
    assert paid_online_for_limit(standing(2000, 0), 2000, False) is False
    with pytest.raises(CreditLimitReached) as refused:
        paid_online_for_limit(standing(2000, 0), 2001, False)
    assert "below the limit of 0,00 €" in refused.value.message


@given(available, limit, total, choice)
def test_the_order_is_over_the_limit_exactly_when_it_leaves_less_than_minus_the_limit(
        available_cents, limit_cents, total_cents, over_limit):
    crossed = available_cents - total_cents < -limit_cents
    try:
        online = paid_online_for_limit(standing(available_cents, limit_cents, over_limit),
                                       total_cents, False)
    except CreditLimitReached as refused:
        assert crossed and over_limit == REFUSE
        assert format_cents(available_cents - total_cents) in refused.message
        assert format_cents(-limit_cents) in refused.message
    else:
        assert online is (crossed and over_limit == ONLINE_PAYMENT)


@given(available, limit, total, choice)
def test_an_order_within_the_limit_stays_within_it_for_any_smaller_total(
        available_cents, limit_cents, total_cents, over_limit):
    account = standing(available_cents, limit_cents, over_limit)
    if not account.is_crossed_by(total_cents):
        assert not account.is_crossed_by(max(1, total_cents // 2))


@given(available, st.none() | limit, total, choice, st.booleans())
def test_never_checked_without_a_limit_without_tracking_or_with_online_payment_required(
        available_cents, limit_cents, total_cents, over_limit, tracking):
    free = [standing(available_cents, None, over_limit, tracking),
            standing(available_cents, limit_cents, over_limit, tracking=False)]
    for account in free:
        assert paid_online_for_limit(account, total_cents, False) is False
    assert paid_online_for_limit(standing(available_cents, limit_cents, over_limit, tracking),
                                 total_cents, online_payment_required=True) is False
    assert paid_online_for_limit(None, total_cents, False) is False


def told(account: CreditStanding | None):
    asked = []

    async def credit(producer_id, customer_id):
        asked.append((producer_id, customer_id))
        return account

    credit.asked = asked
    return credit


async def place(store: Store, credit, total_cents: int = 2000) -> dict:
    return await handlers.place_order(P, "c1", DAY, [Line("Panier", 1, total_cents)],
                                      FakeUnitOfWork(store), PLACED_AT, credit)


async def test_a_refused_order_writes_and_publishes_nothing():
    store = Store()
    credit = told(standing(-4000, 5000))
    with pytest.raises(CreditLimitReached):
        await place(store, credit)
    assert store.orders == {} and store.published == []
    assert credit.asked == [(P, "c1")]


async def test_an_order_over_the_limit_with_online_payment_chosen_is_placed_to_be_paid_online():
    store = Store()
    answer = await place(store, told(standing(-4000, 5000, ONLINE_PAYMENT)))
    assert (answer["status"], answer["online_payment"], answer["over_credit_limit"]) == (
        "placed", True, True)
    [event] = store.published
    assert event.online_payment is True and event.order_id == uuid.UUID(answer["order_id"])


async def test_an_order_within_the_limit_is_placed_as_any_other():
    store = Store()
    answer = await place(store, told(standing(-3000, 5000)))
    assert (answer["online_payment"], answer["over_credit_limit"]) == (False, False)
    assert store.published[0].online_payment is False


async def test_when_the_accounts_service_cannot_say_the_order_is_not_refused_for_it():
    store = Store()
    answer = await place(store, told(None), total_cents=10**9)
    assert (answer["online_payment"], answer["over_credit_limit"]) == (False, False)
    assert len(store.orders) == 1


async def test_a_producer_requiring_online_payment_collects_the_debt_instead_of_refusing():
    store = Store(online_required={P: True})
    answer = await place(store, told(standing(-4000, 5000, REFUSE)))
    assert (answer["online_payment"], answer["over_credit_limit"]) == (True, False)
    assert store.published[0].online_payment is True


def client(handler) -> AccountsClient:
    return AccountsClient("http://accounts/", SECRET, transport=httpx.MockTransport(handler))


STANDING = {"customer_id": "c1", "balance_cents": -4000, "held_cents": 0,
            "available_cents": -4000, "credit_limit_cents": 5000,
            "customer_credit_limit_cents": None, "default_credit_limit_cents": 5000,
            "over_limit": "online_payment", "available_until_limit_cents": 1000,
            "payment_tracking": True}


async def test_the_standing_is_asked_in_one_call_with_the_orders_services_own_token():
    seen = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=STANDING)

    assert await client(answer).credit_standing(P, "c1") == CreditStanding(
        -4000, 5000, ONLINE_PAYMENT, True)
    [request] = seen
    assert request.url.path == f"/v1/producers/{P}/customers/c1/credit-limit"
    principal = read_token(SECRET, request.headers["Authorization"].removeprefix("Bearer "))
    assert (principal.role, principal.person, principal.scopes) == (
        "service", "orders", frozenset({"accounts:read"}))


async def test_a_customer_not_registered_has_0_available_against_the_default_limit():
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/customers/c1/credit-limit"):
            return httpx.Response(404, json={"detail": "no such customer"})
        assert request.url.path == f"/v1/producers/{P}/credit-limits"
        return httpx.Response(200, json={"credit_limit_cents": 5000, "over_limit": "refuse",
                                         "payment_tracking": True})

    assert await client(answer).credit_standing(P, "c1") == CreditStanding(0, 5000, REFUSE, True)


def refuse_connection(request):
    raise httpx.ConnectError("connection refused")


def time_out(request):
    raise httpx.ReadTimeout("too slow")


@pytest.mark.parametrize("handler", [
    refuse_connection, time_out, lambda r: httpx.Response(503, json={"detail": "down"}),
    lambda r: httpx.Response(200, text="<html>proxy error</html>"),
    lambda r: httpx.Response(200, json={**STANDING, "over_limit": "accept"}),
    lambda r: httpx.Response(200, json={**STANDING, "credit_limit_cents": "5000"}),
    lambda r: httpx.Response(200, json={**STANDING, "available_cents": None}),
    lambda r: httpx.Response(200, json=[STANDING])])
async def test_when_the_accounts_service_cannot_say_there_is_no_standing(handler):
    assert await client(handler).credit_standing(P, "c1") is None


async def test_a_producer_known_to_require_online_payment_is_not_asked_for_a_standing():
    store, known = Store(online_required={P: True}), {}
    credit = told(standing(-4000, 5000, REFUSE))
    for _ in range(3):
        answer = await handlers.place_order(P, "c1", DAY, [Line("Panier", 1, 2000)],
                                            FakeUnitOfWork(store), PLACED_AT, credit, known)
        assert (answer["online_payment"], answer["over_credit_limit"]) == (True, False)
    assert credit.asked == [(P, "c1")]  # the first order only: nothing known of P before
    assert known == {P: True} and len(store.published) == 3


async def test_online_payment_turned_off_since_the_last_order_has_the_standing_asked_after_all():
    store, known = Store(online_required={P: False}), {P: True}
    credit = told(standing(-4000, 5000, REFUSE))
    with pytest.raises(CreditLimitReached):
        await handlers.place_order(P, "c1", DAY, [Line("Panier", 1, 2000)],
                                   FakeUnitOfWork(store), PLACED_AT, credit, known)
    assert credit.asked == [(P, "c1")] and store.published == [] and known == {P: False}
    answer = await handlers.place_order(P, "c1", DAY, [Line("Panier", 1, 2000)],
                                        FakeUnitOfWork(store), PLACED_AT,
                                        told(standing(-4000, 5000, ONLINE_PAYMENT)), known)
    assert (answer["online_payment"], answer["over_credit_limit"]) == (True, True)
    [event] = store.published
    assert event.order_id == uuid.UUID(answer["order_id"]) and event.online_payment is True
