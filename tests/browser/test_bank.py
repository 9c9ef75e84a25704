"""The Banque page in Chromium: the operator opens it from the navigation, chooses a CAMT.053
file and imports it, reads the counts and the transfers to check, and gives the unknown payer's
transfer to a customer through "Attribuer à…"."""

import re
import time
from datetime import date, timedelta

import httpx
from playwright.sync_api import expect

from ardoise.auth import Principal, issue_token

from .conftest import shot

CAMT = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>RELEVE-1</MsgId><CreDtTm>{day}T06:00:00</CreDtTm></GrpHdr>
<Stmt><Id>STMT-1</Id><CreDtTm>{day}T06:00:00</CreDtTm>
<Acct><Id><IBAN>FR7630006000011234567890189</IBAN></Id><Ccy>EUR</Ccy></Acct>
{entries}</Stmt></BkToCstmrStmt></Document>"""
ENTRY = """<Ntry><NtryRef>{ref}</NtryRef><Amt Ccy="EUR">{amount}</Amt>
<CdtDbtInd>{side}</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>{day}</Dt></BookgDt>
<AcctSvcrRef>{ref}</AcctSvcrRef><NtryDtls><TxDtls>
<RltdPties><Dbtr><Nm>{name}</Nm></Dbtr></RltdPties>
<RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"""


def statement(day: date, *lines: tuple) -> bytes:
    entries = "".join(ENTRY.format(ref=ref, amount=f"{abs(cents) / 100:.2f}",
                                   side="CRDT" if cents > 0 else "DBIT", day=day, name=name,
                                   text=text) for ref, cents, name, text in lines)
    return CAMT.format(day=day, entries=entries).encode()


def a_customer_the_payments_service_knows(system, producer_id: str) -> None:
    """Claire Martin, with an order: once the payments week names her, transfers may be given
    to her."""
    headers = {"Authorization": "Bearer " + issue_token(system.env["ARDOISE_JWT_SECRET"],
                                                        Principal("operator", producer_id))}
    base = f"/v1/producers/{producer_id}"
    httpx.put(f"{system.urls['accounts']}{base}/customers/c1", json={"name": "Claire Martin"},
              headers=headers, timeout=10).raise_for_status()
    placed = httpx.post(f"{system.urls['orders']}{base}/orders", headers=headers, timeout=10,
                        json={"customer_id": "c1", "lines": [
                            {"label": "Panier", "quantity": 1, "unit_price_cents": 4100}]})
    placed.raise_for_status()
    order_id = placed.json()["order_id"]
    delivery = httpx.get(f"{system.urls['orders']}{base}/orders/{order_id}", headers=headers,
                         timeout=10).json()["delivery_date"]
    year, number, _ = date.fromisoformat(delivery).isocalendar()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        rows = httpx.get(f"{system.urls['payments']}{base}/payments", headers=headers,
                         params={"week": f"{year}-W{number:02d}"}, timeout=10).json()["rows"]
        if any(r["order_id"] == order_id and r["customer_name"] == "Claire Martin"
               for r in rows):
            return
        time.sleep(0.2)
    raise AssertionError("the payments service never heard of Claire Martin")


def test_the_operator_imports_a_statement_and_gives_a_transfer_to_a_customer(
    system, page, sign_in, producer_id
):
    a_customer_the_payments_service_knows(system, producer_id)
    file = statement(date.today() - timedelta(days=1),
                     ("N1", 1234, "SCI LES GLYCINES", "VIR SEPA RECU /MOTIF PANIERS"),
                     ("N2", -4000, "EDF", "PRLV SEPA EDF"))
    sign_in(page, "operator", producer_id, "ferme@example.org")
    page.get_by_role("link", name="Banque").click()
    expect(page.get_by_role("heading", name="Banque", exact=True)).to_be_visible()
    expect(page.get_by_text("Aucun virement à vérifier.")).to_be_visible()

    page.get_by_label("Fichier du relevé").set_input_files(
        {"name": "releve.xml", "mimeType": "application/xml", "buffer": file})
    page.get_by_role("button", name="Importer le relevé").click()
    counts = page.locator("#import")
    expect(counts).to_contain_text("Relevé CAMT.053 importé")
    expect(counts.get_by_role("row", name="Lignes")).to_contain_text("2")
    expect(counts.get_by_role("row", name="En attente")).to_contain_text("1")
    expect(counts.get_by_role("row", name="Listées (débits)")).to_contain_text("1")
    queued = page.locator("#queue").get_by_role("row", name=re.compile("SCI LES GLYCINES"))
    expect(queued).to_contain_text("12,34 €")
    expect(queued).to_contain_text("Aucun")
    expect(queued.get_by_role("button", name="Ignorer")).to_be_visible()
    expect(page.locator("#debited")).to_contain_text("EDF")
    shot(page, "bank")

    queued.get_by_role("link", name="Attribuer à…").click()
    expect(page.get_by_role("heading", name="Attribuer un virement")).to_be_visible()
    page.get_by_label("Client", exact=True).select_option(label="Claire Martin (c1)")
    page.get_by_role("button", name="Voir ses commandes").click()
    expect(page.get_by_text(re.compile(r"41,00 € \(non réglée\)"))).to_be_visible()
    page.get_by_label("Aucune : créditer le compte du client").check()
    shot(page, "bank-assign")
    page.get_by_role("button", name="Attribuer à Claire Martin").click()

    page.wait_for_url(re.compile(r".*/banque$"))
    expect(page.get_by_role("status")).to_contain_text(
        "12,34 € du")
    expect(page.get_by_role("status")).to_contain_text(
        "est appliqué : Claire Martin, crédité sur son compte.")
    expect(page.get_by_text("Aucun virement à vérifier.")).to_be_visible()
    applied = page.locator("#applied").get_by_role("row", name=re.compile("SCI LES GLYCINES"))
    expect(applied).to_contain_text("choisi par vous")
    expect(applied.get_by_role("button", name="Annuler")).to_be_visible()
