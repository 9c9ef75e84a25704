"""The settlement story of PRODUCT.md across the running services, with its amounts."""

import io
import uuid

import openpyxl

from ardoise_tools.testing.polling import eventually

from .conftest import Caller

WEEK = "2026-W48"


def place(operator: Caller, producer_id: str, customer_id: str, day: str, total_cents: int) -> str:
    answer = operator.request("POST", "orders", f"/v1/producers/{producer_id}/orders", json={
        "customer_id": customer_id, "delivery_date": day,
        "lines": [{"label": "Panier de légumes", "quantity": 1, "unit_price_cents": total_cents}]})
    assert answer.status_code == 201, answer.text
    assert answer.json()["total_cents"] == total_cents
    return answer.json()["order_id"]


def settle(operator: Caller, producer_id: str, order_id: str, **body):
    return operator.request("PUT", "payments",
                            f"/v1/producers/{producer_id}/orders/{order_id}/settlement", json=body)


async def balance(operator: Caller, producer_id: str) -> int | None:
    answer = await operator.arequest("GET", "accounts",
                                     f"/v1/producers/{producer_id}/customers/c1/account")
    return answer.json()["balance_cents"] if answer.status_code == 200 else None


async def test_a_20_euro_order_settled_then_changed_moves_the_balance_as_the_story_says(
    system, operator, producer_id
):
    operator.request("PUT", "accounts", f"/v1/producers/{producer_id}/customers/c1",
                     json={"name": "Claire Martin"})
    order_id = place(operator, producer_id, "c1", "2026-11-25", 2000)

    # not delivered: the order does not count in the account
    assert settle(operator, producer_id, order_id, mode="not_delivered").status_code == 200
    assert await balance(operator, producer_id) == 0

    # paid 25,00 € in cash: +5,00 € and a 5,00 € credit note on the invoice
    answer = settle(operator, producer_id, order_id, mode="cash", amount_paid_cents=2500)
    assert answer.json() == {"order_id": order_id, "mode": "cash", "amount_paid_cents": 2500,
                             "received": {"cash": 2500}, "paid_twice": False}
    await eventually(lambda: balance(operator, producer_id), lambda b: b == 500)
    invoice_path = f"/v1/producers/{producer_id}/orders/{order_id}/invoice"

    async def invoice() -> dict:
        return (await operator.arequest("GET", "orders", invoice_path,
                                        headers={"Accept": "application/json"})).json()

    printed = await eventually(invoice, lambda i: i["credit_note_cents"] == 500)
    assert printed["balance_cents"] == 500 and printed["settlement"]["mode"] == "cash"
    assert "Avoir n°1 : 5,00 €" in operator.request("GET", "orders", invoice_path).text

    # changed to a cheque of 20,00 €: back to 0, and the credit note is no longer in force
    settle(operator, producer_id, order_id, mode="cheque", amount_paid_cents=2000)
    await eventually(lambda: balance(operator, producer_id), lambda b: b == 0)
    printed = await eventually(invoice, lambda i: i["settlement"]["mode"] == "cheque")
    assert printed["credit_note_cents"] == 0 and printed["balance_cents"] == 0

    # the cheque never came after all: the producer corrects what it counted (money received
    # is never dropped by another mode), then deducts the order from the account: −20,00 €, and
    # the receipt printed now says so
    settle(operator, producer_id, order_id, mode="cheque", amount_paid_cents=0)
    settle(operator, producer_id, order_id, mode="account")
    await eventually(lambda: balance(operator, producer_id), lambda b: b == -2000)
    receipt_path = f"/v1/producers/{producer_id}/orders/{order_id}/receipt"
    receipt = (await eventually(lambda: operator.arequest("GET", "orders", receipt_path),
                                lambda r: "Déduit du compte client" in r.text)).text
    assert any(line.startswith("Solde du compte") and line.endswith("-20,00 €")
               for line in receipt.splitlines())
    assert max(len(line) for line in receipt.splitlines()) <= 42

    # the week's payments page shows the order once, deducted from the account, nothing received
    page = operator.request("GET", "payments", f"/v1/producers/{producer_id}/payments",
                            params={"week": WEEK}).json()
    assert [(r["order_id"], r["customer_name"], r["mode"], r["amount_paid_cents"])
            for r in page["rows"]] == [(order_id, "Claire Martin", "account", 0)]
    assert page["total_cents"] == 0


async def test_the_weekly_payments_page_shows_each_order_once_with_totals_per_mode(
    system, operator, producer_id
):
    operator.request("PUT", "accounts", f"/v1/producers/{producer_id}/customers/c1",
                     json={"name": "Claire Martin"})
    cash = place(operator, producer_id, "c1", "2026-11-23", 2000)
    card = place(operator, producer_id, "c1", "2026-11-29", 1250)
    undelivered = place(operator, producer_id, "c1", "2026-11-27", 900)
    next_week = place(operator, producer_id, "c1", "2026-11-30", 700)
    settle(operator, producer_id, cash, mode="cash", amount_paid_cents=2500)
    many = operator.request("POST", "payments", f"/v1/producers/{producer_id}/settlements",
                            json={"order_ids": [card, next_week], "mode": "card"})
    assert many.status_code == 200

    async def page() -> dict:
        return (await operator.arequest("GET", "payments", f"/v1/producers/{producer_id}/payments",
                                        params={"week": WEEK})).json()

    shown = await eventually(page, lambda p: len(p["rows"]) == 3
                             and all(r["customer_name"] == "Claire Martin" for r in p["rows"]))
    assert sorted(r["order_id"] for r in shown["rows"]) == sorted([cash, card, undelivered])
    # every mode the producer accepts (online only once it connects a SumUp account)
    assert shown["totals"] == {"not_delivered": 0, "account": 0, "cash": 2500, "cheque": 0,
                               "card": 1250, "transfer": 0}
    assert shown["total_cents"] == 3750


async def test_bad_settlements_are_refused_and_change_nothing(system, operator, customer_of,
                                                             producer_id):
    order_id = place(operator, producer_id, "c1", "2026-11-25", 2000)
    operator.request("PUT", "payments", f"/v1/producers/{producer_id}/settings", json={
        "payment_tracking": True, "accepted_modes": ["cash", "account"],
        "online_payment_required": False})
    refused = settle(operator, producer_id, order_id, mode="cheque")
    assert refused.status_code == 422 and "mode" in refused.text
    for body in ({"mode": "cash", "amount_paid_cents": -1},
                 {"mode": "account", "amount_paid_cents": 5}):
        refused = settle(operator, producer_id, order_id, **body)
        assert refused.status_code == 422 and "amount_paid_cents" in refused.text
    assert settle(operator, producer_id, str(uuid.uuid4()), mode="cash").status_code == 404
    assert settle(operator, producer_id, "not-an-order", mode="cash").status_code == 422
    assert settle(customer_of("c1"), producer_id, order_id, mode="cash").status_code == 403
    assert operator.request("POST", "payments", f"/v1/producers/{producer_id}/settlements", json={
        "order_ids": [order_id, str(uuid.uuid4())], "mode": "cash"}).status_code == 404
    # nothing was written: once the payments service has heard of the order, its own page
    # (which shows its own writes at once) has it unsettled
    page = await eventually(
        lambda: operator.arequest("GET", "payments", f"/v1/producers/{producer_id}/payments",
                                  params={"week": WEEK}),
        lambda r: r.json()["rows"])
    assert [(r["order_id"], r["mode"]) for r in page.json()["rows"]] == [
        (order_id, "not_delivered")]
    for lines in ([], [{"label": "x", "quantity": 0, "unit_price_cents": 100}],
                  [{"label": "x", "quantity": 1, "unit_price_cents": -5}]):
        answer = operator.request("POST", "orders", f"/v1/producers/{producer_id}/orders",
                                  json={"customer_id": "c1", "lines": lines})
        assert answer.status_code == 422


async def test_with_payment_tracking_off_nothing_is_shown_or_counted(system, operator,
                                                                    producer_id):
    order_id = place(operator, producer_id, "c1", "2026-11-25", 2000)
    settle(operator, producer_id, order_id, mode="cash", amount_paid_cents=2000)
    operator.request("PUT", "payments", f"/v1/producers/{producer_id}/settings",
                     json={"payment_tracking": False})
    assert settle(operator, producer_id, order_id, mode="card").status_code == 409
    assert operator.request("GET", "payments", f"/v1/producers/{producer_id}/payments",
                            params={"week": WEEK}).status_code == 409
    invoice_path = f"/v1/producers/{producer_id}/orders/{order_id}/invoice"
    hidden = await eventually(
        lambda: operator.arequest("GET", "orders", invoice_path,
                                  headers={"Accept": "application/json"}),
        lambda r: r.json()["settlement"] is None)
    assert hidden.json()["balance_cents"] is None and hidden.json()["total_cents"] == 2000
    operator.request("PUT", "payments", f"/v1/producers/{producer_id}/settings",
                     json={"payment_tracking": True})
    # turned on again: what was recorded before is shown again
    shown = await eventually(
        lambda: operator.arequest("GET", "orders", invoice_path,
                                  headers={"Accept": "application/json"}),
        lambda r: r.json()["settlement"] is not None)
    assert shown.json()["settlement"] == {"mode": "cash", "amount_paid_cents": 2000}


async def test_the_week_over_new_year_keeps_its_seven_days_on_the_page_and_in_the_exports(
    system, operator, producer_id
):
    """2026-12-28 to 2027-01-03 are 2026-W53; 2027-01-04 opens 2027-W01 (ISO weeks)."""
    days = {"2026-12-27": 1000, "2026-12-28": 2000, "2026-12-31": 3000, "2027-01-03": 4000,
            "2027-01-04": 5000}
    orders = {day: place(operator, producer_id, "c1", day, cents) for day, cents in days.items()}
    many = operator.request("POST", "payments", f"/v1/producers/{producer_id}/settlements",
                            json={"order_ids": list(orders.values()), "mode": "cash"})
    assert many.status_code == 200

    async def week(name: str) -> dict:
        return (await operator.arequest("GET", "payments", f"/v1/producers/{producer_id}/payments",
                                        params={"week": name})).json()

    for name, wanted in (("2026-W52", ["2026-12-27"]),
                         ("2026-W53", ["2026-12-28", "2026-12-31", "2027-01-03"]),
                         ("2027-W01", ["2027-01-04"])):
        page = await week(name)
        assert sorted(r["delivery_date"] for r in page["rows"]) == wanted, name
        assert page["totals"]["cash"] == sum(days[day] for day in wanted)

    async def january() -> list[tuple]:
        answer = await operator.arequest(
            "GET", "exports", f"/v1/producers/{producer_id}/exports/sales-by-mode.xlsx",
            params={"from": "2027-01-01", "to": "2027-01-31"})
        sheet = openpyxl.load_workbook(io.BytesIO(answer.content))["Ventes par mode"]
        return [row for row in sheet.iter_rows(values_only=True) if row and row[0] == "Espèces"]

    [cash] = await eventually(january, lambda rows: rows and rows[0][1] == 2)
    assert cash == ("Espèces", 2, 90, 90, 0, 90, 0)
