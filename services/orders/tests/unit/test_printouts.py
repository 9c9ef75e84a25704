"""Invoices and till receipts: the facts they state; a receipt never wider than its columns."""

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from ardoise.ids import CUSTOMER_ID_PATTERN, PRODUCER_ID_PATTERN
from orders.domain.order import Line
from orders.domain.printouts import (
    MODE_NAMES,
    RECEIPT_WIDTH,
    Printout,
    invoice_document,
    invoice_html,
    receipt_text,
)
from orders.domain.vat import RATES, VatRow, breakdown

PRINTED = Printout(
    order_id="0b4e7f6a-1c2d-4e5f-8a9b-0c1d2e3f4a5b", producer_id="ferme-des-saules",
    customer_id="c-0042", customer_name="Élise Martin", delivery_date="2026-11-25",
    lines=[Line("Panier de légumes", 1, 2000)], total_cents=2000, tracking=True, mode="cash",
    amount_paid_cents=2500, credit_note_cents=500, credit_note_number=1, balance_cents=500,
    printed_at="2026-11-28T23:10:58+00:00",
    printed_local=datetime(2026, 11, 28, 23, 10, 58, tzinfo=UTC).astimezone(
        ZoneInfo("Europe/Paris")))


def test_documents_name_the_customer_and_print_the_producers_local_time():
    receipt = receipt_text(PRINTED)
    assert any(line.startswith("Client") and line.endswith("Élise Martin")
               for line in lines_of(receipt))
    assert any(line.startswith("Imprimé le") and line.endswith("29/11/2026 à 00:10")
               for line in lines_of(receipt))
    assert any(line.startswith("Livraison") and line.endswith("25/11/2026")
               for line in lines_of(receipt))
    page = invoice_html(PRINTED)
    assert "Client : Élise Martin" in page and "29/11/2026 à 00:10" in page
    assert "c-0042" not in page
    document = invoice_document(PRINTED)
    assert (document["customer_name"], document["printed_at"]) == (
        "Élise Martin", "2026-11-28T23:10:58+00:00")


def lines_of(text: str) -> list[str]:
    return text.splitlines()


def test_a_receipt_states_the_lines_total_payment_credit_note_and_balance():
    receipt = receipt_text(PRINTED)
    assert "Panier de légumes" in receipt
    for label, amount in [("TOTAL", "20,00 €"), ("Paiement reçu", "25,00 €"),
                          ("Avoir n°1", "5,00 €"), ("Solde du compte", "5,00 €")]:
        assert any(line.startswith(label) and line.endswith(amount) for line in lines_of(receipt))
    assert "Espèces" in receipt


def test_a_receipt_for_an_order_deducted_from_the_account_says_the_negative_balance():
    deducted = replace(PRINTED, mode="account", amount_paid_cents=0, credit_note_cents=0,
                       credit_note_number=None, balance_cents=-2000)
    receipt = receipt_text(deducted)
    assert "Déduit du compte client" in receipt and "Avoir" not in receipt
    assert any(line.startswith("Solde du compte") and line.endswith("-20,00 €")
               for line in lines_of(receipt))


def test_when_the_accounts_service_cannot_answer_the_documents_say_so_rather_than_a_figure():
    unknown = replace(PRINTED, balance_cents=None)
    assert any(line.startswith("Solde du compte") and line.endswith("indisponible")
               for line in lines_of(receipt_text(unknown)))
    assert "indisponible" in invoice_html(unknown)
    document = invoice_document(unknown)
    assert document["balance_cents"] is None and document["balance_status"] == "unavailable"


def test_with_payment_tracking_off_neither_settlement_nor_balance_is_stated():
    off = replace(PRINTED, tracking=False, balance_cents=None)
    for text in (receipt_text(off), invoice_html(off)):
        assert "Règlement" not in text and "Solde" not in text and "Avoir" not in text
        assert "20,00 €" in text
    document = invoice_document(off)
    assert (document["settlement"], document["credit_note_cents"], document["balance_cents"],
            document["balance_status"]) == (None, None, None, "tracking_off")


def test_the_invoice_document_has_the_fields_of_the_contract():
    document = invoice_document(PRINTED)
    assert {"order_id", "lines", "total_cents", "settlement", "credit_note_cents",
            "balance_cents", "printed_at"} <= set(document)
    assert document["settlement"] == {"mode": "cash", "amount_paid_cents": 2500}
    assert (document["credit_note_cents"], document["credit_note_number"],
            document["balance_cents"], document["balance_status"]) == (500, 1, 500, "shown")
    assert document["lines"] == [{"label": "Panier de légumes", "quantity": 1, "unit": "piece",
                                  "unit_price_cents": 2000, "amount_cents": 2000}]


def test_the_html_invoice_escapes_what_people_typed():
    typed = replace(PRINTED, lines=[Line("<script>alert(1)</script>", 1, 2000)])
    page = invoice_html(typed)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "Avoir n°1 : 5,00 €" in page


labels = st.text(st.characters(blacklist_categories=("Cc", "Cf", "Zl", "Zp", "Cs")),
                 min_size=1, max_size=200).filter(str.strip)
amounts = st.integers(-10**11, 10**11)


@given(producer_id=st.from_regex(PRODUCER_ID_PATTERN, fullmatch=True),
       customer_id=st.from_regex(CUSTOMER_ID_PATTERN, fullmatch=True),
       lines=st.lists(st.builds(Line, labels, st.integers(1, 100_000), st.integers(1, 10**9)),
                      min_size=1, max_size=5),
       mode=st.sampled_from(sorted(MODE_NAMES)), paid=st.integers(0, 10**11), credit=amounts,
       number=st.none() | st.integers(1, 10**9), balance=st.none() | amounts,
       tracking=st.booleans(), width=st.sampled_from([32, 42, 48]),
       seller=st.none() | labels, address=st.none() | labels, siret=st.none() | labels,
       vat_number=st.none() | labels, invoice_number=st.none() | labels,
       vat_rows=st.lists(st.builds(VatRow, st.sampled_from(sorted(RATES)), amounts, amounts,
                                   amounts), max_size=5).map(tuple),
       mention=st.none() | labels, available=st.none() | amounts)
def test_no_receipt_line_is_wider_than_its_columns(producer_id, customer_id, lines, mode, paid,
                                                   credit, number, balance, tracking, width,
                                                   seller, address, siret, vat_number,
                                                   invoice_number, vat_rows, mention, available):
    printout = replace(PRINTED, producer_id=producer_id, customer_id=customer_id, lines=lines,
                       total_cents=sum(line.amount_cents for line in lines), mode=mode,
                       amount_paid_cents=paid, credit_note_cents=credit, credit_note_number=number,
                       balance_cents=balance, tracking=tracking, seller_name=seller,
                       seller_address=address, siret=siret, vat_number=vat_number,
                       invoice_number=invoice_number, vat_rows=vat_rows, vat_mention=mention,
                       available_cents=available)
    receipt = receipt_text(printout, width)
    assert max(len(line) for line in lines_of(receipt)) <= width
    assert len(lines_of(receipt)) == receipt.count("\n")


def test_lines_sold_by_weight_print_french_decimals_and_the_price_per_unit():
    by_weight = replace(PRINTED, lines=[Line("Tomates anciennes", Decimal("1.255"), 399, "kg"),
                                        Line("Lait cru", Decimal("0.5"), 180, "l"),
                                        Line("Œufs", 3, 50)], total_cents=501 + 90 + 150)
    receipt = lines_of(receipt_text(by_weight))
    assert any(line.startswith("  1,255 kg x 3,99 €/kg") and line.endswith("5,01 €")
               for line in receipt)
    assert any(line.startswith("  0,5 l x 1,80 €/l") and line.endswith("0,90 €")
               for line in receipt)
    assert any(line.startswith("  3 x 0,50 €") and line.endswith("1,50 €") for line in receipt)
    page = invoice_html(by_weight)
    assert "<td>1,255 kg</td><td>3,99 €/kg</td><td>5,01 €</td>" in page
    document = invoice_document(by_weight)
    assert document["lines"][0] == {"label": "Tomates anciennes", "quantity": 1.255,
                                    "unit": "kg", "unit_price_cents": 399, "amount_cents": 501}
    assert document["lines"][2]["quantity"] == 3 and type(document["lines"][2]["quantity"]) is int


INVOICED = replace(
    PRINTED, seller_name="EARL Ferme des Saules",
    seller_address="12 chemin des Saules\n49000 Angers", siret="73282932000074",
    vat_number="FR44732829320", invoice_number="F000042",
    vat_rows=tuple(breakdown([("5.5", 2000)])), available_cents=1500)


def test_the_receipt_is_42_characters_wide_unless_told_otherwise():
    assert receipt_text(INVOICED) == receipt_text(INVOICED, RECEIPT_WIDTH)
    for width in (32, 42, 48):
        assert max(len(line) for line in lines_of(receipt_text(INVOICED, width))) == width


def test_the_receipt_header_names_the_seller_centred_with_address_siret_and_vat_number():
    receipt = lines_of(receipt_text(INVOICED, 32))
    assert receipt[:6] == ["     EARL Ferme des Saules", "      12 chemin des Saules",
                           "          49000 Angers", "      SIRET 73282932000074",
                           "      N° TVA FR44732829320", "-" * 32]
    assert "Facture                  F000042" in receipt


def test_without_a_seller_name_the_receipt_is_headed_by_the_producers_id_alone():
    receipt = lines_of(receipt_text(PRINTED))
    assert receipt[0].strip() == "ferme-des-saules" and receipt[1] == "-" * RECEIPT_WIDTH
    assert not any(line.startswith(("Facture", "SIRET", "Disponible")) for line in receipt)
    assert "TVA" not in receipt_text(PRINTED)


def test_after_the_total_the_receipt_states_the_vat_of_each_rate():
    two_rates = replace(INVOICED, vat_rows=tuple(breakdown([("5.5", 2000), ("20", 1200)])))
    receipt = lines_of(receipt_text(two_rates, 32))
    total = receipt.index("TOTAL                    20,00 €")
    assert receipt[total + 1:total + 3] == ["5,5 %     HT 18,96 €  TVA 1,04 €",
                                            "20 %      HT 10,00 €  TVA 2,00 €"]


def test_a_rate_whose_amounts_are_too_wide_states_base_and_vat_on_rows_of_their_own():
    large = replace(INVOICED, vat_rows=tuple(breakdown([("20", 10**11)])))
    receipt = lines_of(receipt_text(large, 32))
    assert "20 % HT" + "833 333 333,33 €".rjust(32 - 7) in receipt
    assert "20 % TVA" + "166 666 666,67 €".rjust(32 - 8) in receipt


def test_without_vat_the_receipt_prints_the_mention_wrapped_to_its_width():
    franchise = replace(INVOICED, vat_rows=(), vat_number=None,
                        vat_mention="TVA non applicable, art. 293 B du CGI")
    receipt = lines_of(receipt_text(franchise, 32))
    assert receipt[receipt.index("TOTAL                    20,00 €") + 1:][:2] == [
        "TVA non applicable, art. 293 B", "du CGI"]
    assert not any("HT" in line for line in receipt)


def test_the_available_credit_is_printed_only_when_given_and_tracking_is_on():
    receipt = lines_of(receipt_text(INVOICED))
    solde = next(i for i, line in enumerate(receipt) if line.startswith("Solde du compte"))
    assert receipt[solde + 1] == "Disponible" + "15,00 €".rjust(RECEIPT_WIDTH - 10)
    off = replace(INVOICED, tracking=False, balance_cents=None)
    assert "Disponible" not in receipt_text(off)
    assert "Disponible" not in receipt_text(replace(INVOICED, available_cents=None))
