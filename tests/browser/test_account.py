"""Mon compte on a phone, in Chromium: an order placed for online payment, paid on the SumUp
stand-in's hosted page from the "Payer en ligne" link, then seen paid (its page updating by
itself)."""

import asyncio
import re
import time
from concurrent.futures import ThreadPoolExecutor

import asyncpg
import httpx
from playwright.sync_api import expect

from ardoise.auth import Principal, issue_token
from ardoise.db import plain_dsn

from .conftest import shot


def bearer(system, principal: Principal) -> dict:
    return {"Authorization": "Bearer " + issue_token(system.env["ARDOISE_JWT_SECRET"],
                                                      principal)}


def until(probe, accept, timeout_s: float = 60.0):
    deadline = time.monotonic() + timeout_s
    while not accept(value := probe()):
        assert time.monotonic() < deadline, f"still not as expected: {value!r}"
        time.sleep(0.1)
    return value


def require_online_payment(system, producer_id: str) -> None:
    """The producer's own SumUp account on the stand-in, online payment required; waited for
    until the orders service has heard it (it asks for a checkout as an order is placed)."""
    answer = httpx.put(f"{system.urls['payments']}/v1/producers/{producer_id}/settings",
                       headers=bearer(system, Principal("operator", producer_id)), timeout=10,
                       json={"payment_tracking": True, "online_payment_required": True,
                             "accepted_modes": ["account", "cash", "online"],
                             "sumup_merchant_code": f"M{producer_id[2:].upper()}",
                             "sumup_api_key": f"sk_test_{producer_id}"})
    assert answer.status_code == 200, answer.text

    async def heard() -> bool:
        connection = await asyncpg.connect(plain_dsn(system.env["ORDERS_DATABASE_URL"]))
        try:
            return await connection.fetchval(
                "SELECT online_payment_required FROM orders.producers WHERE producer_id = $1",
                producer_id) is True
        finally:
            await connection.close()

    with ThreadPoolExecutor(1) as aside:  # Playwright's own loop runs in this thread
        until(lambda: aside.submit(asyncio.run, heard()).result(), bool)


def claires_order_to_pay_online(system, producer_id: str) -> tuple[str, str, dict, dict]:
    """Claire's 20,00 € order at a producer requiring online payment, once its checkout is
    there: its id, the orders' URL, Claire's headers and the order as she reads it."""
    operator = bearer(system, Principal("operator", producer_id))
    base = f"{system.urls['orders']}/v1/producers/{producer_id}/orders"
    httpx.put(f"{system.urls['accounts']}/v1/producers/{producer_id}/customers/c1",
              json={"name": "Claire Martin"}, headers=operator, timeout=10).raise_for_status()
    require_online_payment(system, producer_id)
    customer = bearer(system, Principal("customer", producer_id, "c1"))
    placed = httpx.post(base, headers=customer, timeout=10, json={
        "customer_id": "c1", "lines": [{"label": "Panier", "quantity": 1,
                                        "unit_price_cents": 2000}]})
    assert placed.status_code == 201, placed.text
    order_id = placed.json()["order_id"]
    shown = until(lambda: httpx.get(f"{base}/{order_id}", headers=customer, timeout=10).json(),
                  lambda o: (o.get("payment") or {}).get("checkout_url"))
    return order_id, base, customer, shown


def test_a_customer_pays_online_from_mon_compte_on_a_phone(phone, sign_in, system,
                                                           producer_id):
    order_id, base, customer, _ = claires_order_to_pay_online(system, producer_id)

    sign_in(phone, "customer", producer_id, "claire@example.org", customer="c1")
    expect(phone.get_by_role("heading", name="Mon compte")).to_be_visible()
    expect(phone.get_by_role("main")).to_contain_text("En attente de paiement")
    shot(phone, "mon-compte")

    # the order's own page, left open: it follows the order by itself
    watching = phone.context.new_page()
    watching.goto(f"/mon-compte/commandes/{order_id}")
    expect(watching.get_by_label("État de la commande")).to_contain_text(
        "En attente de paiement")

    phone.get_by_role("link", name="Payer en ligne").click()
    phone.wait_for_url(re.compile(r".*/pay/.*"))
    expect(phone.locator("#amount")).to_contain_text("20,00 EUR")
    phone.get_by_role("button", name="Pay", exact=True).click()
    expect(phone.locator("#status")).to_contain_text("PAID")

    expect(watching.get_by_label("État de la commande")).to_contain_text("Payée",
                                                                         timeout=30_000)
    expect(watching.get_by_role("link", name="Payer en ligne")).to_have_count(0)

    phone.goto(f"/mon-compte/commandes/{order_id}")
    expect(phone.get_by_label("État de la commande")).to_contain_text(
        "Payée en ligne : 20,00 €")
    shot(phone, "mon-compte-commande-payee")
