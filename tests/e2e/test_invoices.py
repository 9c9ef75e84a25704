"""Invoices on the running system: a farm states who it is, settles an order, invoices it, and
hands over a PDF an accountant accepts (the number, the SIRET, the VAT per rate, the balance);
a business customer gets Factur-X; a facture d'avoir cancels an invoice, never an edit."""

import io

import facturx
from lxml import etree
from pypdf import PdfReader

from ardoise_tools.testing.polling import eventually

from .conftest import Caller
from .test_accounts import register

FARM = {"legal_name": "EARL Ferme des Saules", "address": "12 chemin des Saules\n49000 Angers",
        "siret": "732 829 320 00074", "vat_number": "FR44732829320", "legal_form": "EARL",
        "registration": "RCS Angers 732 829 320"}
BASKET = [{"label": "Panier de légumes", "quantity": 1, "unit_price_cents": 2000,
           "vat_rate": 5.5},
          {"label": "Miel de châtaignier", "quantity": "0.5", "unit": "kg",
           "unit_price_cents": 1800, "vat_rate": "5.5"},
          {"label": "Savon au lait de chèvre", "quantity": 2, "unit_price_cents": 600,
           "vat_rate": 20}]
RAM = "{urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100}"


def place(operator: Caller, producer_id: str, customer_id: str) -> str:
    placed = operator.request("POST", "orders", f"/v1/producers/{producer_id}/orders",
                              json={"customer_id": customer_id, "lines": BASKET})
    assert placed.status_code == 201, placed.text
    assert placed.json()["total_cents"] == 2000 + 900 + 1200
    return placed.json()["order_id"]


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


async def balance_of(operator: Caller, producer_id: str, customer_id: str, cents: int) -> None:
    async def account():
        return (await operator.arequest(
            "GET", "accounts", f"/v1/producers/{producer_id}/customers/{customer_id}/account"
        )).json()
    await eventually(account, lambda page: page.get("balance_cents") == cents)


async def test_an_order_settled_then_invoiced_prints_a_pdf_with_number_siret_vat_and_balance(
        operator, producer_id, customer_of):
    register(operator, producer_id, "c1", "Claire Martin")
    order_id = place(operator, producer_id, "c1")
    base = f"/v1/producers/{producer_id}"

    refused = operator.request("POST", "orders", f"{base}/orders/{order_id}/invoices")
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"][-1] == "invoicing.legal_name"
    assert operator.request("GET", "orders", f"{base}/invoices").json()["invoices"] == []

    bad = operator.request("PUT", "orders", f"{base}/invoicing", json={"siret": "73282932000075"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "siret"
    saved = operator.request("PUT", "orders", f"{base}/invoicing", json=FARM)
    assert saved.status_code == 200 and saved.json()["siret"] == "73282932000074"

    settled = operator.request("PUT", "payments", f"{base}/orders/{order_id}/settlement",
                               json={"mode": "cash", "amount_paid_cents": 4500})
    assert settled.status_code == 200, settled.text
    await balance_of(operator, producer_id, "c1", 400)  # 45 € paid for 41 €: 4 € of credit

    issued = operator.request("POST", "orders", f"{base}/orders/{order_id}/invoices")
    assert issued.status_code == 201, issued.text
    number = issued.json()["number"]
    assert number == "F000001"
    again = operator.request("POST", "orders", f"{base}/orders/{order_id}/invoices")
    assert (again.status_code, again.json()["number"]) == (200, number)

    pdf = operator.request("GET", "orders", f"{base}/invoices/{number}",
                           headers={"Accept": "application/pdf"})
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = pdf_text(pdf.content)
    for stated in (number, "73282932000074", "FR44732829320", "Claire Martin",
                   "5,5 %", "20 %", "41,00 €", "4,00 €"):
        assert stated in text, stated
    vat_55 = round(2900 - 2900 * 100 / 105.5)  # 1,51 € of VAT on 29,00 € at 5,5 %
    assert f"{vat_55 // 100},{vat_55 % 100:02d} €" in text
    assert "Solde du compte client" in text
    order_pdf = operator.request("GET", "orders", f"{base}/orders/{order_id}/invoice",
                                 params={"format": "pdf"})
    assert number in pdf_text(order_pdf.content)

    mine = customer_of("c1").request("GET", "orders", f"{base}/invoices").json()["invoices"]
    assert [(i["number"], i["total_cents"], i["in_force"]) for i in mine] == [
        (number, 4100, True)]
    history = customer_of("c1").request("GET", "orders", f"{base}/orders").json()["orders"]
    assert history[0]["invoices"] == [{"number": number, "kind": "invoice"}]
    assert customer_of("c2").request("GET", "orders", f"{base}/invoices/{number}"
                                     ).status_code == 404


async def test_a_facture_davoir_cancels_an_invoice_and_the_order_is_invoiced_anew(
        operator, producer_id):
    register(operator, producer_id, "c1", "Claire Martin")
    base = f"/v1/producers/{producer_id}"
    assert operator.request("PUT", "orders", f"{base}/invoicing", json={
        **FARM, "vat_regime": "franchise", "vat_number": None}).status_code == 200
    order_id = place(operator, producer_id, "c1")
    first = operator.request("POST", "orders", f"{base}/orders/{order_id}/invoices").json()
    assert first["total_vat_cents"] == 0

    credit = operator.request("POST", "orders", f"{base}/invoices/{first['number']}/credit-invoice")
    assert credit.status_code == 201, credit.text
    assert (credit.json()["number"], credit.json()["total_cents"]) == ("FA000001", -4100)
    twice = operator.request("POST", "orders", f"{base}/invoices/{first['number']}/credit-invoice")
    assert twice.status_code == 409
    second = operator.request("POST", "orders", f"{base}/orders/{order_id}/invoices")
    assert (second.status_code, second.json()["number"]) == (201, "F000002")

    text = pdf_text(operator.request("GET", "orders", f"{base}/invoices/FA000001",
                                     params={"format": "pdf"}).content)
    assert "FA000001" in text and "F000001" in text
    assert "293 B" in text
    listed = operator.request("GET", "orders", f"{base}/invoices").json()["invoices"]
    assert [(i["number"], i["in_force"]) for i in listed] == [
        ("F000001", False), ("FA000001", None), ("F000002", True)]
    of_order = operator.request("GET", "orders", f"{base}/orders/{order_id}/invoice",
                                params={"format": "json"}).json()
    assert of_order["invoice_number"] == "F000002"
    assert [(i["number"], i["kind"]) for i in of_order["invoices"]] == [
        ("F000001", "invoice"), ("FA000001", "credit_invoice"), ("F000002", "invoice")]


async def test_a_business_customer_gets_factur_x_with_the_orders_totals(operator, producer_id):
    base = f"/v1/producers/{producer_id}"
    assert operator.request("PUT", "accounts", f"{base}/customers/epicerie", json={
        "name": "Épicerie du Coin", "professional": True, "siren": "732829320",
        "address": "3 place du Marché\n49000 Angers"}).status_code == 200
    assert operator.request("PUT", "orders", f"{base}/invoicing", json=FARM).status_code == 200
    order_id = place(operator, producer_id, "epicerie")
    number = operator.request("POST", "orders", f"{base}/orders/{order_id}/invoices"
                              ).json()["number"]

    pdf = operator.request("GET", "orders", f"{base}/invoices/{number}", params={"format": "pdf"})
    _, xml = facturx.get_xml_from_pdf(pdf.content, check_xsd=True)
    tree = etree.fromstring(xml)
    assert tree.findtext(".//{*}ExchangedDocument/{*}ID") == number
    assert tree.findtext(f".//{RAM}GrandTotalAmount") == "41.00"
    taxes = {t.findtext(f"{RAM}RateApplicablePercent"): t.findtext(f"{RAM}CalculatedAmount")
             for t in tree.iter(f"{RAM}ApplicableTradeTax")
             if t.find(f"{RAM}CalculatedAmount") is not None}
    assert taxes == {"5.5": "1.51", "20": "2.00"} or taxes == {"5.50": "1.51", "20.00": "2.00"}


async def test_a_producer_invoicing_on_delivery_gets_the_invoice_when_it_settles(
        operator, producer_id):
    register(operator, producer_id, "c1", "Claire Martin")
    base = f"/v1/producers/{producer_id}"
    assert operator.request("PUT", "orders", f"{base}/invoicing", json={
        **FARM, "invoice_on_delivery": True}).status_code == 200
    order_id = place(operator, producer_id, "c1")
    assert operator.request("PUT", "payments", f"{base}/orders/{order_id}/settlement",
                            json={"mode": "card"}).status_code == 200

    async def invoices():
        return (await operator.arequest("GET", "orders", f"{base}/invoices")).json()["invoices"]
    listed = await eventually(invoices, lambda rows: len(rows) == 1)
    assert (listed[0]["number"], listed[0]["order_id"]) == ("F000001", order_id)


async def test_a_till_receipt_prints_on_58_and_80_mm_thermal_printers(operator, producer_id):
    register(operator, producer_id, "c1", "Claire Martin")
    base = f"/v1/producers/{producer_id}"
    order_id = place(operator, producer_id, "c1")
    for paper in (58, 80):
        answer = operator.request("GET", "orders", f"{base}/orders/{order_id}/receipt",
                                  params={"format": "escpos", "paper": paper})
        assert answer.status_code == 200
        assert answer.content.startswith(b"\x1b@")  # ESC @: the printer initialised
        assert b"41,00" in answer.content and b"TOTAL" in answer.content
    assert operator.request("GET", "orders", f"{base}/orders/{order_id}/receipt",
                            params={"format": "escpos", "paper": 72}).status_code == 422


async def test_the_invoice_asks_for_the_customer_s_payment_reference_on_a_transfer(
        operator, producer_id):
    from ardoise.payment_reference import payment_reference

    register(operator, producer_id, "c1", "Claire Martin")
    base = f"/v1/producers/{producer_id}"
    assert operator.request("PUT", "orders", f"{base}/invoicing", json=FARM).status_code == 200
    order_id = place(operator, producer_id, "c1")
    issued = operator.request("POST", "orders", f"{base}/orders/{order_id}/invoices")
    assert issued.status_code == 201, issued.text
    reference = payment_reference(producer_id, "c1")
    assert issued.json()["payment_reference"] == reference
    pdf = operator.request("GET", "orders", f"{base}/invoices/{issued.json()['number']}",
                           headers={"Accept": "application/pdf"})
    assert reference in pdf_text(pdf.content)
    account = operator.request("GET", "accounts", f"{base}/customers/c1/account").json()
    assert account["payment_reference"] == reference
