"""The invoice page and its A4 PDF: the facts French law asks an invoice to state, from the
frozen document and what print time adds."""

import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from ardoise.money import format_cents
from orders.documents import invoice_html, invoice_pdf
from orders.domain.order import line_amount_cents
from orders.domain.vat import breakdown, line_bases

SELLER = {"legal_name": "EARL Ferme des Saules", "address": "12 chemin des Saules\n49000 Angers",
          "siren": "732829320", "siret": "73282932000074", "vat_number": "FR44732829320",
          "vat_regime": "vat", "vat_mention": None, "legal_form": "EARL",
          "share_capital_cents": 750000, "registration": "RCS Angers", "email": None,
          "phone": None, "logo_data_url": None}
CONSUMER = {"customer_id": "c-0042", "name": "Élise Martin", "address": None,
            "professional": False, "siren": None, "vat_number": None}
PRINTED = {"printed_text": "05/12/2026 à 11:15", "balance_status": "shown", "balance_cents": 500}
FRANCHISE = "TVA non applicable, art. 293 B du CGI"
LINES = [("Panier de légumes", "1", "piece", 2000, "5.5"),
         ("Pommes", "1.255", "kg", 399, "5.5"),
         ("Jus de pomme", "2", "l", 600, "20"),
         ("Radis", "2", "bunch", 150, "0")]


def make_document(lines=LINES, kind="invoice", number="F000042", seller=SELLER, buyer=CONSUMER):
    """A document as issuing freezes it, its VAT figures from the domain's own rules."""
    rows = []
    for label, quantity, unit, unit_price_cents, rate in lines:
        amount_cents = line_amount_cents(Decimal(quantity), unit_price_cents)
        rows.append({"label": label, "quantity": quantity, "unit": unit,
                     "unit_price_cents": unit_price_cents, "vat_rate": rate,
                     "amount_cents": amount_cents})
    sign = -1 if kind == "credit_invoice" else 1
    amounts = [(row["vat_rate"], sign * row["amount_cents"]) for row in rows]
    for row, (_, amount_cents), base_cents in zip(rows, amounts, line_bases(amounts)):
        row.update(amount_cents=amount_cents, base_cents=base_cents)
    vat = [{"rate": r.rate, "base_cents": r.base_cents, "vat_cents": r.vat_cents,
            "total_cents": r.total_cents} for r in breakdown(amounts)]
    return {
        "kind": kind, "number": number, "issued_at": "2026-12-05T10:15:00+00:00",
        "issue_date": "2026-12-05", "order_id": "0b4e7f6a-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
        "order_reference": "0b4e7f6a", "delivery_date": "2026-12-04",
        "corrects": ({"number": "F000041", "issue_date": "2026-12-01"}
                     if kind == "credit_invoice" else None),
        "currency": "EUR", "seller": seller, "buyer": buyer, "lines": rows, "vat": vat,
        "total_ht_cents": sum(r["base_cents"] for r in vat),
        "total_vat_cents": sum(r["vat_cents"] for r in vat),
        "total_cents": sum(r["total_cents"] for r in vat),
        "payment": {"mode": "cash", "amount_paid_cents": 4500, "credit_note_number": 1,
                    "credit_note_cents": 500},
        "payment_terms": "Paiement à réception",
        "late_payment_text": "Pénalités de retard : trois fois le taux d'intérêt légal",
        "recovery_fee_text": None,
    }


def pdf_text(document, printed=PRINTED) -> str:
    reader = PdfReader(io.BytesIO(invoice_pdf(document, printed)))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_states_the_number_the_seller_the_vat_per_rate_and_the_totals():
    document = make_document()
    text = pdf_text(document)
    assert "Facture F000042" in text
    assert "Date d'émission : 05/12/2026" in text and "Date de livraison : 04/12/2026" in text
    assert "73282932000074" in text and "FR44732829320" in text
    assert "EARL au capital de 7 500,00 € — RCS Angers" in text
    assert "Opération : livraison de biens" in text
    assert [row["rate"] for row in document["vat"]] == ["0", "5.5", "20"]
    for rate_text, row in zip(("0 %", "5,5 %", "20 %"), document["vat"]):
        assert (f"{rate_text} {format_cents(row['base_cents'])} {format_cents(row['vat_cents'])}"
                f" {format_cents(row['total_cents'])}") in text
    assert f"Total HT {format_cents(document['total_ht_cents'])}" in text
    assert f"Total TVA {format_cents(document['total_vat_cents'])}" in text
    assert f"Total TTC {format_cents(document['total_cents'])}" in text
    assert "Pénalités de retard : trois fois le taux d'intérêt légal" in text


def test_each_line_states_its_quantity_unit_prices_rate_and_amounts():
    text = pdf_text(make_document())
    # 1,255 kg at 3,99 €/kg is 5,01 € TTC; the 5,5 % base shared gives this line 4,75 € HT
    assert "Pommes 1,255 kg 3,78 €/kg 3,99 €/kg 5,5 % 4,75 € 5,01 €" in text
    assert "Radis 2 bottes 1,50 €/botte 1,50 €/botte 0 % 3,00 € 3,00 €" in text


def test_the_pdf_states_the_settlement_and_the_balance_at_print_time():
    text = pdf_text(make_document())
    assert "Mode de règlement : Espèces" in text and "Montant reçu : 45,00 €" in text
    assert "Avoir n°1 : 5,00 €" in text
    assert "Solde du compte client le 05/12/2026 à 11:15 : 5,00 €" in text


def test_the_pdf_is_a4_in_french_titled_by_its_number():
    reader = PdfReader(io.BytesIO(invoice_pdf(make_document(), PRINTED)))
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 595) <= 1 and abs(float(box.height) - 842) <= 1
    assert reader.metadata.title == "Facture F000042"
    assert reader.trailer["/Root"]["/Lang"] == "fr"
    assert "pdfaid" in reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()


def test_a_facture_d_avoir_names_the_invoice_it_cancels():
    document = make_document(kind="credit_invoice", number="FA000003")
    text = pdf_text(document)
    assert "Facture d'avoir FA000003" in text
    assert "Facture d'avoir n° FA000003 — annule la facture n° F000041 du 01/12/2026" in text
    assert f"Total TTC {format_cents(document['total_cents'])}" in text
    assert document["total_cents"] < 0


def test_under_the_franchise_the_invoice_shows_no_vat_and_says_why():
    seller = {**SELLER, "vat_regime": "franchise", "vat_mention": FRANCHISE, "vat_number": None}
    lines = [(label, quantity, unit, price, "0") for label, quantity, unit, price, _ in LINES]
    document = make_document(lines=lines, seller=seller)
    text = pdf_text(document)
    assert FRANCHISE in text
    assert "Total TVA" not in text and "Taux Base HT" not in text
    assert f"Net à payer {format_cents(document['total_cents'])}" in text


def test_a_professional_buyer_is_named_with_its_siren_and_vat_number():
    buyer = {**CONSUMER, "name": "Épicerie du Port SARL", "address": "3 quai Nord\n44000 Nantes",
             "professional": True, "siren": "552100554", "vat_number": "FR12552100554"}
    text = pdf_text(make_document(buyer=buyer))
    assert "Épicerie du Port SARL" in text and "44000 Nantes" in text
    assert "SIREN : 552100554" in text and "FR12552100554" in text


@pytest.mark.parametrize("printed, expected", [
    ({"printed_text": "05/12/2026 à 11:15", "balance_status": "unavailable",
      "balance_cents": None}, "Solde du compte client le 05/12/2026 à 11:15 : indisponible"),
    ({"printed_text": "05/12/2026 à 11:15", "balance_status": "tracking_off",
      "balance_cents": None}, None),
    (None, None),
])
def test_the_balance_line_says_unavailable_and_is_left_out_without_tracking(printed, expected):
    page = invoice_html(make_document(), printed)
    if expected:
        assert expected in page
    else:
        assert "Solde du compte client" not in page


@pytest.mark.parametrize("mode, name", [
    ("cash", "Espèces"), ("cheque", "Chèque"), ("card", "Carte bancaire"),
    ("transfer", "Virement"), ("online", "En ligne (SumUp)"),
    ("account", "Déduit du compte client"), ("not_delivered", "Non livré")])
def test_the_payment_mode_is_named_in_french(mode, name):
    document = make_document()
    document["payment"] = {**document["payment"], "mode": mode}
    assert f"Mode de règlement : {name}" in invoice_html(document, PRINTED)


def test_the_page_is_a_standalone_french_a4_document():
    page = invoice_html(make_document(kind="credit_invoice", number="FA000003"), PRINTED)
    assert page.startswith("<!doctype html>") and '<html lang="fr">' in page
    assert '<meta charset="utf-8">' in page
    assert "<title>Facture d&#39;avoir FA000003</title>" in page
    assert "size: A4" in page


def test_a_preview_is_titled_as_such_and_says_it_is_not_an_invoice():
    page = invoice_html(make_document(number=None), None)
    assert "<title>Aperçu de facture (non émise)</title>" in page
    assert "ce document n'est pas une facture" in page
    assert "F000042" not in page and "Date d'émission" not in page


def test_a_preview_before_the_invoicing_details_are_set_prints_no_placeholder():
    blank = {**SELLER, **dict.fromkeys(
        ("legal_name", "address", "siren", "siret", "vat_number", "legal_form",
         "share_capital_cents", "registration"))}
    page = invoice_html(make_document(number=None, seller=blank), None)
    assert "None" not in page


def test_labels_and_names_are_escaped():
    lines = [("<script>alert(1)</script>", "1", "piece", 500, "5.5")]
    buyer = {**CONSUMER, "name": "Tom & <b>Jerry</b>"}
    page = invoice_html(make_document(lines=lines, buyer=buyer), PRINTED)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Tom &amp; &lt;b&gt;Jerry&lt;/b&gt;" in page


def test_only_an_inline_logo_is_shown():
    inline = "data:image/png;base64,iVBORw0KGgo="
    page = invoice_html(make_document(seller={**SELLER, "logo_data_url": inline}), None)
    assert f'src="{inline}"' in page
    remote = {**SELLER, "logo_data_url": "http://example.invalid/logo.png"}
    assert "example.invalid" not in invoice_html(make_document(seller=remote), None)
