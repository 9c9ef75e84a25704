"""Online payment through SumUp (the stand-in) with the balance applied: the seed walkthrough."""

import asyncio
import uuid

import asyncpg
import httpx
import pytest

from ardoise.db import plain_dsn
from ardoise_tools.testing.polling import eventually

from .conftest import Caller

STANDIN_KEY = {"Authorization": "Bearer standin"}


def merchant_of(producer_id: str) -> str:
    """Each test producer's own SumUp merchant code (its API key is its own too)."""
    return f"M{producer_id.removeprefix('p-').upper()}"


async def require_online_payment(system, operator: Caller, producer_id: str) -> None:
    answer = operator.request("PUT", "payments", f"/v1/producers/{producer_id}/settings", json={
        "payment_tracking": True, "online_payment_required": True,
        "accepted_modes": ["account", "cash", "online"],
        "sumup_merchant_code": merchant_of(producer_id),
        "sumup_api_key": f"sk_test_{producer_id}"})
    assert answer.status_code == 200, answer.text
    dsn = plain_dsn(system.env["ORDERS_DATABASE_URL"])
    connection = await asyncpg.connect(dsn)
    try:  # the orders service hears of the setting through an event
        await eventually(lambda: connection.fetchval(
            "SELECT online_payment_required FROM orders.producers WHERE producer_id = $1",
            producer_id), lambda required: required is True)
    finally:
        await connection.close()


def movement(operator: Caller, producer_id: str, direction: str, amount_cents: int) -> None:
    answer = operator.request("POST", "accounts",
                              f"/v1/producers/{producer_id}/customers/c1/movements",
                              json={"direction": direction, "amount_cents": amount_cents})
    assert answer.status_code == 201


async def order_20_euros(customer: Caller, producer_id: str) -> str:
    answer = await customer.arequest("POST", "orders", f"/v1/producers/{producer_id}/orders", json={
        "customer_id": "c1", "lines": [{"label": "Panier", "quantity": 1, "unit_price_cents": 2000}]})
    assert answer.status_code == 201
    return answer.json()["order_id"]


async def order(customer: Caller, producer_id: str, order_id: str) -> dict:
    return (await customer.arequest("GET", "orders",
                                    f"/v1/producers/{producer_id}/orders/{order_id}")).json()


async def invoice(customer: Caller, producer_id: str, order_id: str) -> dict:
    answer = await customer.arequest("GET", "orders",
                                     f"/v1/producers/{producer_id}/orders/{order_id}/invoice",
                                     headers={"Accept": "application/json"})
    assert answer.status_code == 200, answer.text
    return answer.json()


async def account(operator: Caller, producer_id: str) -> dict:
    return (await operator.arequest("GET", "accounts",
                                    f"/v1/producers/{producer_id}/customers/c1/account")).json()


async def pay_at_sumup(system, checkout_id: str, status: str = "PAID") -> dict:
    async with httpx.AsyncClient(base_url=system.urls["sumup"], headers=STANDIN_KEY) as sumup:
        answer = await sumup.post(f"/v0.1/checkouts/{checkout_id}/simulate", json={"status": status})
        assert answer.status_code == 200, answer.text
        return answer.json()


async def asked_of_sumup(system, checkout_id: str) -> dict:
    async with httpx.AsyncClient(base_url=system.urls["sumup"], headers=STANDIN_KEY) as sumup:
        return (await sumup.get(f"/v0.1/checkouts/{checkout_id}")).json()


@pytest.fixture
async def shop(system, operator, customer_of, producer_id):
    operator.request("PUT", "accounts", f"/v1/producers/{producer_id}/customers/c1",
                     json={"name": "Claire Martin"})
    await require_online_payment(system, operator, producer_id)
    return customer_of("c1")


async def checkout_of(customer: Caller, producer_id: str, order_id: str) -> dict:
    """The order's payment, read as the shop's page waits for it: with the order's ETag, the
    gateway answering as soon as the order changes."""
    path = f"/v1/producers/{producer_id}/orders/{order_id}"
    answer = await customer.arequest("GET", "orders", path)
    placed = answer.json()
    async with asyncio.timeout(30):
        while placed["payment"] is None:
            answer = await customer.arequest("GET", "orders", path, params={"wait": 5},
                                             headers={"If-None-Match": answer.headers["ETag"]})
            if answer.status_code == 200:
                placed = answer.json()
            else:
                assert answer.status_code == 304, answer.text
    return placed["payment"]


async def test_the_seed_walkthrough_asks_sumup_for_15_then_25_then_nothing(
    system, operator, shop, producer_id
):
    # 1. balance +5,00 €, order 20,00 € → SumUp is asked for 15,00 €; paid → balance 0
    movement(operator, producer_id, "credit", 500)
    first = await order_20_euros(shop, producer_id)
    payment = await checkout_of(shop, producer_id, first)
    assert (payment["balance_applied_cents"], payment["amount_due_cents"]) == (500, 1500)
    assert payment["checkout_url"] and (await asked_of_sumup(system, payment["checkout_id"]))[
        "amount"] == 15.0
    assert (await account(operator, producer_id))["available_cents"] == 0
    await pay_at_sumup(system, payment["checkout_id"])
    settled = await eventually(lambda: account(operator, producer_id),
                               lambda a: a["balance_cents"] == 0 and a["held_cents"] == 0
                               and len(a["movements"]) == 3)
    assert settled["available_cents"] == 0
    assert (await eventually(lambda: order(shop, producer_id, first),
                             lambda o: o["status"] == "accepted"))["settlement"] == {
        "mode": "online", "amount_paid_cents": 1500}
    assert (await invoice(shop, producer_id, first))["credit_note_cents"] == 0  # 15,00 € asked

    # 2. a debit of 5,00 € recorded → order 20,00 € → SumUp is asked for 25,00 €; paid → 0
    movement(operator, producer_id, "debit", 500)
    second = await order_20_euros(shop, producer_id)
    payment = await checkout_of(shop, producer_id, second)
    assert (payment["balance_applied_cents"], payment["amount_due_cents"]) == (-500, 2500)
    assert (await asked_of_sumup(system, payment["checkout_id"]))["amount"] == 25.0
    await pay_at_sumup(system, payment["checkout_id"])
    await eventually(lambda: account(operator, producer_id),
                     lambda a: a["balance_cents"] == 0 and a["held_cents"] == 0)
    paid = await eventually(lambda: invoice(shop, producer_id, second),
                            lambda i: i["settlement"]["mode"] == "online")
    assert (paid["settlement"]["amount_paid_cents"], paid["credit_note_cents"]) == (2500, 0)

    # 3. a credit of 50,00 € → order 20,00 € → no payment asked, accepted, from the account → 30
    movement(operator, producer_id, "credit", 5000)
    third = await order_20_euros(shop, producer_id)
    payment = await checkout_of(shop, producer_id, third)
    assert payment["checkout_id"] is None and payment["amount_due_cents"] == 0
    done = await eventually(lambda: order(shop, producer_id, third),
                            lambda o: o["settlement"]["mode"] == "account")
    assert done["status"] == "accepted"
    final = await eventually(lambda: account(operator, producer_id),
                             lambda a: a["balance_cents"] == 3000 and a["held_cents"] == 0)
    assert final["available_cents"] == 3000


async def test_two_orders_at_once_never_spend_more_than_the_credit(system, operator, shop,
                                                                  producer_id):
    movement(operator, producer_id, "credit", 3000)
    first, second = await asyncio.gather(order_20_euros(shop, producer_id),
                                         order_20_euros(shop, producer_id))
    payments = [await checkout_of(shop, producer_id, o) for o in (first, second)]
    assert sum(p["balance_applied_cents"] for p in payments) == 3000
    assert sorted(p["amount_due_cents"] for p in payments) == [0, 1000]


async def test_a_debt_is_collected_by_one_order_only(system, operator, shop, producer_id):
    movement(operator, producer_id, "debit", 500)
    first, second = await asyncio.gather(order_20_euros(shop, producer_id),
                                         order_20_euros(shop, producer_id))
    payments = [await checkout_of(shop, producer_id, o) for o in (first, second)]
    assert sorted(p["balance_applied_cents"] for p in payments) == [-500, 0]
    assert sorted(p["amount_due_cents"] for p in payments) == [2000, 2500]


async def test_only_a_paid_checkout_of_the_right_amount_is_recorded_and_only_once(
    system, operator, shop, producer_id
):
    movement(operator, producer_id, "credit", 500)
    failed_order = await order_20_euros(shop, producer_id)
    failed = await checkout_of(shop, producer_id, failed_order)
    webhook = f"{system.urls['payments']}/v1/sumup/webhook"
    # a forged notification for a checkout still pending records nothing
    assert httpx.post(webhook, json={"event_type": "CHECKOUT_STATUS_CHANGED",
                                     "id": failed["checkout_id"]}).status_code == 204
    assert httpx.post(webhook, json={"event_type": "CHECKOUT_STATUS_CHANGED",
                                     "id": "no-such-checkout"}).status_code == 204
    assert httpx.post(webhook, content=b"not json").status_code == 204
    await asyncio.sleep(0.5)
    assert (await order(shop, producer_id, failed_order))["settlement"]["mode"] == "not_delivered"
    # a failed checkout releases its hold and leaves the order unpaid
    await pay_at_sumup(system, failed["checkout_id"], "FAILED")
    released = await eventually(lambda: account(operator, producer_id),
                                lambda a: a["held_cents"] == 0)
    assert released["balance_cents"] == 500
    assert (await order(shop, producer_id, failed_order))["status"] == "awaiting_payment"

    # paid, but SumUp reports another amount: nothing recorded
    odd_order = await order_20_euros(shop, producer_id)
    odd = await checkout_of(shop, producer_id, odd_order)
    async with httpx.AsyncClient(base_url=system.urls["sumup"], headers=STANDIN_KEY) as sumup:
        await sumup.post(f"/v0.1/checkouts/{odd['checkout_id']}/simulate",
                         json={"status": "PAID", "amount": 1.0})
    await asyncio.sleep(1.0)
    assert (await order(shop, producer_id, odd_order))["settlement"]["mode"] == "not_delivered"

    # the same notification five times records one payment
    paid_order = await order_20_euros(shop, producer_id)
    paid = await checkout_of(shop, producer_id, paid_order)
    await pay_at_sumup(system, paid["checkout_id"])
    for _ in range(5):
        httpx.post(webhook, json={"event_type": "CHECKOUT_STATUS_CHANGED", "id": paid["checkout_id"]})
    await eventually(lambda: order(shop, producer_id, paid_order),
                     lambda o: o["settlement"]["mode"] == "online")
    history = (await account(operator, producer_id))["movements"]
    online = [m for m in history if m["order_id"] == paid_order and m["kind"] == "payment"]
    assert [m["amount_cents"] for m in online] == [paid["amount_due_cents"]]


async def test_an_expired_checkout_releases_its_hold_and_cancels_the_order(
        system, operator, shop, producer_id):
    movement(operator, producer_id, "credit", 800)
    expiring = await order_20_euros(shop, producer_id)
    payment = await checkout_of(shop, producer_id, expiring)
    assert (await account(operator, producer_id))["held_cents"] == 800
    await pay_at_sumup(system, payment["checkout_id"], "EXPIRED")
    released = await eventually(lambda: account(operator, producer_id),
                                lambda a: a["held_cents"] == 0)
    assert (released["balance_cents"], released["available_cents"]) == (800, 800)
    given_up = await eventually(lambda: order(shop, producer_id, expiring),
                                lambda o: o["status"] == "cancelled")
    assert given_up["payment"]["status"] == "EXPIRED"
    again = await shop.arequest("POST", "orders",
                                f"/v1/producers/{producer_id}/orders/{expiring}/payment-attempts")
    assert again.status_code == 409


async def test_each_producer_is_paid_on_its_own_sumup_account(system, operator, shop,
                                                              producer_id):
    order_id = await order_20_euros(shop, producer_id)
    payment = await checkout_of(shop, producer_id, order_id)
    asked = await asked_of_sumup(system, payment["checkout_id"])
    assert asked["merchant_code"] == merchant_of(producer_id)
    assert asked["valid_until"]  # SumUp is told how long the checkout is good for


async def test_after_a_failed_checkout_the_customer_pays_with_a_new_attempt(system, operator, shop,
                                                                          producer_id):
    movement(operator, producer_id, "credit", 500)
    order_id = await order_20_euros(shop, producer_id)
    first = await checkout_of(shop, producer_id, order_id)
    too_early = await shop.arequest("POST", "orders",
                                    f"/v1/producers/{producer_id}/orders/{order_id}/payment-attempts")
    assert too_early.status_code == 409
    await pay_at_sumup(system, first["checkout_id"], "FAILED")
    await eventually(lambda: order(shop, producer_id, order_id),
                     lambda o: o["payment"]["status"] == "FAILED")
    again = await shop.arequest("POST", "orders",
                                f"/v1/producers/{producer_id}/orders/{order_id}/payment-attempts")
    assert again.status_code == 202 and again.json()["attempt"] == 2
    second = await eventually(lambda: order(shop, producer_id, order_id),
                              lambda o: o["payment"]["checkout_id"] not in (None, first["checkout_id"]))
    assert second["payment"]["amount_due_cents"] == 1500
    await pay_at_sumup(system, second["payment"]["checkout_id"])
    await eventually(lambda: account(operator, producer_id),
                     lambda a: a["balance_cents"] == 0 and a["held_cents"] == 0)


def handled_with(system, worker: str, request_id: str) -> set[str]:
    """The types of the events this worker logged as handled for that request."""
    return {line.get("event_type") for line in system.log_lines(worker)
            if line.get("event") == "event handled" and line.get("request_id") == request_id}


async def test_the_order_request_id_follows_the_checkout_through_every_service(
    system, shop, producer_id
):
    request_id = f"e2e-{uuid.uuid4().hex}"
    answer = await shop.arequest("POST", "orders", f"/v1/producers/{producer_id}/orders",
                                 headers={"X-Request-ID": request_id}, json={
                                     "customer_id": "c1", "lines": [
                                         {"label": "Panier", "quantity": 1,
                                          "unit_price_cents": 2000}]})
    assert answer.status_code == 201
    await checkout_of(shop, producer_id, answer.json()["order_id"])
    # OrderPlaced (orders) -> accounts holds -> BalanceHeld -> payments -> CheckoutOpened -> orders
    for worker, event_type in (("accounts-worker", "OrderPlaced"),
                               ("payments-worker", "BalanceHeld"),
                               ("orders-worker", "CheckoutOpened")):
        found = await eventually(
            lambda w=worker: asyncio.sleep(0, handled_with(system, w, request_id)),
            lambda types, t=event_type: t in types)
        assert event_type in found
