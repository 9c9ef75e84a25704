"""The producer's week of payments and its settings, through the web pages of the running
system: settling in cash with a credit note, settling many, the tracking switch, bad input."""

import re
import time
import uuid
from datetime import datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import httpx

from .conftest import Caller
from .test_web_signin import login_link, signed_in


def a_week_ahead() -> tuple[str, str]:
    """A week of its own (next week, Paris time) and its Wednesday, for the orders' delivery."""
    today = datetime.now(ZoneInfo("Europe/Paris")).date()
    wednesday = today + timedelta(days=7 - today.weekday() + 2)
    year, week, _ = wednesday.isocalendar()
    return f"{year}-W{week:02d}", wednesday.isoformat()


def until(probe, accept, timeout_s: float = 60.0):
    deadline = time.monotonic() + timeout_s
    while True:
        value = probe()
        if accept(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"still not as expected after {timeout_s}s: {value!r}")
        time.sleep(0.1)


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html)[1]


def text_of(html: str) -> str:
    """The page's words, tags and runs of spaces aside."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def place(operator: Caller, producer_id: str, customer_id: str, day: str,
          total_cents: int) -> str:
    answer = operator.request("POST", "orders", f"/v1/producers/{producer_id}/orders", json={
        "customer_id": customer_id, "delivery_date": day,
        "lines": [{"label": "Panier de légumes", "quantity": 1, "unit_price_cents": total_cents}]})
    assert answer.status_code == 201, answer.text
    return answer.json()["order_id"]


def the_week(operator: Caller, producer_id: str, week: str) -> dict:
    return operator.request("GET", "payments", f"/v1/producers/{producer_id}/payments",
                            params={"week": week}).json()


def week_page_with(web: httpx.Client, week: str, *order_ids: str) -> str:
    """The week's page once every one of these orders is on it (the payments service hears of
    orders and customers' names by events)."""
    return until(lambda: web.get("/paiements", params={"semaine": week}),
                 lambda r: r.status_code == 200 and all(o in r.text for o in order_ids)
                 and "Claire Martin" in r.text).text


def operator_pages(system, producer_id: str) -> httpx.Client:
    return signed_in(system, login_link(system, "operator", producer_id, "ferme@example.org"))


def test_an_order_paid_25_euros_in_cash_for_20_shows_its_credit_note_on_the_week(
    system, operator, producer_id
):
    operator.request("PUT", "accounts", f"/v1/producers/{producer_id}/customers/c1",
                     json={"name": "Claire Martin"})
    week, wednesday = a_week_ahead()
    order_id = place(operator, producer_id, "c1", wednesday, 2000)
    web = operator_pages(system, producer_id)
    shown = week_page_with(web, week, order_id)
    assert f"/commandes/{order_id}/facture" in shown and f"/commandes/{order_id}/ticket" in shown
    assert "20,00 €" in shown and "Non livré" in text_of(shown)

    settled = web.post("/paiements/reglement", data={
        "csrf": csrf_of(shown), "order_id": order_id, "customer_id": "c1", "semaine": week,
        "mode": "cash", "montant": "25,00", "key": str(uuid.uuid4())})
    assert settled.status_code == 303, settled.text
    assert settled.headers["location"] == f"/paiements?semaine={week}"
    after = web.get(settled.headers["location"])
    words = text_of(after.text)
    assert "Règlement enregistré : Espèces, 25,00 € reçus. Avoir n°1 de 5,00 € émis" in words
    assert "n°1 : 5,00 €" in words
    assert "Espèces par ferme@example.org" in words  # who recorded the settlement
    assert "recorded-by" not in shown  # before it, nobody had
    # the totals: 25,00 € in cash, all that came in
    assert re.search(r"Espèces 25,00 €.*Total reçu 25,00 €", words)
    # the message is shown once
    assert "Règlement enregistré" not in text_of(web.get(f"/paiements?semaine={week}").text)

    [row] = the_week(operator, producer_id, week)["rows"]
    assert (row["mode"], row["amount_paid_cents"]) == ("cash", 2500)


def test_orders_checked_together_are_settled_each_for_its_total(system, operator, producer_id):
    operator.request("PUT", "accounts", f"/v1/producers/{producer_id}/customers/c1",
                     json={"name": "Claire Martin"})
    week, wednesday = a_week_ahead()
    first = place(operator, producer_id, "c1", wednesday, 2000)
    second = place(operator, producer_id, "c1", wednesday, 1250)
    untouched = place(operator, producer_id, "c1", wednesday, 900)
    web = operator_pages(system, producer_id)
    shown = week_page_with(web, week, first, second, untouched)
    assert 'formaction="/exports/paiements.xlsx"' in shown

    nothing = web.post("/paiements/selection", data={
        "csrf": csrf_of(shown), "semaine": week, "mode": "cheque"})
    assert nothing.status_code == 422 and "Cochez au moins une commande" in nothing.text

    settled = web.post("/paiements/selection", data={
        "csrf": csrf_of(shown), "semaine": week, "mode": "cheque",
        "order_ids": [first, second], "key": str(uuid.uuid4())})
    assert settled.status_code == 303
    words = text_of(web.get(settled.headers["location"]).text)
    assert "2 commandes : Chèque, chacune payée son total (soit 32,50 € reçus)." in words
    assert re.search(r"Chèque 32,50 €.*Total reçu 32,50 €", words)

    rows = {r["order_id"]: r for r in the_week(operator, producer_id, week)["rows"]}
    assert (rows[first]["mode"], rows[first]["amount_paid_cents"]) == ("cheque", 2000)
    assert (rows[second]["mode"], rows[second]["amount_paid_cents"]) == ("cheque", 1250)
    assert rows[untouched]["mode"] == "not_delivered"


def test_a_bad_amount_or_a_refused_settlement_is_said_and_changes_nothing(
    system, operator, producer_id
):
    operator.request("PUT", "accounts", f"/v1/producers/{producer_id}/customers/c1",
                     json={"name": "Claire Martin"})
    week, wednesday = a_week_ahead()
    order_id = place(operator, producer_id, "c1", wednesday, 2000)
    web = operator_pages(system, producer_id)
    csrf = csrf_of(week_page_with(web, week, order_id))

    def settle(mode: str, montant: str) -> httpx.Response:
        return web.post("/paiements/reglement", data={
            "csrf": csrf, "order_id": order_id, "customer_id": "c1", "semaine": week,
            "mode": mode, "montant": montant, "key": str(uuid.uuid4())})

    for mode, montant, said in (
        ("cash", "12,505", "au plus deux chiffres après la virgule"),
        ("cash", "-5", "ne peut pas être négatif"),
        ("cash", "vingt", "Montant illisible"),
        ("account", "5", "aucun montant n'est payé"),
    ):
        refused = settle(mode, montant)
        assert refused.status_code == 422 and said in text_of(refused.text), montant
        assert order_id in refused.text  # the week's page, to correct and try again
    # a mode the producer no longer accepts: the gateway's 422, said readably
    operator.request("PUT", "payments", f"/v1/producers/{producer_id}/settings",
                     json={"accepted_modes": ["cash", "account"]})
    refused = settle("cheque", "20")
    assert refused.status_code == 422 and "n'est pas accepté" in text_of(refused.text)
    # without the form's token: nothing done
    assert web.post("/paiements/reglement", data={"order_id": order_id, "mode": "cash"}
                    ).status_code == 403

    [row] = the_week(operator, producer_id, week)["rows"]
    assert (row["mode"], row["amount_paid_cents"]) == ("not_delivered", 0)


def test_the_settings_form_turns_payment_tracking_off_and_on(system, operator, producer_id):
    web = operator_pages(system, producer_id)
    settings_path = f"/v1/producers/{producer_id}/settings"
    form = web.get("/reglages")
    assert form.status_code == 200 and "Activer le suivi des paiements" in form.text
    base = {"csrf": csrf_of(form.text), "time_zone": "Europe/Paris",
            "accepted_modes": ["account", "cash", "cheque"]}

    off = web.post("/reglages", data=base)
    assert off.status_code == 303 and off.headers["location"] == "/reglages"
    assert "Réglages enregistrés." in web.get("/reglages").text
    now = operator.request("GET", "payments", settings_path).json()
    assert now["payment_tracking"] is False
    assert now["accepted_modes"] == ["account", "cash", "cheque"]
    week = web.get("/paiements")
    assert week.status_code == 409 and 'href="/reglages"' in week.text
    assert "Le suivi des paiements est désactivé" in week.text

    on = web.post("/reglages", data={**base, "payment_tracking": "on"})
    assert on.status_code == 303
    assert operator.request("GET", "payments", settings_path).json()["payment_tracking"] is True
    this_week = datetime.now(ZoneInfo("Europe/Paris")).date().isocalendar()
    opened = web.get("/paiements")
    assert opened.status_code == 200
    assert f"Semaine {this_week[1]} de {this_week[0]}" in opened.text

    # online without the producer's SumUp account: the gateway's 409, said; nothing changed
    refused = web.post("/reglages", data={**base, "payment_tracking": "on",
                                          "accepted_modes": ["cash", "online"]})
    assert refused.status_code == 409 and "compte SumUp" in refused.text
    assert "Réglages non enregistrés" in refused.text
    assert operator.request("GET", "payments", settings_path).json()["accepted_modes"] == [
        "account", "cash", "cheque"]
    # an unknown time zone: said, nothing changed
    zone = web.post("/reglages", data={**base, "payment_tracking": "on",
                                       "time_zone": "Europe/Pariss"})
    assert zone.status_code == 422 and "Fuseau horaire inconnu" in zone.text
    assert operator.request("GET", "payments", settings_path).json()["time_zone"] == \
        "Europe/Paris"


def test_a_sumup_key_is_kept_when_left_blank_and_never_shown(system, operator, producer_id):
    web = operator_pages(system, producer_id)
    settings_path = f"/v1/producers/{producer_id}/settings"
    csrf = csrf_of(web.get("/reglages").text)
    base = {"csrf": csrf, "time_zone": "Europe/Paris", "payment_tracking": "on",
            "accepted_modes": ["cash", "online"]}
    connected = web.post("/reglages", data={**base, "sumup_merchant_code": "MCTEST01",
                                            "sumup_api_key": "sk_test_secret_0123456789"})
    assert connected.status_code == 303, connected.text
    page = web.get("/reglages").text
    assert "Compte SumUp connecté" in page and "sk_test_secret" not in page
    # saved again with both SumUp fields blank: the account stays connected
    again = web.post("/reglages", data={**base, "online_payment_required": "on"})
    assert again.status_code == 303, again.text
    now = operator.request("GET", "payments", settings_path).json()
    assert now["sumup_connected"] is True and now["sumup_merchant_code"] == "MCTEST01"
    assert now["online_payment_required"] is True and "online" in now["accepted_modes"]
    # turning tracking off while online is accepted: refused, said, nothing changed
    refused = web.post("/reglages", data={**base, "payment_tracking": ""})
    assert refused.status_code == 409 and "suivi des paiements" in refused.text
    assert operator.request("GET", "payments", settings_path).json()["payment_tracking"] is True


def test_a_week_that_does_not_exist_is_said(system, producer_id):
    web = operator_pages(system, producer_id)
    unknown = web.get("/paiements", params={"semaine": "2026-W60"})
    assert unknown.status_code == 422 and "Semaine inconnue" in unknown.text


def test_top_ups_and_debits_with_a_mode_are_listed_and_counted_in_the_week(
    system, operator, producer_id
):
    operator.request("PUT", "accounts", f"/v1/producers/{producer_id}/customers/c1",
                     json={"name": "Claire Martin"})
    path = f"/v1/producers/{producer_id}/customers/c1/movements"
    top_up = operator.request("POST", "accounts", path, json={
        "direction": "credit", "amount_cents": 5000, "label": "Avance", "mode": "transfer"})
    assert top_up.status_code == 201, top_up.text
    movement_id = top_up.json()["movement_id"]
    web = operator_pages(system, producer_id)
    # the week the top-up was recorded in (the producer's, Paris): the default page
    shown = until(lambda: web.get("/paiements"), lambda r: movement_id in r.text
                  and "Claire Martin" in r.text).text
    words = text_of(shown)
    assert "Claire Martin" in words and "Versement Virement Avance 50,00 € opérateur" in words
    assert re.search(rf'name="movement_ids"\s+value="{movement_id}"', shown)
    assert re.search(r"Virement 50,00 €.*Total reçu 50,00 €", words)
