"""The Clients pages in Chromium: the list by balance, a customer's page, a top-up by transfer."""

import re

import httpx
from playwright.sync_api import expect

from ardoise.auth import Principal, issue_token

from .conftest import shot


def test_an_operator_reads_the_customers_by_balance_and_tops_one_up(
        system, page, sign_in, producer_id):
    headers = {"Authorization": "Bearer " + issue_token(system.env["ARDOISE_JWT_SECRET"],
                                                        Principal("operator", producer_id))}
    base = f"{system.urls['accounts']}/v1/producers/{producer_id}/customers"
    for customer_id, name, cents in (("c1", "Claire Martin", -1250), ("c2", "Bruno Petit", 800),
                                     ("c3", "Élise Durand", 0)):
        assert httpx.put(f"{base}/{customer_id}", json={"name": name}, headers=headers,
                         timeout=10).status_code == 200
        if cents:
            assert httpx.post(f"{base}/{customer_id}/movements", headers=headers, timeout=10,
                              json={"direction": "credit" if cents > 0 else "debit",
                                    "amount_cents": abs(cents)}).status_code == 201

    sign_in(page, "operator", producer_id, "ferme@example.org")
    assert page.url.endswith("/clients")
    table = page.get_by_role("table")
    names = table.get_by_role("rowheader").all_inner_texts()
    assert names == ["Claire Martin", "Élise Durand", "Bruno Petit"]  # debts first
    first = table.get_by_role("row").nth(1)
    expect(first).to_contain_text("-12,50 €")
    expect(page.get_by_role("status")).to_contain_text("3 clients")
    shot(page, "clients")

    page.get_by_role("link", name="Claire Martin").click()
    page.wait_for_url("**/clients/c1")
    expect(page.get_by_role("heading", name="Claire Martin", level=1)).to_be_visible()
    top_up = page.get_by_role("form", name="Recharger")
    top_up.get_by_label("Montant en euros").fill("50,00")
    top_up.get_by_label("Reçu par").select_option(label="Virement")
    top_up.get_by_role("button", name="Enregistrer la recharge").click()
    page.wait_for_url(re.compile(r".*/clients/c1\?fait=recharge&montant=5000$"))
    expect(page.get_by_role("status")).to_have_text("Recharge de 50,00 € enregistrée.")
    expect(page.locator("#balance")).to_have_text("37,50 €")
    history = page.get_by_role("table").filter(has=page.get_by_role("columnheader",
                                                                    name="Solde après"))
    expect(history.get_by_role("row").nth(1)).to_contain_text("Virement")
    shot(page, "client")

    page.get_by_role("link", name="← Tous les clients").click()
    page.get_by_label("En dette seulement").check()
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_role("status")).to_contain_text("Aucun client ne correspond")
