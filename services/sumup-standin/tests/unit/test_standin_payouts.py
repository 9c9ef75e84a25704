"""Payouts and the transaction history, as SumUp's Payouts and Transactions APIs serve them: a
day's payout pays the settled payments less the fee and the refunds made since, once."""

from datetime import date
from decimal import Decimal

import pytest

from sumup_standin.payouts import payout_reference

MERCHANT = "MSTANDIN"
PAYOUTS = f"/v1.0/merchants/{MERCHANT}/payouts"
HISTORY = f"/v2.1/merchants/{MERCHANT}/transactions/history"
CONTROL = f"/_standin/merchants/{MERCHANT}/payouts"
SUNDAY, MONDAY = "2026-11-29", "2026-11-30"  # the fake clock starts on Saturday 28 November


async def paid(api, create_checkout, amount=25.0) -> dict:
    created = await create_checkout(amount=amount)
    answer = await api.post(f"/v0.1/checkouts/{created['id']}/simulate", json={"status": "PAID"})
    assert answer.status_code == 200
    return answer.json()


async def payouts(api, **query) -> list[dict]:
    answer = await api.get(PAYOUTS, params={"start_date": SUNDAY, "end_date": MONDAY, **query})
    assert answer.status_code == 200, answer.text
    return answer.json()


async def test_a_days_payout_pays_each_settled_payment_less_its_fee(api, create_checkout):
    first = await paid(api, create_checkout, 25.0)
    second = await paid(api, create_checkout, 15.5)

    made = await api.post(CONTROL, json={"date": SUNDAY, "fee_rate": 0.025})

    assert made.status_code == 201, made.text
    assert made.json()["amount"] == 39.48  # 25,00 − 0,63 + 15,50 − 0,39 (rounded half up)
    listed = await payouts(api)
    assert [(r["type"], r["transaction_code"], r["amount"], r["fee"]) for r in listed] == [
        ("PAYOUT", first["transaction_code"], 24.37, 0.63),
        ("PAYOUT", second["transaction_code"], 15.11, 0.39)]
    reference = payout_reference(MERCHANT, date(2026, 11, 29))
    assert {(r["date"], r["reference"], r["status"], r["currency"]) for r in listed} == {
        (SUNDAY, reference, "SUCCESSFUL", "EUR")}
    assert reference.startswith("SUMUP PID") and reference.endswith("PAYOUT 291126")
    assert all(isinstance(r["id"], int) for r in listed)


async def test_a_payment_is_paid_out_once_and_a_later_refund_is_deducted_from_the_next(
        api, create_checkout, clock):
    payment = await paid(api, create_checkout, 25.0)
    assert (await api.post(CONTROL, json={"date": SUNDAY})).status_code == 201
    clock.advance(days=1)  # Sunday: the customer is refunded 10,50 €
    refunds = f"/v1.0/merchants/{MERCHANT}/payments/{payment['transaction_id']}/refunds"
    assert (await api.post(refunds, json={"amount": 10.5})).status_code == 201
    again = await api.post(CONTROL, json={"date": SUNDAY})
    assert again.status_code == 409  # one payout a day

    monday = await api.post(CONTROL, json={"date": MONDAY})

    assert monday.status_code == 201
    assert [(r["type"], r["amount"], r["fee"]) for r in monday.json()["records"]] == [
        ("REFUND_DEDUCTION", 10.5, 0.0)]
    assert monday.json()["amount"] == -10.5
    assert (await api.post(CONTROL, json={"date": "2026-12-01"})).status_code == 409
    assert len(await payouts(api)) == 2


async def test_a_payment_of_today_waits_for_tomorrows_payout(api, create_checkout):
    await paid(api, create_checkout)
    answer = await api.post(CONTROL, json={"date": "2026-11-28"})
    assert answer.status_code == 409
    assert answer.headers["content-type"] == "application/problem+json"


async def test_payouts_are_listed_by_date_in_the_order_asked_as_json_or_csv(
        api, create_checkout, clock):
    await paid(api, create_checkout, 10.0)
    await api.post(CONTROL, json={"date": SUNDAY})
    clock.advance(days=1)
    await paid(api, create_checkout, 20.0)
    await api.post(CONTROL, json={"date": MONDAY})

    assert [r["date"] for r in await payouts(api)] == [SUNDAY, MONDAY]
    assert [r["date"] for r in await payouts(api, order="desc", limit=1)] == [MONDAY]
    assert await payouts(api, start_date=MONDAY, end_date=MONDAY) == (
        await payouts(api, order="desc"))[:1]
    csv = await api.get(PAYOUTS, params={"start_date": SUNDAY, "end_date": SUNDAY,
                                         "format": "csv"})
    assert csv.headers["content-type"].startswith("text/plain")
    header, row = csv.text.splitlines()
    assert header == "id,type,amount,date,currency,fee,status,reference,transaction_code"
    assert ",PAYOUT,10.00,2026-11-29,EUR,0.00,SUCCESSFUL,SUMUP PID" in row


@pytest.mark.parametrize("query, errors", [
    ({}, [{"error_code": "MISSING", "message": "Validation error: required",
           "param": "start_date"},
          {"error_code": "MISSING", "message": "Validation error: required",
           "param": "end_date"}]),
    ({"start_date": MONDAY, "end_date": SUNDAY},
     [{"error_code": "INVALID", "message": "negative date range"}]),
    ({"start_date": SUNDAY, "end_date": MONDAY, "limit": 0},
     [{"error_code": "INVALID", "message": "Validation error", "param": "limit"}]),
    ({"start_date": "29/11/2026", "end_date": MONDAY, "order": "up"},
     [{"error_code": "INVALID", "message": "Validation error", "param": "start_date"},
      {"error_code": "INVALID", "message": "Validation error", "param": "order"}]),
])
async def test_a_bad_payouts_query_is_refused_with_a_list_of_errors(api, query, errors):
    answer = await api.get(PAYOUTS, params=query)
    assert (answer.status_code, answer.json()) == (400, errors)


async def test_payouts_need_a_key_of_the_merchant(api, checkout_body):
    assert (await api.get(PAYOUTS, headers={"Authorization": ""})).status_code == 401
    other = {"Authorization": "Bearer sk_test_other_merchant"}
    await api.post("/v0.1/checkouts", json=checkout_body(merchant_code="MOTHER"), headers=other)
    assert (await api.get(PAYOUTS, params={"start_date": SUNDAY, "end_date": MONDAY},
                          headers=other)).status_code == 403


async def test_the_history_pages_oldest_first_following_its_next_links(
        api, create_checkout, clock):
    made = []
    for amount in (10.0, 20.0, 30.0):
        made.append(await paid(api, create_checkout, amount))
        clock.advance(minutes=1)
    first = (await api.get(HISTORY, params={"limit": 2})).json()
    assert [item["transaction_id"] for item in first["items"]] == [
        made[0]["transaction_id"], made[1]["transaction_id"]]
    [link] = first["links"]
    assert link["rel"] == "next" and link["href"].startswith("limit=2&oldest_ref=")
    rest = (await api.get(f"{HISTORY}?{link['href']}")).json()
    assert [item["amount"] for item in rest["items"]] == [30.0] and rest["links"] == []
    newest = (await api.get(HISTORY, params={"order": "descending", "limit": 1})).json()
    assert newest["items"][0]["id"] == made[2]["transaction_id"]
    assert "newest_ref=" in newest["links"][0]["href"]


async def test_the_history_shows_each_payments_payout_and_refunds(api, create_checkout, clock):
    payment = await paid(api, create_checkout, 25.0)
    await api.post(f"/v1.0/merchants/{MERCHANT}/payments/{payment['transaction_id']}/refunds",
                   json={"amount": 5.0})
    [before] = (await api.get(HISTORY)).json()["items"]
    assert "payout_date" not in before and before["payouts_received"] == 0
    await api.post(CONTROL, json={"date": SUNDAY, "fee_rate": 0.02})

    [item] = (await api.get(HISTORY)).json()["items"]

    assert {key: item[key] for key in ("type", "status", "refunded_amount", "payout_date",
                                       "payout_type", "payouts_received", "product_summary")} == {
        "type": "PAYMENT", "status": "SUCCESSFUL", "refunded_amount": 5.0,
        "payout_date": SUNDAY, "payout_type": "BANK_ACCOUNT", "payouts_received": 1,
        "product_summary": "Order of the week"}
    assert Decimal(str(item["amount"])) == Decimal("25.0")


async def test_the_history_filters_by_time_status_and_code(api, create_checkout, clock):
    early = await paid(api, create_checkout, 10.0)
    clock.advance(hours=2)
    late = await paid(api, create_checkout, 20.0)
    later_than = {"oldest_time": "2026-11-28T10:00:00Z"}
    assert [i["id"] for i in (await api.get(HISTORY, params=later_than)).json()["items"]] == [
        late["transaction_id"]]
    before = {"newest_time": "2026-11-28T10:00:00+00:00"}
    assert [i["id"] for i in (await api.get(HISTORY, params=before)).json()["items"]] == [
        early["transaction_id"]]
    by_code = {"transaction_code": late["transaction_code"]}
    assert len((await api.get(HISTORY, params=by_code)).json()["items"]) == 1
    refunded = {"statuses[]": ["REFUNDED"]}
    assert (await api.get(HISTORY, params=refunded)).json()["items"] == []
    assert (await api.get(HISTORY, params={"types[]": "REFUND"})).json()["items"] == []
    for bad in ({"order": "newest"}, {"limit": "-1"}, {"statuses[]": "PAID"},
                {"oldest_ref": "no-such-ref"}, {"oldest_time": "yesterday"}):
        answer = await api.get(HISTORY, params=bad)
        assert answer.status_code == 400 and answer.json()["error_code"] == "INVALID"
