"""The week of payments in Chromium: an order settled in cash for more than its total shows its
credit note, the rest of the week settled together; then the settings page."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
from playwright.sync_api import expect

from ardoise.auth import Principal, issue_token

from .conftest import shot


def a_week_ahead() -> tuple[str, str]:
    """Next week (Paris time) and its Wednesday: a week no other order of this producer is in."""
    today = datetime.now(ZoneInfo("Europe/Paris")).date()
    wednesday = today + timedelta(days=7 - today.weekday() + 2)
    year, week, _ = wednesday.isocalendar()
    return f"{year}-W{week:02d}", wednesday.isoformat()


def test_an_operator_settles_the_week_and_sees_the_credit_note(system, page, sign_in,
                                                               producer_id):
    # `system` first: its servers start (asyncio.run) before Playwright's loop is running
    headers = {"Authorization": "Bearer " + issue_token(system.env["ARDOISE_JWT_SECRET"],
                                                        Principal("operator", producer_id))}
    base = f"/v1/producers/{producer_id}"
    for customer, name in (("c1", "Claire Martin"), ("c2", "Bruno Petit")):
        httpx.put(f"{system.urls['accounts']}{base}/customers/{customer}", json={"name": name},
                  headers=headers, timeout=10).raise_for_status()
    week, wednesday = a_week_ahead()
    orders = {}
    for customer, cents in (("c1", 2000), ("c2", 1250), ("c2", 900)):
        placed = httpx.post(f"{system.urls['orders']}{base}/orders", headers=headers, timeout=10,
                            json={"customer_id": customer, "delivery_date": wednesday,
                                  "lines": [{"label": "Panier", "quantity": 1,
                                             "unit_price_cents": cents}]})
        placed.raise_for_status()
        orders[(customer, cents)] = placed.json()["order_id"]

    sign_in(page, "operator", producer_id, "ferme@example.org")
    page.goto(f"/paiements?semaine={week}")
    rows = page.get_by_role("row").filter(has=page.get_by_role("button", name="Régler"))
    for _ in range(150):  # the payments service hears of the orders and names by events
        if rows.count() == 3 and rows.filter(has_text="Bruno Petit").count() == 2:
            break
        page.wait_for_timeout(200)
        page.reload()
    expect(rows).to_have_count(3)

    def row_of(order_id: str):
        return page.get_by_role("row").filter(
            has=page.locator(f'a[href="/commandes/{order_id}/facture"]'))

    claire = row_of(orders[("c1", 2000)])
    claire.get_by_label("Mode", exact=True).select_option(label="Espèces")
    claire.get_by_label("Montant payé (€)").fill("25,00")
    claire.get_by_role("button", name="Régler").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Espèces, 25,00 € reçus. Avoir n°1 de 5,00 € émis")
    claire = row_of(orders[("c1", 2000)])
    expect(claire).to_contain_text("Espèces")
    expect(claire).to_contain_text("n°1 : 5,00 €")

    for order in (orders[("c2", 1250)], orders[("c2", 900)]):
        row_of(order).get_by_role("checkbox", name="Bruno Petit").check()
    page.get_by_label("Mode pour la sélection").select_option(label="Chèque")
    page.get_by_role("button", name="Régler la sélection").click()
    expect(page.get_by_role("status")).to_contain_text(
        "2 commandes : Chèque, chacune payée son total (soit 21,50 € reçus).")
    for order in (orders[("c2", 1250)], orders[("c2", 900)]):
        expect(row_of(order)).to_contain_text("Chèque")
    totals = page.get_by_role("table").filter(has_text="Total reçu")
    expect(totals.get_by_role("row", name=re.compile("^Total reçu"))).to_contain_text("46,50 €")
    expect(page.get_by_role("button", name="Exporter la sélection (XLSX)")).to_be_visible()
    shot(page, "paiements")

    page.get_by_role("link", name="Réglages").click()
    page.wait_for_url("**/reglages")
    expect(page.get_by_label("Activer le suivi des paiements")).to_be_checked()
    expect(page.get_by_label("Fuseau horaire")).to_have_value("Europe/Paris")
    shot(page, "reglages")
