"""The payment tracking switch on the running system: off for a new producer (nothing settled,
moved or shown), then turned on, starting from what was recorded before."""

import io
from datetime import date, timedelta

import openpyxl

from ardoise.auth import Principal
from ardoise_tools.testing.polling import eventually
from ardoise_tools.testing.tracking import turn_tracking_on

from .conftest import Caller
from .test_accounts import move, register


async def sales_workbook(operator: Caller, producer_id: str, day: date) -> openpyxl.Workbook:
    answer = await operator.arequest(
        "GET", "exports", f"/v1/producers/{producer_id}/exports/sales-by-mode.xlsx",
        params={"from": (day - timedelta(days=1)).isoformat(),
                "to": (day + timedelta(days=1)).isoformat()})
    assert answer.status_code == 200, answer.text
    return openpyxl.load_workbook(io.BytesIO(answer.content))


async def test_a_new_producer_tracks_nothing_until_it_turns_tracking_on(
        system, untracked_producer_id):
    producer_id = untracked_producer_id
    operator = Caller(system, Principal("operator", producer_id))
    claire = Caller(system, Principal("customer", producer_id, "c1"))
    settings = operator.request("GET", "payments", f"/v1/producers/{producer_id}/settings").json()
    assert settings["payment_tracking"] is False
    register(operator, producer_id, "c1", "Claire Martin")

    refused = move(operator, producer_id, "c1", "credit", 5000, mode="transfer")
    assert refused.status_code == 409 and "tracking is off" in refused.json()["detail"]
    placed = operator.request("POST", "orders", f"/v1/producers/{producer_id}/orders", json={
        "customer_id": "c1", "lines": [{"label": "Panier", "quantity": 1,
                                        "unit_price_cents": 2000}]})
    assert placed.status_code == 201  # orders are taken as usual
    order_id = placed.json()["order_id"]
    page = operator.request("GET", "orders", f"/v1/producers/{producer_id}/orders/{order_id}")
    day = date.fromisoformat(page.json()["delivery_date"])
    settlement = f"/v1/producers/{producer_id}/orders/{order_id}/settlement"
    assert operator.request("PUT", "payments", settlement, json={"mode": "cash"}).status_code == 409
    assert claire.request("GET", "accounts", "/v1/me/account").status_code == 409
    invoice = operator.request("GET", "orders", f"/v1/producers/{producer_id}/orders/{order_id}"
                               "/invoice", headers={"Accept": "application/json"}).json()
    assert (invoice["settlement"], invoice["balance_cents"]) == (None, None)
    online = operator.request("PUT", "payments", f"/v1/producers/{producer_id}/settings",
                              json={"accepted_modes": ["cash", "online"]})
    assert online.status_code == 409

    async def untracked_book():
        return await sales_workbook(operator, producer_id, day)

    book = await eventually(untracked_book,
                            lambda b: len(list(b["Commandes"].iter_rows(min_row=5))) == 1)
    assert book.sheetnames == ["Ventes", "Commandes"]
    assert [c.value for c in book["Commandes"][4]] == ["Date", "Commande", "Client", "Total"]

    # turned on: it starts from what was recorded, the order placed meanwhile unsettled
    turn_tracking_on(system.urls, system.env["ARDOISE_JWT_SECRET"], producer_id)
    account = claire.request("GET", "accounts", "/v1/me/account").json()
    assert (account["balance_cents"], account["movements"]) == (0, [])
    assert move(operator, producer_id, "c1", "credit", 5000, mode="transfer").status_code == 201
    settled = operator.request("PUT", "payments", settlement, json={"mode": "cash",
                                                                    "amount_paid_cents": 1500})
    assert settled.status_code == 200

    async def balance():
        return claire.request("GET", "accounts", "/v1/me/account").json()["balance_cents"]

    assert await eventually(balance, lambda cents: cents == 5000 - 500) == 4500
    def cash_of(book) -> list[tuple]:
        if "Ventes par mode" not in book.sheetnames:
            return []
        return [row for row in book["Ventes par mode"].iter_rows(min_row=5, values_only=True)
                if row[0] == "Espèces"]

    # the exports service hears the switch and the settlement each in its own time
    tracked = await eventually(untracked_book, lambda b: cash_of(b) != [])
    assert cash_of(tracked) == [("Espèces", 1, 20, 15, 0, 15, -5)]
