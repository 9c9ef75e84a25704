"""The exports gateway on the running system: workbooks from its own read model, over HTTP."""

import io
import uuid
from datetime import date, datetime

import openpyxl

from ardoise.events import CustomerRegistered, OrderPlaced, SettlementChanged
from ardoise_tools.testing.polling import eventually

from .test_accounts_events import publish


def sale(producer_id, customer_id, total, mode, paid, day):
    order_id = uuid.uuid4()
    return order_id, [
        OrderPlaced(producer_id=producer_id, order_id=order_id, customer_id=customer_id,
                    total_cents=total, delivery_date=day),
        SettlementChanged(producer_id=producer_id, order_id=order_id, customer_id=customer_id,
                          version=1, total_cents=total, delivery_date=day, mode=mode,
                          amount_paid_cents=paid, credit_note_cents=paid - total if paid else 0),
    ]


async def test_received_payments_and_sales_by_mode_open_with_the_right_figures(
    system, operator, producer_id
):
    first, first_events = sale(producer_id, "c1", 2000, "cash", 2500, date(2026, 11, 23))
    second, second_events = sale(producer_id, "c1", 1250, "card", 1250, date(2026, 11, 24))
    third, third_events = sale(producer_id, "c1", 900, "account", 0, date(2026, 11, 25))
    # a name a worksheet cannot hold as sent (a control character) is cleaned, not a 500
    await publish(system, CustomerRegistered(producer_id=producer_id, customer_id="c1",
                                             name="Claire\x02 Martin"),
                  *first_events, *second_events, *third_events)
    path = f"/v1/producers/{producer_id}/exports/payments.xlsx"
    body = {"order_ids": [str(first), str(second), str(third)]}

    async def received_rows():
        answer = await operator.arequest("POST", "exports", path, json=body)
        if answer.status_code != 200:
            return []
        assert "attachment" in answer.headers["content-disposition"]
        sheet = openpyxl.load_workbook(io.BytesIO(answer.content))["Paiements reçus"]
        return [row for row in sheet.iter_rows(values_only=True) if row and row[1] in body["order_ids"]]

    rows = await eventually(received_rows, lambda rs: len(rs) == 3 and all(
        r[4] != "Non livré" and r[2] == "Claire Martin" for r in rs))
    by_order = {row[1]: row for row in rows}
    # an event that names no one (the system, or told before issue #23): "Saisi par" empty
    assert by_order[str(first)][2:] == ("Claire Martin", 20, "Espèces", 25, 5, None, None)
    assert by_order[str(first)][0] == datetime(2026, 11, 23)
    period = await operator.arequest(
        "GET", "exports", f"/v1/producers/{producer_id}/exports/sales-by-mode.xlsx",
        params={"from": "2026-11-23", "to": "2026-11-29"})
    summary = openpyxl.load_workbook(io.BytesIO(period.content))["Ventes par mode"]
    by_mode = {row[0]: row[1:] for row in summary.iter_rows(values_only=True) if row and row[0]}
    # orders, sales, received for orders, received outside orders, total received, credit notes
    assert by_mode["Espèces"] == (1, 20, 25, 0, 25, 5)
    assert by_mode["Carte bancaire"] == (1, 12.5, 12.5, 0, 12.5, 0)
    assert by_mode["Compte client"] == (1, 9, 0, 0, 0, 0)
    assert by_mode["Total"] == (3, 41.5, 37.5, 0, 37.5, 5)
    assert summary["A1"].value == f"Ventes par mode de paiement — {producer_id}"

    # once the producer named itself in the exports settings, its name heads the workbooks
    named = await operator.arequest("PUT", "exports", f"/v1/producers/{producer_id}/exports/settings",
                                    json={"name": "Ferme du Bois", "email": "ferme@example.org"})
    assert named.status_code == 200
    answer = await operator.arequest("POST", "exports", path, json=body)
    received = openpyxl.load_workbook(io.BytesIO(answer.content))["Paiements reçus"]
    assert received["A1"].value == "Paiements reçus — Ferme du Bois"


async def test_bad_export_requests_get_a_clear_error_and_no_file(system, operator, producer_id):
    base = f"/v1/producers/{producer_id}/exports"
    checks = [
        ("GET", "/sales-by-mode.xlsx", {"params": {"from": "2026-11-29", "to": "2026-11-23"}}),
        ("GET", "/sales-by-mode.xlsx", {"params": {"from": "2020-01-01", "to": "2026-01-01"}}),
        ("GET", "/sales-by-mode.xlsx", {"params": {"from": "29/11/2026", "to": "2026-11-30"}}),
        ("POST", "/payments.xlsx", {"json": {"order_ids": []}}),
        ("POST", "/payments.xlsx", {"json": {"order_ids": [str(uuid.uuid4())] * 10_001}}),
        ("POST", "/payments.xlsx", {"json": {"order_ids": ["not-a-uuid"]}}),
        ("POST", "/weekly-email", {"params": {"week": "2026-48"}}),
        ("PUT", "/settings", {"json": {"name": "Ferme\x02", "email": "f@example.org"}}),
    ]
    for method, path, kwargs in checks:
        answer = await operator.arequest(method, "exports", base + path, **kwargs)
        assert answer.status_code == 422, (path, kwargs, answer.status_code)
        assert "spreadsheetml" not in answer.headers.get("content-type", "")
    unknown = await operator.arequest("POST", "exports", base + "/payments.xlsx",
                                      json={"order_ids": [str(uuid.uuid4())]})
    assert unknown.status_code == 404


async def test_the_weekly_email_settings_are_read_back_and_a_send_that_fails_says_why(
        system, operator, producer_id):
    path = f"/v1/producers/{producer_id}/exports"
    assert operator.request("GET", "exports", f"{path}/settings").status_code == 404
    before = operator.request("GET", "exports", f"{path}/weekly-email").json()
    assert (before["email"], before["weeks"]) == (None, [])
    operator.request("PUT", "exports", f"{path}/settings",
                     json={"name": "Ferme des Saules", "email": "compta@saules.example"})
    found = operator.request("GET", "exports", f"{path}/settings").json()
    assert (found["name"], found["email"], found["changed_by"]) == (
        "Ferme des Saules", "compta@saules.example", "opérateur")
    answer = operator.request("POST", "exports", f"{path}/weekly-email",
                              params={"week": "2026-W48"}).json()
    assert answer["sent"] is False and answer["reason"].startswith("the mail server did not")
    settings = operator.request("GET", "exports", f"{path}/weekly-email").json()
    assert (settings["email"], settings["time_zone"], settings["send_hour"]) == (
        "compta@saules.example", "Europe/Paris", 6)
    [week] = settings["weeks"]
    assert (week["week"], week["status"], week["attempts"]) == ("2026-W48", "failed", 1)
    assert week["asked_by"] == "opérateur"  # the operator's token names no one
    assert [(r["kind"], r["detail"]) for r in settings["requests"]] == [
        ("weekly-email", {"week": "2026-W48", "sent": False})]
