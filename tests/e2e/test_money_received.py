"""Money really received is never erased by an ordinary correction (the three paths an operator
took to lose it): paid by hand then online, paid online then not delivered, online set by hand."""

from datetime import date

from ardoise.testing.polling import eventually
from ardoise.weeks import week_of

from .test_online_payment import account, checkout_of, order, pay_at_sumup, shop  # noqa: F401


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
