"""Invoices in Chromium: the operator states the farm's identity on the Facturation page,
opens an order's invoice, presses "Émettre la facture", sees its number and downloads its PDF."""

import httpx
from playwright.sync_api import expect

from ardoise.auth import Principal, issue_token

from .conftest import shot


def as_operator(system, producer_id: str) -> dict:
    return {"Authorization": "Bearer " + issue_token(system.env["ARDOISE_JWT_SECRET"],
                                                      Principal("operator", producer_id))}


def test_the_operator_issues_an_orders_invoice_and_downloads_its_pdf(page, sign_in, system,
                                                                      producer_id):
    headers = as_operator(system, producer_id)
    base = f"/v1/producers/{producer_id}"
    httpx.put(f"{system.urls['accounts']}{base}/customers/c1", json={"name": "Claire Martin"},
              headers=headers, timeout=10).raise_for_status()
    placed = httpx.post(f"{system.urls['orders']}{base}/orders", headers=headers, timeout=10,
                        json={"customer_id": "c1", "lines": [
                            {"label": "Panier de légumes", "quantity": 1,
                             "unit_price_cents": 2000, "vat_rate": "5.5"}]})
    placed.raise_for_status()
    order_id = placed.json()["order_id"]

    sign_in(page, "operator", producer_id, "ferme@example.org")
    page.get_by_role("link", name="Facturation").click()
    expect(page.get_by_role("heading", name="Identité de facturation")).to_be_visible()
    page.get_by_label("Raison sociale").fill("EARL Ferme des Saules")
    page.get_by_label("Adresse", exact=True).fill("12 chemin des Saules\n49000 Angers")
    page.get_by_label("SIRET").fill("732 829 320 00074")
    page.get_by_label("Régime de TVA").select_option(label="Assujetti à la TVA")
    page.get_by_label("N° de TVA intracommunautaire").fill("FR44732829320")
    page.get_by_label("Taux de TVA par défaut").select_option(label="5,5 %")
    page.get_by_label("Forme juridique").fill("EARL")
    page.get_by_label("Immatriculation (RCS/RM)").fill("RCS Angers 732 829 320")
    page.get_by_label("Afficher le crédit disponible sur les tickets").check()
    shot(page, "facturation")
    page.get_by_role("button", name="Enregistrer l'identité de facturation").click()
    expect(page.get_by_role("status")).to_contain_text("Identité de facturation enregistrée.")
    expect(page.get_by_label("SIRET")).to_have_value("73282932000074")

    page.goto(f"/commandes/{order_id}/facture")
    expect(page.get_by_role("article", name="Facture")).to_contain_text("Panier de légumes")
    page.get_by_role("button", name="Émettre la facture").click()
    expect(page.get_by_role("status")).to_contain_text("Facture F000001 émise.")
    expect(page.get_by_label("Émission de la facture")).to_contain_text("Facture n° F000001")
    expect(page.get_by_role("button", name="Émettre la facture")).to_have_count(0)
    shot(page, "facture-emise")
    with page.expect_download() as pdf:
        page.get_by_role("link", name="Télécharger le PDF").click()
    assert pdf.value.suggested_filename == "F000001.pdf"
    with open(pdf.value.path(), "rb") as content:
        assert content.read(4) == b"%PDF"
