"""Money that came in outside an order, on the running system: a top-up by transfer and a debit
paid back in cash, recorded on the accounts gateway, count in the week's totals per mode on the
payments page and in the sales-by-mode workbook, as the bank and the drawer count them."""

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl

from ardoise_tools.testing.polling import eventually

from .test_accounts import move, register

PARIS = ZoneInfo("Europe/Paris")  # the producer's time zone until it sets another


async def test_a_top_up_by_transfer_and_a_debit_in_cash_count_in_the_weeks_totals(
        system, operator, producer_id):
    register(operator, producer_id, "c1", "Claire Martin")
    top_up = move(operator, producer_id, "c1", "credit", 5000, label="Virement de mai",
                  mode="transfer")
    assert top_up.status_code == 201, top_up.text
    paid_back = move(operator, producer_id, "c1", "debit", 700, label="Rendu", mode="cash")
    assert paid_back.status_code == 201
    untold = move(operator, producer_id, "c1", "credit", 300, label="Geste commercial")
    assert untold.status_code == 201  # no mode: no money came in, it counts nowhere

    # the week the top-up fell in, in the producer's time zone, derived from when it was made
    day = datetime.fromisoformat(top_up.json()["at"]).astimezone(PARIS).date()
    monday = day - timedelta(days=day.weekday())
    year, week, _ = monday.isocalendar()

    async def page():
        return (await operator.arequest("GET", "payments", f"/v1/producers/{producer_id}/payments",
                                        params={"week": f"{year}-W{week:02d}"})).json()

    shown = await eventually(page, lambda p: len(p.get("movements", [])) >= 1)
    paid_back_day = datetime.fromisoformat(paid_back.json()["at"]).astimezone(PARIS).date()
    both = paid_back_day - timedelta(days=paid_back_day.weekday()) == monday
    shown = await eventually(page, lambda p: len(p["movements"]) == (2 if both else 1))
    assert shown["rows"] == []
    assert shown["totals"]["transfer"] == 5000
    assert shown["totals"]["cash"] == (-700 if both else 0)
    assert shown["total_cents"] == 5000 - (700 if both else 0)
    first = shown["movements"][0]
    assert (first["customer_name"], first["kind"], first["mode"], first["amount_cents"],
            first["label"]) == ("Claire Martin", "top_up", "transfer", 5000, "Virement de mai")

    async def summary():
        answer = await operator.arequest(
            "GET", "exports", f"/v1/producers/{producer_id}/exports/sales-by-mode.xlsx",
            params={"from": monday.isoformat(), "to": (monday + timedelta(days=6)).isoformat()})
        book = openpyxl.load_workbook(io.BytesIO(answer.content))
        rows = {r[0]: r[1:] for r in book["Ventes par mode"].iter_rows(min_row=5, values_only=True)}
        return rows, list(book["Mouvements de compte"].iter_rows(min_row=5, values_only=True))

    rows, movements = await eventually(summary, lambda s: len(s[1]) == (2 if both else 1))
    # orders, sales, received for orders, received outside orders, total received, credit notes
    assert rows["Virement"] == (0, 0, 0, 50, 50, 0)
    assert rows["Total"][3:5] == ((43, 43) if both else (50, 50))
    # "Saisi par": the operator's token names no one, it is shown as an operator
    assert movements[0][1:] == ("Claire Martin", "Recharge", "Virement", 50, "Virement de mai",
                                "opérateur")


async def test_the_selected_top_ups_are_in_the_received_payments_workbook(
        system, operator, producer_id):
    register(operator, producer_id, "c1", "Claire Martin")
    top_up = move(operator, producer_id, "c1", "credit", 5000, label="Virement de mai",
                  mode="transfer")
    assert top_up.status_code == 201, top_up.text
    day = datetime.fromisoformat(top_up.json()["at"]).astimezone(PARIS).date()
    year, week, _ = day.isocalendar()

    async def page():
        return (await operator.arequest("GET", "payments", f"/v1/producers/{producer_id}/payments",
                                        params={"week": f"{year}-W{week:02d}"})).json()

    listed = (await eventually(page, lambda p: len(p.get("movements", [])) == 1))["movements"]
    path = f"/v1/producers/{producer_id}/exports/payments.xlsx"

    async def workbook():
        return await operator.arequest("POST", "exports", path, json={
            "order_ids": [], "movement_ids": [listed[0]["movement_id"]]})

    answer = await eventually(workbook, lambda a: a.status_code == 200)
    book = openpyxl.load_workbook(io.BytesIO(answer.content))
    assert book.sheetnames == ["Paiements reçus", "Mouvements de compte"]
    assert list(book["Mouvements de compte"].iter_rows(min_row=4, values_only=True))[0][1:] == (
        "Claire Martin", "Recharge", "Virement", 50, "Virement de mai", "opérateur")
    totals = {row[4]: row[5] for row in book["Paiements reçus"].iter_rows(min_row=5,
                                                                          values_only=True)}
    assert totals["Virement"] == 50 and totals[None] == 50

    unknown = await operator.arequest("POST", "exports", path, json={
        "order_ids": [], "movement_ids": ["6f1c1a52-4a1e-4a55-9d55-8f1f0c6a1b2c"]})
    assert unknown.status_code == 404 and "unknown movements" in unknown.text
    nothing = await operator.arequest("POST", "exports", path, json={"order_ids": []})
    assert nothing.status_code == 422
