"""Mon compte on a phone, in Chromium: a customer owing 12,50 € presses "Régler ma dette",
pays on the SumUp stand-in's hosted page, comes back by its link and sees the payment confirmed;
Mon compte then shows the balance at zero and no debt to pay."""

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor

import asyncpg
import httpx
from playwright.sync_api import expect

from ardoise.auth import Principal
from ardoise.db import plain_dsn

from .conftest import shot
from .test_account import bearer, require_online_payment, until


def known_to_payments(system, producer_id: str, customer_id: str) -> None:
    """Waited for until the payments service heard of the customer (CustomerRegistered): it
    opens checkouts for the customers the producer registered."""

    async def heard() -> bool:
        connection = await asyncpg.connect(plain_dsn(system.env["PAYMENTS_DATABASE_URL"]))
        try:
            return await connection.fetchval(
                "SELECT count(*) FROM payments.customers WHERE producer_id = $1 "
                "AND customer_id = $2", producer_id, customer_id) == 1
        finally:
            await connection.close()

    with ThreadPoolExecutor(1) as aside:  # Playwright's own loop runs in this thread
        until(lambda: aside.submit(asyncio.run, heard()).result(), bool)


def test_a_customer_pays_its_debt_from_mon_compte_on_a_phone(phone, sign_in, system,
                                                             producer_id):
    operator = bearer(system, Principal("operator", producer_id))
    accounts = f"{system.urls['accounts']}/v1/producers/{producer_id}/customers/c1"
    httpx.put(accounts, json={"name": "Claire Martin"}, headers=operator,
              timeout=10).raise_for_status()
    require_online_payment(system, producer_id)
    httpx.post(f"{accounts}/movements", json={"direction": "debit", "amount_cents": 1250},
               headers=operator, timeout=10).raise_for_status()
    known_to_payments(system, producer_id, "c1")

    sign_in(phone, "customer", producer_id, "claire@example.org", customer="c1")
    online = phone.get_by_role("region", name="Payer en ligne")
    expect(online).to_be_visible()
    expect(online.get_by_role("button", name="Recharger mon compte")).to_be_visible()
    shot(phone, "mon-compte-payer-en-ligne")
    online.get_by_role("button", name="Régler ma dette (12,50 €)").click()

    phone.wait_for_url(re.compile(r".*/mon-compte/recharges/[0-9a-f-]{36}$"))
    expect(phone.get_by_role("heading", name="Paiement en ligne de 12,50 €")).to_be_visible()
    phone.get_by_role("link", name="Payer 12,50 € sur SumUp").click()
    phone.wait_for_url(re.compile(r".*/pay/.*"))
    expect(phone.locator("#amount")).to_contain_text("12,50 EUR")
    phone.get_by_role("button", name="Pay", exact=True).click()
    expect(phone.locator("#status")).to_contain_text("PAID")

    phone.get_by_role("link", name="Back to the shop").click()  # SumUp's redirect_url
    phone.wait_for_url(re.compile(r".*/mon-compte/recharges/[0-9a-f-]{36}$"))
    expect(phone.get_by_label("État du paiement")).to_contain_text(
        "Paiement reçu : 12,50 € ajoutés à votre compte.", timeout=30_000)
    shot(phone, "mon-compte-recharge-payee")

    phone.get_by_role("link", name="Retour à mon compte").click()
    expect(phone.get_by_role("main")).to_contain_text("Votre compte est à zéro.")
    expect(phone.get_by_role("button", name=re.compile("Régler ma dette"))).to_have_count(0)
