"""The Factur-X XML (CII, EN 16931): its sums hold exactly as EN 16931 checks them, it passes
the standard's schema, and a professional buyer's PDF carries it while a consumer's does not."""

import io
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import facturx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from pypdf import PdfReader

from orders.documents import cii_xml, invoice_pdf
from orders.documents.facturx import NAMESPACES, check_sums
from orders.domain.vat import RATES, breakdown, line_bases

SELLER = {"legal_name": "EARL Ferme des Saules", "address": "12 chemin des Saules\n49000 Angers",
          "siren": "732829320", "siret": "73282932000074", "vat_number": "FR44732829320",
          "vat_regime": "vat", "vat_mention": None, "legal_form": "EARL",
          "share_capital_cents": None, "registration": "RCS Angers", "email": None,
          "phone": None, "logo_data_url": None}
FRANCHISE_SELLER = {**SELLER, "vat_regime": "franchise", "vat_number": None,
                    "vat_mention": "TVA non applicable, art. 293 B du CGI"}
PROFESSIONAL = {"customer_id": "c-0007", "name": "Épicerie du Port",
                "address": "3 quai Nord\n44000 Nantes", "professional": True,
                "siren": "552100554", "vat_number": "FR12552100554"}
UNITS = ["piece", "kg", "g", "l", "cl", "ml", "bunch", "dozen"]


def make_document(lines, kind="invoice", seller=SELLER, buyer=PROFESSIONAL) -> dict:
    """A document from (rate, amount TTC, quantity, unit) lines, its figures from the domain:
    `breakdown` per rate and `line_bases` per line; a facture d'avoir has them negated."""
    sign = -1 if kind == "credit_invoice" else 1
    amounts = [(rate, sign * amount_cents) for rate, amount_cents, _, _ in lines]
    rows = breakdown(amounts)
    return {
        "kind": kind, "number": "FA000003" if sign < 0 else "F000042",
        "issued_at": "2026-12-05T10:15:00+00:00", "issue_date": "2026-12-05",
        "order_id": "0b4e7f6a-1c2d-4e5f-8a9b-0c1d2e3f4a5b", "order_reference": "0b4e7f6a",
        "delivery_date": "2026-12-04",
        "corrects": {"number": "F000041", "issue_date": "2026-12-01"} if sign < 0 else None,
        "currency": "EUR", "seller": seller, "buyer": buyer,
        "lines": [{"label": f"Article {i}", "quantity": quantity, "unit": unit,
                   "unit_price_cents": amount_cents, "vat_rate": rate,
                   "amount_cents": sign * amount_cents, "base_cents": base_cents}
                  for i, ((rate, amount_cents, quantity, unit), base_cents)
                  in enumerate(zip(lines, line_bases(amounts)))],
        "vat": [{"rate": r.rate, "base_cents": r.base_cents, "vat_cents": r.vat_cents,
                 "total_cents": r.total_cents} for r in rows],
        "total_ht_cents": sum(r.base_cents for r in rows),
        "total_vat_cents": sum(r.vat_cents for r in rows),
        "total_cents": sum(r.total_cents for r in rows),
        "payment": {"mode": "transfer", "amount_paid_cents": 0, "credit_note_number": None,
                    "credit_note_cents": 0},
        "payment_terms": "Paiement à 30 jours",
        "late_payment_text": "Pénalités de retard : trois fois le taux d'intérêt légal",
        "recovery_fee_text": "Indemnité forfaitaire pour frais de recouvrement : 40 €",
    }


SAMPLE_LINES = [("5.5", 2000, "1", "piece"), ("5.5", 501, "1.255", "kg"),
                ("20", 1200, "2", "l"), ("0", 300, "2", "bunch")]
lines_strategy = st.lists(
    st.tuples(st.sampled_from(sorted(RATES)), st.integers(1, 500_000),
              st.decimals(Decimal("0.001"), Decimal(1000), places=3).map(str),
              st.sampled_from(UNITS)),
    min_size=1, max_size=40)


def cents(node) -> int:
    return int(Decimal(node.text) * 100)


def find(tree, path):
    return tree.xpath(path, namespaces=NAMESPACES)


@settings(max_examples=60, deadline=None)
@given(lines=lines_strategy, kind=st.sampled_from(["invoice", "credit_invoice"]))
def test_the_sums_hold_exactly_as_en16931_checks_them(lines, kind):
    document = make_document(lines, kind)
    xml = cii_xml(document)
    tree = etree.fromstring(xml)
    summation = find(tree, "//ram:SpecifiedTradeSettlementHeaderMonetarySummation")[0]
    total = {child.tag.split("}")[1]: cents(child) for child in summation}
    line_totals = [cents(n) for n in find(
        tree, "//ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount")]
    assert sum(line_totals) == total["LineTotalAmount"]  # BR-CO-10
    assert total["TaxBasisTotalAmount"] == total["LineTotalAmount"]  # BR-CO-13: no allowance
    assert total["GrandTotalAmount"] == (  # BR-CO-15
        total["TaxBasisTotalAmount"] + total["TaxTotalAmount"])
    assert total["DuePayableAmount"] == total["GrandTotalAmount"]
    breakdown_rows = find(tree, "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax")
    assert sum(cents(row.find("ram:CalculatedAmount", NAMESPACES))
               for row in breakdown_rows) == total["TaxTotalAmount"]  # BR-CO-14
    for row in breakdown_rows:  # BR-S-08, BR-Z-08: each rate's basis is the sum of its lines
        percent = row.find("ram:RateApplicablePercent", NAMESPACES).text
        at_rate = find(tree, "//ram:IncludedSupplyChainTradeLineItem[.//ram:RateApplicablePercent"
                             f"='{percent}']//ram:LineTotalAmount")
        assert sum(cents(n) for n in at_rate) == cents(row.find("ram:BasisAmount", NAMESPACES))
    sign = -1 if kind == "credit_invoice" else 1
    assert total["GrandTotalAmount"] == sign * document["total_cents"] >= 0
    assert min(line_totals) >= 0
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")


def test_an_invoice_states_its_parties_and_its_rates():
    tree = etree.fromstring(cii_xml(make_document(SAMPLE_LINES)))
    assert find(tree, "//rsm:ExchangedDocument/ram:TypeCode/text()") == ["380"]
    assert find(tree, "//ram:GuidelineSpecifiedDocumentContextParameter/ram:ID/text()") == [
        "urn:cen.eu:en16931:2017"]
    seller = find(tree, "//ram:SellerTradeParty")[0]
    assert find(seller, "ram:SpecifiedLegalOrganization/ram:ID[@schemeID='0002']/text()") == [
        "732829320"]
    assert find(seller, "ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']/text()") == [
        "FR44732829320"]
    assert find(seller, "ram:PostalTradeAddress/ram:CityName/text()") == ["Angers"]
    buyer = find(tree, "//ram:BuyerTradeParty")[0]
    assert find(buyer, "ram:SpecifiedLegalOrganization/ram:ID/text()") == ["552100554"]
    assert find(buyer, "ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']/text()") == [
        "FR12552100554"]
    categories = find(tree, "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax"
                            "/ram:CategoryCode/text()")
    assert categories == ["Z", "S", "S"]
    assert find(tree, "//ram:BilledQuantity/@unitCode") == ["H87", "KGM", "LTR", "XBH"]
    # 1,255 kg for 4,75 € HT: 3,78 € per kilogram, to the cent
    assert find(tree, "//ram:NetPriceProductTradePrice/ram:ChargeAmount/text()")[1] == "3.78"


def test_a_facture_d_avoir_is_a_credit_note_of_positive_amounts_naming_the_invoice():
    document = make_document(SAMPLE_LINES, kind="credit_invoice")
    tree = etree.fromstring(cii_xml(document))
    assert find(tree, "//rsm:ExchangedDocument/ram:TypeCode/text()") == ["381"]
    assert find(tree, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID/text()") == [
        "F000041"]
    assert find(tree, "//ram:InvoiceReferencedDocument//qdt:DateTimeString/text()") == [
        "20261201"]
    grand = find(tree, "//ram:GrandTotalAmount")[0]
    assert cents(grand) == -document["total_cents"] > 0


def test_under_the_franchise_lines_are_exempt_with_the_mention_and_the_siren():
    lines = [("0", 2000, "1", "piece"), ("0", 450, "3", "dozen")]
    tree = etree.fromstring(cii_xml(make_document(lines, seller=FRANCHISE_SELLER)))
    assert set(find(tree, "//ram:ApplicableTradeTax/ram:CategoryCode/text()")) == {"E"}
    assert find(tree, "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax"
                      "/ram:ExemptionReason/text()") == ["TVA non applicable, art. 293 B du CGI"]
    seller = find(tree, "//ram:SellerTradeParty")[0]
    # BR-E-02 wants a tax identifier from a seller without a VAT number: its SIREN
    assert find(seller, "ram:SpecifiedTaxRegistration/ram:ID[@schemeID='FC']/text()") == [
        "732829320"]


def test_figures_that_do_not_add_up_are_refused():
    document = make_document(SAMPLE_LINES)
    document["lines"][0]["base_cents"] += 1
    with pytest.raises(ValueError, match="do not add up"):
        check_sums(document)
    with pytest.raises(ValueError, match="preview"):
        cii_xml({**make_document(SAMPLE_LINES), "number": None})


def test_a_professional_buyers_pdf_carries_the_xml_of_its_figures():
    document = make_document(SAMPLE_LINES)
    filename, xml = facturx.get_xml_from_pdf(invoice_pdf(document, None), check_xsd=False)
    assert filename == "factur-x.xml"
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    tree = etree.fromstring(xml)
    assert find(tree, "//rsm:ExchangedDocument/ram:ID/text()") == ["F000042"]
    summation = find(tree, "//ram:SpecifiedTradeSettlementHeaderMonetarySummation")[0]
    assert cents(summation.find("ram:TaxBasisTotalAmount", NAMESPACES)) == (
        document["total_ht_cents"])
    assert cents(summation.find("ram:TaxTotalAmount", NAMESPACES)) == (
        document["total_vat_cents"])
    assert cents(summation.find("ram:GrandTotalAmount", NAMESPACES)) == document["total_cents"]
    rows = find(tree, "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax")
    assert [(cents(r.find("ram:BasisAmount", NAMESPACES)),
             cents(r.find("ram:CalculatedAmount", NAMESPACES))) for r in rows] == [
        (row["base_cents"], row["vat_cents"]) for row in document["vat"]]


def test_a_consumers_pdf_carries_no_xml():
    consumer = {**PROFESSIONAL, "professional": False, "siren": None, "vat_number": None}
    pdf = invoice_pdf(make_document(SAMPLE_LINES, buyer=consumer), None)
    assert list(PdfReader(io.BytesIO(pdf)).attachment_list) == []
    _, xml = facturx.get_xml_from_pdf(pdf, check_xsd=False)
    assert not xml


SAXON = Path("/usr/share/java/Saxon-HE.jar")


@pytest.mark.skipif(not (SAXON.exists() and shutil.which("java")),
                    reason="EN 16931 schematron needs Saxon-HE (Debian: libsaxonhe-java)")
def test_the_xml_passes_the_en16931_schematron(tmp_path):
    schematron = (Path(facturx.__file__).parent / "xsd_and_schematron" / "facturx-en16931"
                  / "FACTUR-X_EN16931.xslt")
    documents = {
        "invoice": make_document(SAMPLE_LINES),
        "credit": make_document(SAMPLE_LINES, kind="credit_invoice"),
        "franchise": make_document([("0", 2000, "1", "piece")], seller=FRANCHISE_SELLER),
        "franchise_credit": make_document([("0", 2000, "1", "piece")], "credit_invoice",
                                          seller=FRANCHISE_SELLER),
    }
    (tmp_path / "in").mkdir()
    (tmp_path / "out").mkdir()
    for name, document in documents.items():
        (tmp_path / "in" / f"{name}.xml").write_bytes(cii_xml(document))
    subprocess.run(["java", "-cp", str(SAXON), "net.sf.saxon.Transform",
                    f"-s:{tmp_path / 'in'}", f"-xsl:{schematron}", f"-o:{tmp_path / 'out'}"],
                   check=True, capture_output=True, timeout=120)
    for name in documents:
        report = (tmp_path / "out" / f"{name}.xml").read_text()
        assert "fired-rule" in report and "failed-assert" not in report, (name, report)
