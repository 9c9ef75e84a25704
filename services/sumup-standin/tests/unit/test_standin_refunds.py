"""Refunds and the transactions of a merchant, as SumUp's Transactions API serves them."""

from decimal import Decimal


async def paid_checkout(api, create_checkout, amount=25.0) -> dict:
    created = await create_checkout(amount=amount)
    paid = await api.post(f"/v0.1/checkouts/{created['id']}/simulate", json={"status": "PAID"})
    assert paid.status_code == 200
    return paid.json()


def refunds_path(merchant: str, transaction_id: str) -> str:
    return f"/v1.0/merchants/{merchant}/payments/{transaction_id}/refunds"


async def transaction(api, merchant: str, **query) -> dict:
    answer = await api.get(f"/v2.1/merchants/{merchant}/transactions", params=query)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def test_a_partial_refund_then_the_rest_leaves_the_transaction_refunded(api, create_checkout):
    checkout = await paid_checkout(api, create_checkout)
    merchant, transaction_id = checkout["merchant_code"], checkout["transaction_id"]
    part = await api.post(refunds_path(merchant, transaction_id), json={"amount": 10.5})
    assert part.status_code == 201
    assert (part.json()["type"], part.json()["amount"]) == ("REFUND", 10.5)
    read = await transaction(api, merchant, id=transaction_id)
    assert (read["status"], read["refunded_amount"]) == ("SUCCESSFUL", 10.5)
    rest = await api.post(refunds_path(merchant, transaction_id))  # no body: all that is left
    assert rest.status_code == 201 and rest.json()["amount"] == 14.5
    read = await transaction(api, merchant, transaction_code=checkout["transaction_code"])
    assert (read["status"], read["simple_status"]) == ("REFUNDED", "REFUNDED")
    assert [event["amount"] for event in read["events"]] == [10.5, 14.5]
    again = await api.post(refunds_path(merchant, transaction_id), json={"amount": 0.01})
    assert again.status_code == 409
    assert again.json()["error_code"] == "TRANSACTION_NOT_REFUNDABLE"
    checkout_now = (await api.get(f"/v0.1/checkouts/{checkout['id']}")).json()
    assert checkout_now["status"] == "PAID"
    assert checkout_now["transactions"][0]["status"] == "REFUNDED"


async def test_a_refund_of_more_than_is_left_or_of_nothing_is_refused_and_changes_nothing(
        api, create_checkout):
    checkout = await paid_checkout(api, create_checkout)
    merchant, transaction_id = checkout["merchant_code"], checkout["transaction_id"]
    assert (await api.post(refunds_path(merchant, transaction_id),
                           json={"amount": 25.01})).status_code == 409
    for amount in (0, -1, 1.005, "5"):
        answer = await api.post(refunds_path(merchant, transaction_id), json={"amount": amount})
        assert answer.status_code == 400 and answer.json()["param"] == "amount"
    assert (await api.post(refunds_path(merchant, "no-such-transaction"))).status_code == 404
    assert (await api.post(refunds_path("MOTHER", transaction_id))).status_code == 403
    assert (await transaction(api, merchant, id=transaction_id))["events"] == []


async def test_another_merchants_key_can_neither_refund_nor_read(api, create_checkout,
                                                                 checkout_body):
    checkout = await paid_checkout(api, create_checkout)
    other = {"Authorization": "Bearer sk_test_other_merchant"}
    await api.post("/v0.1/checkouts", json=checkout_body(merchant_code="MOTHER"), headers=other)
    merchant = checkout["merchant_code"]
    refused = await api.post(refunds_path(merchant, checkout["transaction_id"]), headers=other)
    assert refused.status_code == 403
    assert (await api.get(f"/v2.1/merchants/{merchant}/transactions",
                          params={"id": checkout["transaction_id"]},
                          headers=other)).status_code == 403


async def test_the_history_lists_the_merchants_transactions_newest_first(api, create_checkout,
                                                                          clock):
    first = await paid_checkout(api, create_checkout, 10.0)
    clock.advance(minutes=1)
    second = await paid_checkout(api, create_checkout, 20.0)
    history = (await api.get(f"/v2.1/merchants/{first['merchant_code']}/transactions/history",
                             params={"limit": 100, "order": "descending"})).json()
    ids = [item["id"] for item in history["items"]]
    assert ids.index(second["transaction_id"]) < ids.index(first["transaction_id"])
    amounts = {item["id"]: Decimal(str(item["amount"])) for item in history["items"]}
    assert amounts[first["transaction_id"]] == Decimal("10.0")
