"""Forged SumUp notifications on the running system: for an unknown checkout, an unpaid one, a paid
checkout this system never opened (another merchant's), or one sent many times: nothing is
recorded beyond what SumUp itself reports paid for our own checkout, once."""

import asyncio
import uuid

import asyncpg
import httpx

from ardoise.db import plain_dsn
from ardoise_tools.testing.polling import eventually

from ..e2e.conftest import customer_of, operator  # noqa: F401 - the fixtures
from ..e2e.test_online_payment import (
    STANDIN_KEY,
    account,
    checkout_of,
    movement,
    order,
    order_20_euros,
    pay_at_sumup,
    shop,  # noqa: F401 - the fixture
)


async def recorded(system, producer_id: str) -> tuple[int, int]:
    """Online settlements and payment movements of this producer."""
    payments = await asyncpg.connect(plain_dsn(system.env["PAYMENTS_DATABASE_URL"]))
    accounts = await asyncpg.connect(plain_dsn(system.env["ACCOUNTS_DATABASE_URL"]))
    try:
        return (await payments.fetchval(
                    "SELECT count(*) FROM payments.settlements WHERE producer_id = $1"
                    " AND mode = 'online'", producer_id),
                await accounts.fetchval(
                    "SELECT count(*) FROM accounts.movements WHERE producer_id = $1"
                    " AND kind = 'payment'", producer_id))
    finally:
        await payments.close()
        await accounts.close()


async def test_forged_notifications_record_nothing(system, operator, shop,  # noqa: F811
                                                    producer_id):
    movement(operator, producer_id, "credit", 300)
    pending_order = await order_20_euros(shop, producer_id)
    pending = await checkout_of(shop, producer_id, pending_order)
    # a checkout paid at SumUp that this system never opened (another merchant's, say)
    async with httpx.AsyncClient(base_url=system.urls["sumup"], headers=STANDIN_KEY) as sumup:
        foreign = (await sumup.post("/v0.1/checkouts", json={
            "checkout_reference": f"elsewhere-{uuid.uuid4().hex}", "amount": 17.0,
            "currency": "EUR", "merchant_code": "MOTHER01"})).json()
        paid = await sumup.post(f"/v0.1/checkouts/{foreign['id']}/simulate",
                                json={"status": "PAID"})
        assert paid.status_code == 200, paid.text
    webhook = f"{system.urls['payments']}/v1/sumup/webhook"
    forged = [
        {"event_type": "CHECKOUT_STATUS_CHANGED", "id": str(uuid.uuid4())},  # unknown
        {"event_type": "CHECKOUT_STATUS_CHANGED", "id": pending["checkout_id"]},  # not paid
        {"event_type": "CHECKOUT_STATUS_CHANGED", "id": foreign["id"]},  # not ours
        {"event_type": "CHECKOUT_PAID", "id": pending["checkout_id"]},  # unknown type
        {"id": pending["checkout_id"]},
    ]
    async with httpx.AsyncClient() as client:
        for body in forged * 3:
            assert (await client.post(webhook, json=body)).status_code == 204
    await asyncio.sleep(2.0)  # the read-backs run after the 204
    assert await recorded(system, producer_id) == (0, 0)
    assert (await order(shop, producer_id, pending_order))["status"] == "awaiting_payment"
    assert (await account(operator, producer_id))["held_cents"] == 300

    # the real payment of our own checkout, then its notification five more times: one payment
    await pay_at_sumup(system, pending["checkout_id"])
    async with httpx.AsyncClient() as client:
        for _ in range(5):
            await client.post(webhook, json={"event_type": "CHECKOUT_STATUS_CHANGED",
                                             "id": pending["checkout_id"]})
    await eventually(lambda: recorded(system, producer_id), lambda r: r == (1, 1))
    await asyncio.sleep(1.0)
    assert await recorded(system, producer_id) == (1, 1)
    print(f"forged: {len(forged) * 3} forged notifications (unknown, unpaid, another merchant's, "
          f"unknown type, no type) recorded nothing; 1 real payment notified 6 times recorded once")
