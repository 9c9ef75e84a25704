"""SumUp's official Python SDK (`sumup`) against the stand-in, for every call the payments
service makes of SumUp: what works against the stand-in works against SumUp's own API shapes."""

import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sumup import APIError, AsyncSumup

from sumup_standin import Settings, create_app
from sumup_standin.testing import serving

MERCHANT = "MFERME01"


@pytest.fixture
async def sdk():
    async with serving(create_app(Settings())) as url:
        client = AsyncSumup(api_key=f"sk_test_{uuid.uuid4().hex}", base_url=url)
        client.url = url
        yield client
        await client.aclose()


async def created(sdk, amount: float = 15.5):
    return await sdk.checkouts.create(
        checkout_reference=f"{uuid.uuid4()}.1", amount=amount, currency="EUR",
        merchant_code=MERCHANT, description="Commande 1a2b3c4d",
        return_url="http://payments.test/v1/sumup/webhook", hosted_checkout={"enabled": True},
        valid_until=datetime.now(UTC) + timedelta(minutes=30))


async def test_checkouts_are_created_read_listed_and_deactivated_with_the_sdk(sdk):
    checkout = await created(sdk)
    assert (checkout.amount, checkout.currency, checkout.status) == (15.5, "EUR", "PENDING")
    assert checkout.merchant_code == MERCHANT
    read = await sdk.checkouts.get(checkout.id)
    assert read.checkout_reference == checkout.checkout_reference
    listed = await sdk.checkouts.list(checkout_reference=checkout.checkout_reference)
    assert [item.id for item in listed] == [checkout.id]
    deactivated = await sdk.checkouts.deactivate(checkout.id)
    assert deactivated.status == "EXPIRED"
    with pytest.raises(APIError) as refused:
        await sdk.checkouts.deactivate(checkout.id)
    assert refused.value.status == 409


async def test_a_paid_checkout_is_refunded_and_read_back_with_the_sdk(sdk):
    checkout = await created(sdk, 25.0)
    async with httpx.AsyncClient(base_url=sdk.url) as control:
        paid = await control.post(f"/v0.1/checkouts/{checkout.id}/simulate",
                                  json={"status": "PAID"})
    transaction_id = paid.json()["transaction_id"]
    read = await sdk.checkouts.get(checkout.id)
    assert read.status == "PAID" and read.transaction_id == transaction_id
    await sdk.transactions.refund(MERCHANT, transaction_id, amount=10.0)
    await sdk.transactions.refund(MERCHANT, transaction_id)  # the rest
    transaction = await sdk.transactions.get(MERCHANT, id=transaction_id)
    assert transaction.status == "REFUNDED" and transaction.amount == 25.0
    assert [(event.type, event.amount) for event in transaction.events] == [
        ("REFUND", 10.0), ("REFUND", 15.0)]
    history = await sdk.transactions.list(MERCHANT, limit=10)
    assert [item.id for item in history.items] == [transaction_id]
    with pytest.raises(APIError) as refused:
        await sdk.transactions.refund(MERCHANT, transaction_id, amount=1.0)
    assert refused.value.status == 409
