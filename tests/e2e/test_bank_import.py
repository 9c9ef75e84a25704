"""Bank statements on the running system: a farm imports its CAMT.053; a transfer naming a
customer's payment reference tops up that account, one from a customer's name for the amount of
their open order settles it by transfer, an unknown payer waits in the queue, a debit is only
listed; importing the file again changes nothing; reassigning and undoing move the money by
counter-entries."""

import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from ardoise.payment_reference import payment_reference
from ardoise_tools.testing.polling import eventually

from .test_accounts import register

CAMT = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>RELEVE-1</MsgId><CreDtTm>{day}T06:00:00</CreDtTm></GrpHdr>
<Stmt><Id>STMT-1</Id><CreDtTm>{day}T06:00:00</CreDtTm>
<Acct><Id><IBAN>FR7630006000011234567890189</IBAN></Id><Ccy>EUR</Ccy></Acct>
{entries}</Stmt></BkToCstmrStmt></Document>"""
ENTRY = """<Ntry><NtryRef>{ref}</NtryRef><Amt Ccy="EUR">{amount}</Amt>
<CdtDbtInd>{side}</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>{day}</Dt></BookgDt>
<ValDt><Dt>{day}</Dt></ValDt><AcctSvcrRef>{ref}</AcctSvcrRef>
<BkTxCd><Prtry><Cd>VIR</Cd></Prtry></BkTxCd><NtryDtls><TxDtls>
<RltdPties><Dbtr><Nm>{name}</Nm></Dbtr></RltdPties>
<RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"""


def statement(day: date, *lines: tuple) -> bytes:
    entries = "".join(ENTRY.format(ref=ref, amount=f"{abs(cents) / 100:.2f}",
                                   side="CRDT" if cents > 0 else "DBIT", day=day, name=name,
                                   text=text) for ref, cents, name, text in lines)
    return CAMT.format(day=day, entries=entries).encode()


async def test_a_statement_tops_up_settles_queues_and_is_kept_once(system, operator,
                                                                    producer_id):
    base = f"/v1/producers/{producer_id}"
    register(operator, producer_id, "c1", "Claire Martin")
    register(operator, producer_id, "c2", "Jean Dupont")
    placed = operator.request("POST", "orders", f"{base}/orders", json={
        "customer_id": "c2", "lines": [{"label": "Colis de veau", "quantity": 1,
                                        "unit_price_cents": 6350}]})
    assert placed.status_code == 201, placed.text
    order_id = placed.json()["order_id"]
    delivery = date.fromisoformat(operator.request(
        "GET", "orders", f"{base}/orders/{order_id}").json()["delivery_date"])
    year, number, _ = delivery.isocalendar()
    week = f"{year}-W{number:02d}"
    booked = delivery + timedelta(days=1)
    file = statement(
        booked,
        ("B1", 2500, "MME CLAIRE MARTIN",
         f"VIR SEPA RECU /MOTIF {payment_reference(producer_id, 'c1')}"),
        ("B2", 6350, "DUPONT JEAN", "VIR SEPA RECU /MOTIF COMMANDE VEAU"),
        ("B3", 1234, "SCI LES GLYCINES", "VIR SEPA RECU /MOTIF LOYER"),
        ("B4", -4000, "EDF", "PRLV SEPA EDF"))

    async def week_row() -> dict | None:
        page = (await operator.arequest("GET", "payments", f"{base}/payments",
                                        params={"week": week})).json()
        return next((row for row in page["rows"] if row["order_id"] == order_id), None)

    await eventually(week_row, lambda row: row is not None)  # the payments service knows it
    other = operator.request("POST", "orders", f"{base}/orders", json={
        "customer_id": "c1", "lines": [{"label": "Oeufs", "quantity": 1,
                                        "unit_price_cents": 1000}]}).json()["order_id"]

    async def names() -> dict:
        page = (await operator.arequest("GET", "payments", f"{base}/payments",
                                        params={"week": week})).json()
        return {row["order_id"]: row["customer_name"] for row in page["rows"]}

    # matching compares the payer with the customers the payments service knows by name
    await eventually(names, lambda known: known.get(order_id) == "Jean Dupont"
                     and known.get(other) == "Claire Martin")

    imported = operator.request("POST", "payments", f"{base}/bank/statements", content=file,
                                headers={"Content-Type": "application/octet-stream"})
    assert imported.status_code == 201, imported.text
    counts = imported.json()
    assert (counts["format"], counts["lines"], counts["new"], counts["duplicates"]) == (
        "camt.053", 4, 4, 0)
    assert (counts["applied"], counts["queued"], counts["listed"]) == (2, 1, 1)

    async def balance(customer: str) -> int:
        page = (await operator.arequest(
            "GET", "accounts", f"{base}/customers/{customer}/account")).json()
        return page["balance_cents"]

    await eventually(lambda: balance("c1"), lambda cents: cents == 2500)
    settled = await eventually(week_row, lambda row: row["mode"] == "transfer")
    assert settled["amount_paid_cents"] == 6350
    await eventually(lambda: balance("c2"), lambda cents: cents == 0)

    again = operator.request("POST", "payments", f"{base}/bank/statements", content=file)
    assert again.status_code == 201
    assert (again.json()["new"], again.json()["duplicates"]) == (0, 4)

    stated = subprocess.run(
        [str(Path(sys.executable).parent / "ardoise"), "reconcile", "--producer", producer_id],
        env={**os.environ, **system.env, "SUMUP_API_URL": system.urls["sumup"]},
        capture_output=True, text=True, timeout=120)
    assert stated.returncode == 0, stated.stdout + stated.stderr
    assert "4 bank transactions imported: 2 applied, 1 unmatched or unsure" in stated.stdout
    assert [line for line in stated.stdout.splitlines() if line.startswith("UNMATCHED")] == [
        f"UNMATCHED {producer_id} {booked} 12.34 EUR SCI LES GLYCINES VIR SEPA RECU /MOTIF "
        "LOYER (no customer found)"]

    queued = operator.request("GET", "payments", f"{base}/bank/transactions",
                              params={"status": "queued"}).json()["transactions"]
    assert [(t["amount_cents"], t["counterparty"]) for t in queued] == [
        (1234, "SCI LES GLYCINES")]
    tx = queued[0]["transaction_id"]
    moved = operator.request("POST", "payments", f"{base}/bank/transactions/{tx}/reassign",
                             json={"customer_id": "c1"})
    assert moved.status_code == 200 and moved.json()["status"] == "applied"
    await eventually(lambda: balance("c1"), lambda cents: cents == 2500 + 1234)
    undone = operator.request("POST", "payments", f"{base}/bank/transactions/{tx}/undo")
    assert undone.status_code == 200 and undone.json()["status"] == "queued"
    assert [a["amount_cents"] for a in undone.json()["applications"]] == [1234, -1234]
    await eventually(lambda: balance("c1"), lambda cents: cents == 2500)
    twice = operator.request("POST", "payments", f"{base}/bank/transactions/{tx}/undo")
    assert twice.status_code == 409

    listed = operator.request("GET", "payments", f"{base}/bank/transactions",
                              params={"status": "listed"}).json()["transactions"]
    assert [t["amount_cents"] for t in listed] == [-4000]
    assert (await balance("c1"), await balance("c2")) == (2500, 0)


def test_a_file_that_is_not_a_statement_is_refused_and_changes_nothing(operator, producer_id):
    base = f"/v1/producers/{producer_id}"
    refused = operator.request("POST", "payments", f"{base}/bank/statements",
                               content=b"%PDF-1.7\n%\xe2\xe3\xcf\xd3 releve")
    assert refused.status_code == 422
    assert "CAMT.053" in refused.text and "CFONB" in refused.text
    assert operator.request("GET", "payments", f"{base}/bank/transactions").json() == {
        "transactions": []}
