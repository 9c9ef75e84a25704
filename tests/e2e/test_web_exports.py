"""The producer's exports through the web pages of the running system: both workbooks
downloaded and opened, the weekly e-mail's address and "send now", invoices and receipts, and
a customer kept to its own orders."""

import io
import re
import uuid
from datetime import date, timedelta

import openpyxl

from .conftest import Caller
from .test_web_payments import a_week_ahead, csrf_of, place, text_of, until
from .test_web_signin import login_link, signed_in


def operator_pages(system, producer_id: str):
    return signed_in(system, login_link(system, "operator", producer_id, "ferme@example.org"))


def sheet_ids(content: bytes, sheet: str) -> set[str]:
    """The order ids a workbook's sheet lists (column B)."""
    rows = openpyxl.load_workbook(io.BytesIO(content))[sheet].iter_rows(values_only=True)
    return {row[1] for row in rows if row and len(row) > 1 and isinstance(row[1], str)}


def test_both_workbooks_download_with_the_weeks_orders(system, operator: Caller, producer_id):
    operator.request("PUT", "accounts", f"/v1/producers/{producer_id}/customers/c1",
                     json={"name": "Claire Martin"})
    week, wednesday = a_week_ahead()
    first = place(operator, producer_id, "c1", wednesday, 2000)
    second = place(operator, producer_id, "c1", wednesday, 1250)
    web = operator_pages(system, producer_id)

    shown = web.get("/exports")
    assert shown.status_code == 200 and "Ventes par mode de paiement" in shown.text
    # the form offers last week by default
    first_day = date.fromisoformat(re.search(r'name="du" value="([\d-]+)"', shown.text)[1])
    last_day = date.fromisoformat(re.search(r'name="au" value="([\d-]+)"', shown.text)[1])
    assert first_day.weekday() == 0 and last_day - first_day == timedelta(days=6)

    friday = (date.fromisoformat(wednesday) + timedelta(days=2)).isoformat()
    sales = until(lambda: web.get("/exports/ventes-par-mode.xlsx",
                                  params={"du": wednesday, "au": friday}),
                  lambda r: r.status_code == 200
                  and {first, second} <= sheet_ids(r.content, "Commandes"))
    assert sales.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    disposition = sales.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="ventes-par-mode_')
    assert disposition.endswith(f'_{wednesday}_{friday}.xlsx"')
    summary = openpyxl.load_workbook(io.BytesIO(sales.content))["Ventes par mode"]
    total = [row for row in summary.iter_rows(values_only=True) if row and row[0] == "Total"]
    assert total and total[0][1] == 2  # orders not yet settled: sales count once delivered

    csrf = csrf_of(shown.text)
    payments = until(lambda: web.post("/exports/paiements.xlsx", data={
        "csrf": csrf, "order_ids": [first, second], "semaine": week}),
        lambda r: r.status_code == 200)
    assert payments.headers["content-disposition"].startswith(
        'attachment; filename="paiements-recus_')
    assert sheet_ids(payments.content, "Paiements reçus") >= {first, second}

    # nothing selected: a page that says so, not a file
    nothing = web.post("/exports/paiements.xlsx", data={"csrf": csrf, "semaine": week})
    assert nothing.status_code == 422 and "Rien à exporter" in text_of(nothing.text)
    assert f"/paiements?semaine={week}" in nothing.text
    unknown = web.post("/exports/paiements.xlsx",
                       data={"csrf": csrf, "order_ids": [str(uuid.uuid4())]})
    assert unknown.status_code == 404 and "inconnu" in text_of(unknown.text)
    # without the form's token, nothing is exported
    assert web.post("/exports/paiements.xlsx", data={"order_ids": [first]}).status_code == 403

    backwards = web.get("/exports/ventes-par-mode.xlsx", params={"du": friday, "au": wednesday})
    assert backwards.status_code == 422
    assert "La date de début est après la date de fin." in text_of(backwards.text)


def test_the_weekly_email_address_is_set_and_a_week_sent_now_says_how_it_went(
    system, producer_id
):
    web = operator_pages(system, producer_id)
    csrf = csrf_of(web.get("/exports").text)

    asked = web.post("/exports/courriel", data={"csrf": csrf, "semaine": "2026-W48"})
    assert asked.status_code == 303
    shown = text_of(web.get("/exports").text)
    assert "Indiquez d'abord le nom et l'adresse e-mail" in shown

    refused = web.post("/exports/reglages", data={"csrf": csrf, "name": "Ferme des Saules",
                                                   "email": "pas-une-adresse"})
    assert refused.status_code == 422 and "Adresse e-mail invalide" in text_of(refused.text)
    saved = web.post("/exports/reglages", data={"csrf": csrf, "name": "Ferme des Saules",
                                                "email": "ferme@example.org"})
    assert saved.status_code == 303
    page = web.get("/exports").text
    assert "Le courriel hebdomadaire ira à ferme@example.org." in text_of(page)
    assert 'value="Ferme des Saules"' in page and 'value="ferme@example.org"' in page
    assert "Europe/Paris" in page

    # the test system has no mail server: the message says it did not go, and why
    sent = web.post("/exports/courriel", data={"csrf": csrf, "semaine": "2026-W48"})
    assert sent.status_code == 303
    page = text_of(web.get("/exports").text)
    assert ("Le courriel de la semaine 48 de 2026 (du 23/11/2026 au 29/11/2026) n'est pas "
            "parti : le serveur de courrier ne l'a pas accepté.") in page
    assert "semaine 48 de 2026 (du 23/11/2026 au 29/11/2026) Non parti" in page

    bad = web.post("/exports/courriel", data={"csrf": csrf, "semaine": "48"})
    assert bad.status_code == 422 and "Choisissez une semaine" in text_of(bad.text)


def test_invoice_and_receipt_show_the_orders_amounts_to_the_operator_and_its_customer(
    system, operator: Caller, producer_id
):
    operator.request("PUT", "accounts", f"/v1/producers/{producer_id}/customers/c1",
                     json={"name": "Claire Martin"})
    _, wednesday = a_week_ahead()
    order_id = place(operator, producer_id, "c1", wednesday, 2350)
    web = operator_pages(system, producer_id)

    invoice = web.get(f"/commandes/{order_id}/facture")
    assert invoice.status_code == 200
    words = text_of(invoice.text)
    assert "Aperçu de facture" in words and order_id[:8] in words  # not issued yet
    assert "Claire Martin" in words and "Panier de légumes" in words
    assert re.search(r"Total TTC\s*23,50 €", words), words
    assert 'src="/static/print.js"' in invoice.text and "Imprimer" in words

    receipt = web.get(f"/commandes/{order_id}/ticket")
    assert receipt.status_code == 200
    printed = re.search(r'<pre class="receipt"[^>]*>(.*?)</pre>', receipt.text, re.S)[1]
    assert re.search(r"^TOTAL +23,50 €$", printed, re.M)
    assert all(len(line) <= 42 for line in printed.splitlines())
    assert web.get("/static/print.js").status_code == 200

    own = signed_in(system, login_link(system, "customer", producer_id, "claire@example.org",
                                       "--customer", "c1"))
    assert re.search(r"Total TTC\s*23,50 €", text_of(own.get(f"/commandes/{order_id}/facture").text))
    assert "23,50 €" in own.get(f"/commandes/{order_id}/ticket").text

    other = signed_in(system, login_link(system, "customer", producer_id, "paul@example.org",
                                         "--customer", "c2"))
    for path in (f"/commandes/{order_id}/facture", f"/commandes/{order_id}/ticket",
                 f"/mon-compte/commandes/{order_id}"):
        refused = other.get(path)
        assert refused.status_code == 404, path
        assert "Commande introuvable" in refused.text and "23,50" not in refused.text
    assert web.get("/commandes/pas-un-id/facture").status_code == 404


def test_every_customers_balance_at_the_end_of_a_day_downloads_for_the_accountant(
        system, operator: Caller, producer_id):
    base = f"/v1/producers/{producer_id}/customers"
    for customer_id, name, direction, cents in (("c1", "Claire Martin", "debit", 1250),
                                                ("c2", "Bruno Petit", "credit", 500)):
        assert operator.request("PUT", "accounts", f"{base}/{customer_id}",
                                json={"name": name}).status_code == 200
        assert operator.request("POST", "accounts", f"{base}/{customer_id}/movements", json={
            "direction": direction, "amount_cents": cents}).status_code == 201
    web = operator_pages(system, producer_id)
    shown = web.get("/exports")
    assert "Soldes des clients à une date" in shown.text
    # by default the last year end; the page's today (after the movements) bounds the field
    default = date.fromisoformat(re.search(r'name="au" value="([\d-]+)"\s+max', shown.text)[1])
    today = date.fromisoformat(re.search(r'name="au" value="[\d-]+"\s+max="([\d-]+)"',
                                         shown.text)[1])
    assert (default.month, default.day) == (12, 31) and default < today

    answer = web.get("/exports/soldes.xlsx", params={"au": today.isoformat()})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    rows = openpyxl.load_workbook(io.BytesIO(answer.content))["Soldes"].iter_rows(
        values_only=True)
    balances = {row[1]: row[3] for row in rows if row and row[1] in ("c1", "c2")}
    assert balances == {"c1": -12.5, "c2": 5}
    year_end = web.get("/exports/soldes.xlsx")
    assert year_end.status_code == 200
    assert default.isoformat() in year_end.headers["content-disposition"]

    future = web.get("/exports/soldes.xlsx", params={
        "au": (today + timedelta(days=1)).isoformat()})
    assert future.status_code == 422
    assert "Date des soldes dans le futur" in text_of(future.text)
    assert web.get("/exports/soldes.xlsx", params={"au": "hier"}).status_code == 422
