"""Money really received is never erased by an ordinary correction (the three paths an operator
took to lose it): paid by hand then online, paid online then not delivered, online set by hand."""

from datetime import date

import httpx

from ardoise.weeks import week_of
from ardoise_tools.testing.polling import eventually

from .test_online_payment import (  # noqa: F401 - shop is a fixture
    STANDIN_KEY,
    account,
    checkout_of,
    order,
    pay_at_sumup,
    shop,
)


def settle(operator, producer_id: str, order_id: str, **body):
    return operator.request("PUT", "payments",
                            f"/v1/producers/{producer_id}/orders/{order_id}/settlement", json=body)


async def place(customer, producer_id: str, cents: int) -> str:
    answer = await customer.arequest("POST", "orders", f"/v1/producers/{producer_id}/orders", json={
        "customer_id": "c1", "lines": [{"label": "Panier", "quantity": 1, "unit_price_cents": cents}]})
    assert answer.status_code == 201, answer.text
    return answer.json()["order_id"]


async def week_page(operator, producer_id: str, customer, order_id: str) -> dict:
    """The payments page of the order's own week (its delivery date's)."""
    day = (await order(customer, producer_id, order_id))["delivery_date"]
    return (await operator.arequest("GET", "payments", f"/v1/producers/{producer_id}/payments",
                                    params={"week": week_of(date.fromisoformat(day))})).json()


async def test_an_order_paid_in_cash_by_hand_then_online_keeps_both_payments_and_credits_the_surplus(
        system, operator, shop, producer_id):
    order_id = await place(shop, producer_id, 4000)
    payment = await checkout_of(shop, producer_id, order_id)
    assert payment["amount_due_cents"] == 4000
    by_hand = settle(operator, producer_id, order_id, mode="cash")
    assert by_hand.status_code == 200 and by_hand.json()["received"] == {"cash": 4000}
    await pay_at_sumup(system, payment["checkout_id"])
    paid = await eventually(lambda: account(operator, producer_id),
                            lambda a: a["balance_cents"] == 4000 and a["held_cents"] == 0)
    labels = [m["label"] for m in paid["movements"]]
    assert not any(label.startswith("Annulation") for label in labels), labels
    page = await eventually(lambda: week_page(operator, producer_id, shop, order_id),
                            lambda p: p["totals"].get("online") == 4000)
    assert page["totals"]["cash"] == 4000 and page["total_cents"] == 8000
    [row] = page["rows"]
    assert (row["mode"], row["amount_paid_cents"], row["received"]) == (
        "cash", 8000, {"cash": 4000, "online": 4000})
    again = settle(operator, producer_id, order_id, mode="cash")
    assert again.json()["paid_twice"] is True  # what the producer is shown


async def test_an_order_paid_online_then_not_delivered_leaves_the_money_as_credit(
        system, operator, shop, producer_id):
    order_id = await place(shop, producer_id, 2500)
    payment = await checkout_of(shop, producer_id, order_id)
    await pay_at_sumup(system, payment["checkout_id"])
    await eventually(lambda: order(shop, producer_id, order_id),
                     lambda o: o["settlement"]["mode"] == "online")
    answer = settle(operator, producer_id, order_id, mode="not_delivered")
    assert answer.status_code == 200 and answer.json()["received"] == {"online": 2500}
    credited = await eventually(lambda: account(operator, producer_id),
                                lambda a: a["balance_cents"] == 2500)
    assert credited["movements"][0]["label"].startswith("Commande non livrée")
    page = await week_page(operator, producer_id, shop, order_id)
    assert page["totals"]["online"] == 2500


async def test_online_money_cannot_be_recorded_by_hand(system, operator, shop, producer_id):
    order_id = await place(shop, producer_id, 2000)
    refused = settle(operator, producer_id, order_id, mode="online", amount_paid_cents=99900)
    assert refused.status_code == 409 and "SumUp" in refused.json()["detail"]
    many = operator.request("POST", "payments", f"/v1/producers/{producer_id}/settlements",
                            json={"order_ids": [order_id], "mode": "online"})
    assert many.status_code == 409
    assert (await order(shop, producer_id, order_id))["settlement"]["amount_paid_cents"] == 0


async def test_online_money_is_refunded_through_sumup_once_in_part_then_in_full(
        system, operator, shop, producer_id):
    order_id = await place(shop, producer_id, 2500)
    payment = await checkout_of(shop, producer_id, order_id)
    paid = await pay_at_sumup(system, payment["checkout_id"])
    await eventually(lambda: order(shop, producer_id, order_id),
                     lambda o: o["settlement"]["mode"] == "online")
    settle(operator, producer_id, order_id, mode="not_delivered")
    await eventually(lambda: account(operator, producer_id), lambda a: a["balance_cents"] == 2500)
    path = f"/v1/producers/{producer_id}/orders/{order_id}/refunds"
    key = {"Idempotency-Key": f"refund-{order_id}"}
    first = operator.request("POST", "payments", path, json={"amount_cents": 1000}, headers=key)
    assert first.status_code == 201, first.text
    assert (first.json()["amount_cents"], first.json()["status"]) == (1000, "refunded")
    again = operator.request("POST", "payments", path, json={"amount_cents": 1000}, headers=key)
    assert again.status_code == 200 and again.json() == first.json()
    refunded = await eventually(lambda: account(operator, producer_id),
                                lambda a: a["balance_cents"] == 1500)
    [refund] = [m for m in refunded["movements"] if m["label"].startswith("Remboursement")]
    assert (refund["amount_cents"], refund["mode"]) == (-1000, "online")
    assert (await week_page(operator, producer_id, shop, order_id))["totals"]["online"] == 1500
    rest = operator.request("POST", "payments", path)
    assert rest.status_code == 201 and rest.json()["amount_cents"] == 1500
    await eventually(lambda: account(operator, producer_id), lambda a: a["balance_cents"] == 0)
    nothing_left = operator.request("POST", "payments", path, json={"amount_cents": 1})
    assert nothing_left.status_code == 409
    listed = operator.request("GET", "payments", path).json()["refunds"]
    assert [(r["amount_cents"], r["status"]) for r in listed] == [(1000, "refunded"),
                                                                  (1500, "refunded")]
    # what SumUp itself says of the transaction
    transaction = await sumup_transaction(system, paid["merchant_code"], paid["transaction_id"])
    assert (transaction["status"], transaction["refunded_amount"]) == ("REFUNDED", 25.0)


async def sumup_transaction(system, merchant_code: str, transaction_id: str) -> dict:
    async with httpx.AsyncClient(base_url=system.urls["sumup"], headers=STANDIN_KEY) as sumup:
        answer = await sumup.get(f"/v2.1/merchants/{merchant_code}/transactions",
                                 params={"id": transaction_id})
        assert answer.status_code == 200, answer.text
        return answer.json()


async def test_a_refund_of_more_than_was_paid_online_or_of_a_cash_order_is_refused(
        system, operator, shop, producer_id):
    order_id = await place(shop, producer_id, 2000)
    await checkout_of(shop, producer_id, order_id)
    settle(operator, producer_id, order_id, mode="cash")
    path = f"/v1/producers/{producer_id}/orders/{order_id}/refunds"
    refused = operator.request("POST", "payments", path, json={"amount_cents": 100})
    assert refused.status_code == 409 and "nothing paid online" in refused.json()["detail"]
    for body in ({"amount_cents": 0}, {"amount_cents": -5}, {"amount": 5}):
        assert operator.request("POST", "payments", path, json=body).status_code == 422
    assert operator.request("GET", "payments", path).json() == {"refunds": []}
