"""The Exports page in Chromium: the operator downloads the sales by mode and the received
payments of a selection, and both files open as workbooks listing the orders."""

import io
import time
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import openpyxl
from playwright.sync_api import expect

from ardoise.auth import Principal, issue_token

from .conftest import shot


def as_operator(system, producer_id: str) -> dict:
    return {"Authorization": "Bearer " + issue_token(system.env["ARDOISE_JWT_SECRET"],
                                                      Principal("operator", producer_id))}


def until(probe, accept, timeout_s: float = 60.0):
    deadline = time.monotonic() + timeout_s
    while not accept(value := probe()):
        assert time.monotonic() < deadline, f"still not as expected: {value!r}"
        time.sleep(0.1)
    return value


def order_ids_of(content: bytes, sheet: str) -> set[str]:
    rows = openpyxl.load_workbook(io.BytesIO(content))[sheet].iter_rows(values_only=True)
    return {row[1] for row in rows if row and len(row) > 1 and isinstance(row[1], str)}


def test_the_operator_downloads_both_workbooks_and_they_list_the_orders(
    page, sign_in, system, producer_id
):
    headers = as_operator(system, producer_id)
    base = f"/v1/producers/{producer_id}"
    httpx.put(f"{system.urls['accounts']}{base}/customers/c1", json={"name": "Claire Martin"},
              headers=headers, timeout=10).raise_for_status()
    today = datetime.now(ZoneInfo("Europe/Paris")).date()
    wednesday = today + timedelta(days=7 - today.weekday() + 2)
    year, number, _ = wednesday.isocalendar()
    week = f"{year}-W{number:02d}"
    orders = []
    for cents in (2000, 1250):
        placed = httpx.post(f"{system.urls['orders']}{base}/orders", headers=headers, timeout=10,
                            json={"customer_id": "c1", "delivery_date": wednesday.isoformat(),
                                  "lines": [{"label": "Panier", "quantity": 1,
                                             "unit_price_cents": cents}]})
        placed.raise_for_status()
        orders.append(placed.json()["order_id"])
    # the exports and payments services hear of orders by events
    until(lambda: httpx.get(f"{system.urls['exports']}{base}/exports/sales-by-mode.xlsx",
                            params={"from": wednesday, "to": wednesday}, headers=headers,
                            timeout=10),
          lambda r: r.status_code == 200 and set(orders) <= order_ids_of(r.content, "Commandes"))
    until(lambda: httpx.get(f"{system.urls['payments']}{base}/payments", params={"week": week},
                            headers=headers, timeout=10).json(),
          lambda w: {r["order_id"] for r in w.get("rows", [])} >= set(orders)
          and all(r["customer_name"] == "Claire Martin" for r in w["rows"]))

    sign_in(page, "operator", producer_id, "ferme@example.org")
    page.get_by_role("link", name="Exports").click()
    expect(page.get_by_role("heading", name="Exports", exact=True)).to_be_visible()
    page.get_by_label("Du", exact=True).fill(wednesday.isoformat())
    page.get_by_label("au", exact=True).fill((wednesday + timedelta(days=4)).isoformat())
    shot(page, "exports")
    with page.expect_download() as sales:
        page.get_by_role("button", name="Télécharger les ventes par mode (XLSX)").click()
    assert sales.value.suggested_filename.startswith("ventes-par-mode_")
    content = open(sales.value.path(), "rb").read()
    assert set(orders) <= order_ids_of(content, "Commandes")
    summary = openpyxl.load_workbook(io.BytesIO(content))["Ventes par mode"]
    assert [r for r in summary.iter_rows(values_only=True) if r and r[0] == "Total"][0][1] == 2

    page.goto(f"/paiements?semaine={week}")
    for order_id in orders:
        page.locator(f'input[name="order_ids"][value="{order_id}"]').check()
    with page.expect_download() as received:
        page.get_by_role("button", name="Exporter la sélection (XLSX)").click()
    assert received.value.suggested_filename.startswith("paiements-recus_")
    assert set(orders) <= order_ids_of(open(received.value.path(), "rb").read(),
                                       "Paiements reçus")


def test_send_now_says_how_it_went(page, sign_in, producer_id):
    sign_in(page, "operator", producer_id, "ferme@example.org")
    page.goto("/exports")
    page.get_by_label("Nom de la ferme").fill("Ferme des Saules")
    page.get_by_label("Adresse e-mail").fill(f"ferme-{uuid.uuid4().hex[:6]}@example.org")
    page.get_by_role("button", name="Enregistrer l'adresse").click()
    expect(page.get_by_role("status")).to_contain_text("Le courriel hebdomadaire ira à")
    last_monday = date.today() - timedelta(days=date.today().weekday() + 7)
    year, number, _ = last_monday.isocalendar()
    page.get_by_label("Semaine").fill(f"{year}-W{number:02d}")
    page.get_by_role("button", name="Envoyer maintenant").click()
    # the test system has no mail server: the page says the e-mail did not go, and why
    expect(page.get_by_role("alert")).to_contain_text("le serveur de courrier ne l'a pas accepté")
    expect(page.get_by_role("table")).to_contain_text("Non parti")


def test_the_invoice_and_the_receipt_open_with_a_print_button(page, sign_in, system,
                                                               producer_id):
    headers = as_operator(system, producer_id)
    base = f"/v1/producers/{producer_id}"
    httpx.put(f"{system.urls['accounts']}{base}/customers/c1", json={"name": "Claire Martin"},
              headers=headers, timeout=10).raise_for_status()
    placed = httpx.post(f"{system.urls['orders']}{base}/orders", headers=headers, timeout=10,
                        json={"customer_id": "c1", "lines": [
                            {"label": "Pommes", "quantity": "1.5", "unit": "kg",
                             "unit_price_cents": 380}]})
    order_id = placed.json()["order_id"]
    sign_in(page, "operator", producer_id, "ferme@example.org")
    page.goto(f"/commandes/{order_id}/facture")
    expect(page.get_by_role("article", name="Facture")).to_contain_text("5,70 €")
    expect(page.get_by_role("button", name="Imprimer")).to_be_visible()
    shot(page, "facture")
    page.get_by_role("link", name="Ticket").click()
    expect(page.get_by_label("Ticket de caisse")).to_contain_text("1,5 kg x 3,80 €/kg")
    page.evaluate("window.print = () => { document.body.dataset.printed = 'yes'; }")
    page.get_by_role("button", name="Imprimer").click()
    expect(page.locator("body")).to_have_attribute("data-printed", "yes")
    shot(page, "ticket")
