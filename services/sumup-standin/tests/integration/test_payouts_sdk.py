"""SumUp's official Python SDK (`sumup`) reads the stand-in's payouts and transaction history
into its own models: the fields, types, statuses and pages the payments service relies on."""

import uuid
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from sumup import APIError, AsyncSumup
from sumup.types import FinancialPayout, TransactionHistory

from sumup_standin import Settings, create_app
from sumup_standin.testing import serving

MERCHANT = "MFERME02"


@pytest.fixture
async def sdk():
    async with serving(create_app(Settings())) as url:
        client = AsyncSumup(api_key=f"sk_test_{uuid.uuid4().hex}", base_url=url)
        async with httpx.AsyncClient(base_url=url) as control:
            client.control = control
            yield client
        await client.aclose()


async def paid(sdk, amount: float) -> str:
    checkout = await sdk.checkouts.create(
        checkout_reference=f"{uuid.uuid4()}.1", amount=amount, currency="EUR",
        merchant_code=MERCHANT, description="Commande 5e6f7a8b",
        valid_until=datetime.now(UTC) + timedelta(minutes=30))
    answer = await sdk.control.post(f"/v0.1/checkouts/{checkout.id}/simulate",
                                    json={"status": "PAID"})
    return answer.json()["transaction_id"]


async def test_the_sdk_reads_payouts_with_their_fees_and_deductions(sdk):
    first = await paid(sdk, 20.0)
    await paid(sdk, 12.5)
    tomorrow = datetime.now(UTC).date() + timedelta(days=1)
    made = await sdk.control.post(f"/_standin/merchants/{MERCHANT}/payouts",
                                  json={"date": tomorrow.isoformat(), "fee_rate": 0.0195})
    assert made.status_code == 201
    await sdk.transactions.refund(MERCHANT, first, amount=5.0)

    listed = await sdk.payouts.list(MERCHANT, start_date=tomorrow, end_date=tomorrow,
                                    format="json", limit=100, order="desc")

    assert all(isinstance(record, FinancialPayout) for record in listed)
    assert [(r.type, r.amount, r.fee, r.status) for r in listed] == [
        ("PAYOUT", 12.26, 0.24, "SUCCESSFUL"), ("PAYOUT", 19.61, 0.39, "SUCCESSFUL")]
    assert {(r.date, r.reference) for r in listed} == {
        (tomorrow, f"{made.json()['reference']}")}
    with pytest.raises(APIError) as refused:
        await sdk.payouts.list(MERCHANT, start_date=tomorrow, end_date=date(2020, 1, 1))
    assert refused.value.status == 400


async def test_the_sdk_pages_through_the_history_with_its_links(sdk):
    made = [await paid(sdk, amount) for amount in (10.0, 11.0, 12.0)]

    first = await sdk.transactions.list(MERCHANT, limit=2, order="ascending")
    assert all(isinstance(item, TransactionHistory) for item in first.items)
    assert [item.transaction_id for item in first.items] == made[:2]
    [link] = first.links
    oldest_ref = dict(httpx.QueryParams(link.href))["oldest_ref"]
    rest = await sdk.transactions.list(MERCHANT, limit=2, order="ascending",
                                       oldest_ref=oldest_ref)
    assert [(item.transaction_id, item.type, item.status) for item in rest.items] == [
        (made[2], "PAYMENT", "SUCCESSFUL")]
    assert rest.links == []
