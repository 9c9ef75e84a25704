"""Who did it (issue #23), across the running services: Léa Martin, an operator whose token
names her, tops up Claire's account by 20,00 € in cash and records Claire's 20,00 € order as
paid 25,00 € in cash. The account's history shows her name on the top-up and on the order's
movements (told by the settlement's event), the week's payments page and the payments workbook
say she recorded them ("Saisi par"), and the exports she asked for are logged as hers; the
invoices she issues and every journal entry of what she did name her."""

import io

import openpyxl

from ardoise.auth import Principal
from ardoise_tools.testing.polling import eventually

from .conftest import Caller
from .test_accounts import register
from .test_invoices import FARM
from .test_invoices import place as place_to_invoice
from .test_settlements_scenario import place, settle

LEA = "Léa Martin"


async def test_lea_s_top_up_and_settlement_show_her_name_in_the_history_and_the_workbook(
        system, producer_id):
    lea = Caller(system, Principal("operator", producer_id, person="op-1", name=LEA))
    base = f"/v1/producers/{producer_id}"
    assert lea.request("PUT", "accounts", f"{base}/customers/c1",
                       json={"name": "Claire Martin"}).status_code == 200
    top_up = lea.request("POST", "accounts", f"{base}/customers/c1/movements",
                         json={"direction": "credit", "amount_cents": 2000, "mode": "cash"})
    assert top_up.status_code == 201, top_up.text
    assert top_up.json()["recorded_by"] == LEA
    order_id = place(lea, producer_id, "c1", "2026-11-25", 2000)
    settled = settle(lea, producer_id, order_id, mode="cash", amount_paid_cents=2500)
    assert settled.status_code == 200, settled.text

    # the history: the top-up, then the order's debit and its payment, all Léa's
    async def history() -> list[dict]:
        answer = await lea.arequest("GET", "accounts", f"{base}/customers/c1/account")
        return answer.json()["movements"] if answer.status_code == 200 else []

    movements = await eventually(history, lambda ms: len(ms) == 3)
    assert [(m["amount_cents"], m["recorded_by"]) for m in movements] == [
        (2500, LEA), (-2000, LEA), (2000, LEA)]
    claire = Caller(system, Principal("customer", producer_id, "c1"))
    mine = await claire.arequest("GET", "accounts", "/v1/me/account")
    assert {m["recorded_by"] for m in mine.json()["movements"]} == {LEA}

    # the week's payments page names her on the order's row
    page = await lea.arequest("GET", "payments", f"{base}/payments", params={"week": "2026-W48"})
    assert [(r["order_id"], r["recorded_by"]) for r in page.json()["rows"]] == [(order_id, LEA)]

    # the payments workbook: "Saisi par" on the order's row and on the top-up's
    selection = {"order_ids": [order_id], "movement_ids": [top_up.json()["movement_id"]]}

    async def workbook():
        answer = await lea.arequest("POST", "exports", f"{base}/exports/payments.xlsx",
                                    json=selection)
        return openpyxl.load_workbook(io.BytesIO(answer.content)) \
            if answer.status_code == 200 else None

    def settled_by_lea(book) -> bool:
        return book is not None and any(
            row[1] == order_id and row[7] == LEA
            for row in book["Paiements reçus"].iter_rows(min_row=4, values_only=True))

    book = await eventually(workbook, settled_by_lea)
    orders = book["Paiements reçus"]
    assert [cell.value for cell in orders[3]][7] == "Saisi par"
    [order_row] = [r for r in orders.iter_rows(min_row=4, values_only=True) if r[1] == order_id]
    assert order_row[2:8] == ("Claire Martin", 20, "Espèces", 25, 5, LEA)
    [moved] = list(book["Mouvements de compte"].iter_rows(min_row=4, values_only=True))
    assert (moved[1], moved[4], moved[6]) == ("Claire Martin", 20, LEA)

    asked = await lea.arequest("GET", "exports", f"{base}/exports/weekly-email")
    assert {(r["kind"], r["asked_by"]) for r in asked.json()["requests"]} == {
        ("payments.xlsx", LEA)}


async def test_a_settings_change_shows_who_made_it(system, producer_id):
    lea = Caller(system, Principal("operator", producer_id, person="op-1", name=LEA))
    path = f"/v1/producers/{producer_id}/settings"
    put = lea.request("PUT", "payments", path, json={"accepted_modes": ["cash", "cheque"]})
    assert put.status_code == 200, put.text
    got = lea.request("GET", "payments", path).json()
    assert (got["changed_by"], got["changed_at"]) == (LEA, put.json()["changed_at"])


async def test_the_invoices_léa_issues_and_the_journal_name_her(system, producer_id):
    lea = Caller(system, Principal("operator", producer_id, person="op-1", name=LEA))
    base = f"/v1/producers/{producer_id}"
    assert lea.request("PUT", "orders", f"{base}/invoicing", json=FARM).status_code == 200
    register(lea, producer_id, "c1", "Claire Martin")
    order_id = place_to_invoice(lea, producer_id, "c1")
    assert settle(lea, producer_id, order_id, mode="cash",
                  amount_paid_cents=4100).status_code == 200
    assert lea.request("POST", "accounts", f"{base}/customers/c1/movements", json={
        "direction": "credit", "amount_cents": 1000, "mode": "cheque"}).status_code == 201
    first = lea.request("POST", "orders", f"{base}/orders/{order_id}/invoices").json()["number"]
    assert lea.request("POST", "orders",
                       f"{base}/invoices/{first}/credit-invoice").status_code == 201
    listed = lea.request("GET", "orders", f"{base}/invoices").json()["invoices"]
    assert [(i["number"], i["issued_by"]) for i in listed] == [
        ("F000001", LEA), ("FA000001", LEA)]

    # the accountant's invoices workbook says who issued each
    issued_on = [i["issue_date"] for i in listed]
    days = {"from": min(issued_on), "to": max(issued_on)}

    async def invoices_book():
        answer = await lea.arequest("GET", "exports", f"{base}/exports/invoices.xlsx",
                                    params=days)
        return openpyxl.load_workbook(io.BytesIO(answer.content))["Factures"] \
            if answer.status_code == 200 else None

    def both_listed(sheet) -> bool:
        return sheet is not None and {"F000001", "FA000001"} <= {
            row[0] for row in sheet.iter_rows(min_row=5, values_only=True)}

    sheet = await eventually(invoices_book, both_listed)
    assert [cell.value for cell in sheet[4]][-1] == "Émis par"
    assert {row[0]: row[-1] for row in sheet.iter_rows(min_row=5, values_only=True)
            if row[0] in ("F000001", "FA000001")} == {"F000001": LEA, "FA000001": LEA}

    async def entries() -> list[dict]:
        return (await lea.arequest("GET", "journal", f"{base}/journal/entries")).json()["entries"]

    kinds = {"invoice", "credit_invoice", "settlement", "payment", "movement"}
    found = await eventually(entries, lambda got: kinds <= {e["kind"] for e in got})
    assert {(e["kind"], e["content"]["actor"]) for e in found} == {(k, LEA) for k in kinds}
    verified = lea.request("GET", "journal", f"{base}/journal/verify").json()
    assert verified["valid"] is True, verified
