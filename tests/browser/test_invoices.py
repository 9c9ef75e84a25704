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

    # a mistake on it: cancelled in full by a facture d'avoir, once the box is ticked
    page.get_by_text("Annuler cette facture").click()
    button = page.get_by_role("button", name="Annuler par un avoir")
    expect(button).to_be_visible()
    button.click()  # the box not ticked: the browser keeps the form
    expect(page.get_by_label("Émission de la facture")).to_contain_text("Facture n° F000001")
    page.get_by_label("J'annule la facture F000001 par une facture d'avoir").check()
    shot(page, "facture-annulation")
    button.click()
    expect(page.get_by_role("status")).to_contain_text(
        "Facture d'avoir FA000001 émise : elle annule la facture F000001.")
    expect(page.get_by_label("Émission de la facture")).to_contain_text(
        "Documents émis pour cette commande : Facture F000001 · Avoir FA000001")
    with page.expect_download() as credit_pdf:
        page.get_by_role("link", name="Avoir FA000001").click()
    assert credit_pdf.value.suggested_filename == "FA000001.pdf"
    page.get_by_role("button", name="Émettre la facture").click()
    expect(page.get_by_role("status")).to_contain_text("Facture F000002 émise.")
