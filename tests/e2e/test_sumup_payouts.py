"""Card money reconciled on the running system: Claire pays 20,00 € online and is refunded
5,00 €; the next day SumUp pays the farm 14,50 € (20,00 € less 0,50 € of fees and the refund);
the farm's statement shows that credit, and the payouts route says every euro reached the bank."""

import uuid
from datetime import UTC, datetime, timedelta

import httpx

from ardoise.auth import Principal
from ardoise_tools.testing.polling import eventually

from .conftest import Caller
from .test_bank_import import statement
from .test_online_payment import (  # noqa: F401 - shop is a fixture
    checkout_of,
    merchant_of,
    order,
    order_20_euros,
    pay_at_sumup,
    shop,
)


async def sumup_pays_out(system, producer_id: str, day, fee_rate: float) -> dict:
    """SumUp's daily payout of the merchant's settled payments (the stand-in's control)."""
    async with httpx.AsyncClient(base_url=system.urls["sumup"]) as sumup:
        answer = await sumup.post(f"/_standin/merchants/{merchant_of(producer_id)}/payouts",
                                  json={"date": day.isoformat(), "fee_rate": fee_rate})
    assert answer.status_code == 201, answer.text
    return answer.json()


async def paid_20_refunded_5(system, operator, shop, producer_id: str) -> str:
    """Claire's order of 20,00 € paid online at SumUp, then 5,00 € of it refunded."""
    order_id = await order_20_euros(shop, producer_id)
    payment = await checkout_of(shop, producer_id, order_id)
    await pay_at_sumup(system, payment["checkout_id"])
    await eventually(lambda: order(shop, producer_id, order_id),
                     lambda o: (o["settlement"] or {}).get("mode") == "online")
    refunded = operator.request("POST", "payments",
                                f"/v1/producers/{producer_id}/orders/{order_id}/refunds",
                                json={"amount_cents": 500})
    assert refunded.status_code == 201, refunded.text
    return order_id


async def test_every_euro_paid_online_is_seen_reaching_the_bank(
        system, operator, shop, producer_id):
    base = f"/v1/producers/{producer_id}"
    await paid_20_refunded_5(system, operator, shop, producer_id)
    payout_day = datetime.now(UTC).date() + timedelta(days=1)
    period = {"from": (payout_day - timedelta(days=1)).isoformat(), "to": payout_day.isoformat()}

    before = operator.request("GET", "payments", f"{base}/bank/payouts", params=period)
    assert before.status_code == 200, before.text
    assert before.json()["payouts"] == []
    assert before.json()["totals"]["not_yet_paid_out_cents"] == 2000

    payout = await sumup_pays_out(system, producer_id, payout_day, 0.025)
    assert payout["amount"] == 14.5
    unseen = operator.request("GET", "payments", f"{base}/bank/payouts", params=period).json()
    [paid] = unseen["payouts"]
    assert (paid["paid_online_cents"], paid["fee_cents"], paid["refunded_cents"],
            paid["net_cents"], paid["bank_transaction_id"]) == (2000, 50, 500, 1450, None)
    assert unseen["totals"]["reached_bank_cents"] == 0

    file = statement(payout_day + timedelta(days=1),
                     ("SUMUP-1", 1450, "SUMUP LIMITED", f"VIR SEPA {payout['reference']}"))
    imported = operator.request("POST", "payments", f"{base}/bank/statements", content=file,
                                headers={"Content-Type": "application/octet-stream"})
    assert imported.status_code == 201, imported.text
    assert (imported.json()["listed"], imported.json()["queued"]) == (1, 0)  # not a customer's

    seen = operator.request("GET", "payments", f"{base}/bank/payouts", params=period).json()
    [paid] = seen["payouts"]
    assert paid["bank_transaction_id"] is not None
    assert [(t["type"], t["amount_cents"], t["fee_cents"]) for t in paid["transactions"]] == [
        ("PAYOUT", 2000, 50), ("REFUND_DEDUCTION", -500, 0)]
    assert seen["totals"] == {
        "paid_online_cents": 2000, "refunded_cents": 500, "fees_cents": 50, "deducted_cents": 0,
        "paid_out_cents": 1450, "reached_bank_cents": 1450, "not_yet_paid_out_cents": 0}
    listed = operator.request("GET", "payments", f"{base}/bank/transactions").json()
    assert [(t["transaction_id"], t["status"]) for t in listed["transactions"]] == [
        (paid["bank_transaction_id"], "listed")]


def test_a_producer_without_sumup_is_told_to_connect_it(system):
    other = f"p-{uuid.uuid4().hex[:12]}"
    answer = Caller(system, Principal("operator", other)).request(
        "GET", "payments", f"/v1/producers/{other}/bank/payouts")
    assert answer.status_code == 409 and "SumUp" in answer.json()["detail"]
