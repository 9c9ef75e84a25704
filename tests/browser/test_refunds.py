"""A refund in Chromium: an order paid online through the SumUp stand-in, then part of it given
back from the week's payments page ("Rembourser en ligne", a box to tick)."""

from datetime import date

import httpx
from playwright.sync_api import expect

from ardoise.weeks import week_of

from .conftest import shot
from .test_account import claires_order_to_pay_online, until

STANDIN_KEY = {"Authorization": "Bearer standin"}


def test_the_farm_gives_back_part_of_an_online_payment(page, sign_in, system, producer_id):
    order_id, base, customer, shown = claires_order_to_pay_online(system, producer_id)
    payment = shown["payment"]
    paid = httpx.post(f"{system.urls['sumup']}/v0.1/checkouts/{payment['checkout_id']}/simulate",
                      headers=STANDIN_KEY, json={"status": "PAID"}, timeout=10)
    assert paid.status_code == 200, paid.text
    shown = until(lambda: httpx.get(f"{base}/{order_id}", headers=customer, timeout=10).json(),
                  lambda o: o["settlement"]["mode"] == "online")

    sign_in(page, "operator", producer_id, "ferme@example.org")
    page.goto(f"/paiements?semaine={week_of(date.fromisoformat(shown['delivery_date']))}")
    page.get_by_text("Rembourser en ligne").click()
    refund = page.get_by_role("form", name="Rembourser Claire Martin")
    refund.get_by_label("Montant à rendre (€)").fill("5,00")
    refund.get_by_label("Rendre cet argent au client par SumUp").check()
    shot(page, "remboursement")
    refund.get_by_role("button", name="Rembourser").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Remboursement en ligne de 5,00 € effectué par SumUp")
    expect(page.get_by_role("main")).to_contain_text("Payé en ligne : 15,00 €")
