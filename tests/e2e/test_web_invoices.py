"""Numbered invoices through the web pages of the running system: the farm states who it is on
/facturation, issues an order's invoice from its page and downloads the PDF; the customer finds
it on Mon compte, and no one else's."""

import re

from .conftest import Caller
from .test_web_payments import a_week_ahead, csrf_of, place, text_of
from .test_web_signin import login_link, signed_in

FARM = {"legal_name": "EARL Ferme des Saules", "address": "12 chemin des Saules\n49000 Angers",
        "siret": "732 829 320 00074", "vat_regime": "vat", "vat_number": "FR44732829320",
        "default_vat_rate": "5.5", "legal_form": "EARL", "registration": "RCS Angers",
        "email": "ferme@example.org", "phone": "02 41 00 00 00",
        "payment_terms": "Paiement à réception", "invoice_on_delivery": "",
        "receipt_shows_available": "on"}


def operator_pages(system, producer_id: str):
    return signed_in(system, login_link(system, "operator", producer_id, "ferme@example.org"))


def customer_pages(system, producer_id: str, customer_id: str):
    return signed_in(system, login_link(system, "customer", producer_id,
                                        f"{customer_id}@example.org", "--customer", customer_id))


def an_order_of_claire(operator: Caller, producer_id: str) -> str:
    operator.request("PUT", "accounts", f"/v1/producers/{producer_id}/customers/c1",
                     json={"name": "Claire Martin"})
    return place(operator, producer_id, "c1", a_week_ahead()[1], 2350)


def state_the_farm(operator: Caller, producer_id: str) -> None:
    """The farm's identity through the API (the page's switches aside)."""
    assert operator.request("PUT", "orders", f"/v1/producers/{producer_id}/invoicing", json={
        k: v for k, v in FARM.items() if k not in ("invoice_on_delivery",
                                                   "receipt_shows_available")}
    ).status_code == 200


def test_the_operator_states_the_farms_identity_issues_the_invoice_and_downloads_its_pdf(
    system, operator: Caller, producer_id
):
    order_id = an_order_of_claire(operator, producer_id)
    web = operator_pages(system, producer_id)
    shown = web.get(f"/commandes/{order_id}/facture")
    assert shown.status_code == 200
    assert f'hx-get="/commandes/{order_id}/facture/etat"' in shown.text
    state = web.get(f"/commandes/{order_id}/facture/etat")
    assert state.status_code == 200 and "Émettre la facture" in state.text
    csrf = csrf_of(state.text)
    assert web.get(f"/commandes/{order_id}/facture.pdf").status_code == 409

    # nothing known of the farm yet: the invoice is not issued, and the page says what is missing
    refused = web.post(f"/commandes/{order_id}/facture/emettre", data={"csrf": csrf})
    assert refused.status_code == 422
    assert "Facture non émise : il manque la raison sociale." in text_of(refused.text)
    assert 'href="/facturation"' in refused.text

    form = web.get("/facturation")
    assert form.status_code == 200 and "Raison sociale" in form.text
    assert "Franchise en base (art. 293 B du CGI)" in form.text
    bad = web.post("/facturation", data={**FARM, "siret": "732 829 320 00075", "csrf": csrf})
    assert bad.status_code == 422
    assert "SIRET invalide : 14 chiffres" in text_of(bad.text)
    assert 'aria-describedby="siret-probleme"' in bad.text
    assert 'value="732 829 320 00075"' in bad.text  # shown back as typed, to be corrected
    assert web.post("/facturation", data=FARM).status_code == 403  # no CSRF token
    saved = web.post("/facturation", data={**FARM, "csrf": csrf})
    assert saved.status_code == 303 and saved.headers["location"] == "/facturation"
    form = web.get("/facturation")
    assert "Identité de facturation enregistrée." in text_of(form.text)
    assert 'value="EARL Ferme des Saules"' in form.text and 'value="73282932000074"' in form.text
    assert re.search(r'name="receipt_shows_available" value="on"\s+checked', form.text)

    issued = web.post(f"/commandes/{order_id}/facture/emettre", data={"csrf": csrf})
    assert issued.status_code == 303
    assert issued.headers["location"] == f"/commandes/{order_id}/facture"
    state = text_of(web.get(f"/commandes/{order_id}/facture/etat").text)
    assert "Facture F000001 émise." in state and "Facture n° F000001" in state
    assert "Télécharger le PDF" in state and "Émettre la facture" not in state
    assert "émise." not in text_of(web.get(f"/commandes/{order_id}/facture/etat").text)
    again = web.post(f"/commandes/{order_id}/facture/emettre", data={"csrf": csrf})
    assert again.status_code == 303
    assert "La facture F000001 était déjà émise." in text_of(
        web.get(f"/commandes/{order_id}/facture/etat").text)

    pdf = web.get(f"/commandes/{order_id}/facture.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"] == 'inline; filename="F000001.pdf"'
    assert pdf.content.startswith(b"%PDF")


def test_the_customer_downloads_its_own_invoice_from_mon_compte_and_no_one_elses(
    system, operator: Caller, producer_id
):
    order_id = an_order_of_claire(operator, producer_id)
    base = f"/v1/producers/{producer_id}"
    state_the_farm(operator, producer_id)
    number = operator.request("POST", "orders", f"{base}/orders/{order_id}/invoices").json()[
        "number"]
    claire = customer_pages(system, producer_id, "c1")

    account = claire.get("/mon-compte")
    assert f'href="/mon-compte/factures/{number}.pdf"' in account.text
    assert number in text_of(account.text)
    pdf = claire.get(f"/mon-compte/factures/{number}.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"] == f'inline; filename="{number}.pdf"'
    assert pdf.content.startswith(b"%PDF")
    assert claire.get(f"/commandes/{order_id}/facture.pdf").content.startswith(b"%PDF")
    state = claire.get(f"/commandes/{order_id}/facture/etat")
    assert f"Facture n° {number}" in text_of(state.text)
    assert "Émettre la facture" not in state.text
    # issuing is the producer's: a customer's form is refused
    assert claire.post(f"/commandes/{order_id}/facture/emettre",
                       data={"csrf": csrf_of(account.text)}).status_code == 403

    paul = customer_pages(system, producer_id, "c2")
    for path in (f"/mon-compte/factures/{number}.pdf", f"/commandes/{order_id}/facture.pdf",
                 "/mon-compte/factures/F999999.pdf", "/mon-compte/factures/pas-un-numero.pdf"):
        answer = paul.get(path)
        assert answer.status_code == 404, path
        assert "introuvable" in answer.text and not answer.content.startswith(b"%PDF")
    assert operator_pages(system, producer_id).get(
        f"/mon-compte/factures/{number}.pdf").status_code == 403


def test_a_business_customer_without_an_address_is_not_invoiced_and_the_page_says_so(
    system, operator: Caller, producer_id
):
    base = f"/v1/producers/{producer_id}"
    assert operator.request("PUT", "accounts", f"{base}/customers/c9", json={
        "name": "Épicerie du Coin", "professional": True, "siren": "732829320"}
    ).status_code == 200
    order_id = place(operator, producer_id, "c9", a_week_ahead()[1], 4100)
    web = operator_pages(system, producer_id)
    csrf = csrf_of(web.get("/facturation").text)
    assert web.post("/facturation", data={**FARM, "csrf": csrf}).status_code == 303

    refused = web.post(f"/commandes/{order_id}/facture/emettre", data={"csrf": csrf})
    assert refused.status_code == 422
    assert "il manque l'adresse du client" in text_of(refused.text)
    assert 'href="/clients/c9"' in refused.text and 'href="/facturation"' in refused.text
    assert "Émettre la facture" in web.get(f"/commandes/{order_id}/facture/etat").text


def test_the_operator_cancels_an_invoice_by_a_facture_davoir_then_invoices_the_order_anew(
    system, operator: Caller, producer_id
):
    order_id = an_order_of_claire(operator, producer_id)
    base = f"/v1/producers/{producer_id}"
    state_the_farm(operator, producer_id)
    assert operator.request("POST", "orders", f"{base}/orders/{order_id}/invoices"
                            ).json()["number"] == "F000001"
    web = operator_pages(system, producer_id)
    state = web.get(f"/commandes/{order_id}/facture/etat").text
    assert f'action="/commandes/{order_id}/facture/annuler"' in state
    csrf = csrf_of(state)
    cancel = {"csrf": csrf, "number": "F000001", "confirm": "on"}

    def in_force() -> list[tuple[str, bool | None]]:
        listed = operator.request("GET", "orders", f"{base}/invoices").json()["invoices"]
        return [(i["number"], i["in_force"]) for i in listed]

    # refused, nothing issued: unconfirmed, without the session's token, by the customer, or
    # naming an invoice that is not this order's invoice in force
    unconfirmed = web.post(f"/commandes/{order_id}/facture/annuler",
                           data={**cancel, "confirm": ""})
    assert unconfirmed.status_code == 422
    assert "cochez la case qui confirme l'annulation" in text_of(unconfirmed.text)
    assert web.post(f"/commandes/{order_id}/facture/annuler",
                    data={**cancel, "csrf": ""}).status_code == 403
    claire = customer_pages(system, producer_id, "c1")
    assert claire.post(f"/commandes/{order_id}/facture/annuler", data={
        **cancel, "csrf": csrf_of(claire.get("/mon-compte").text)}).status_code == 403
    other = web.post(f"/commandes/{order_id}/facture/annuler",
                     data={**cancel, "number": "F000009"})
    assert other.status_code == 409
    assert "est maintenant F000001, pas F000009" in text_of(other.text)
    assert in_force() == [("F000001", True)]

    done = web.post(f"/commandes/{order_id}/facture/annuler", data=cancel)
    assert done.status_code == 303
    assert done.headers["location"] == f"/commandes/{order_id}/facture"
    said = text_of(web.get(f"/commandes/{order_id}/facture/etat").text)
    assert ("Facture d'avoir FA000001 émise : elle annule la facture F000001. "
            "La commande peut être facturée à nouveau.") in said
    assert "Émettre la facture" in said and "Facture n°" not in said
    assert "Documents émis pour cette commande : Facture F000001 · Avoir FA000001" in said
    assert in_force() == [("F000001", False), ("FA000001", None)]
    # the same form again (a second click, a page left open): nothing more is issued
    twice = web.post(f"/commandes/{order_id}/facture/annuler", data=cancel)
    assert twice.status_code == 409
    assert "la facture F000001 est déjà annulée" in text_of(twice.text)
    assert in_force() == [("F000001", False), ("FA000001", None)]

    pdf = web.get("/factures/FA000001.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-disposition"] == 'inline; filename="FA000001.pdf"'
    assert web.get("/factures/FA999999.pdf").status_code == 404
    assert claire.get("/factures/FA000001.pdf").status_code == 403  # hers: /mon-compte/…
    assert claire.get("/mon-compte/factures/FA000001.pdf").content.startswith(b"%PDF")
    assert 'href="/mon-compte/factures/FA000001.pdf"' in claire.get(
        f"/commandes/{order_id}/facture/etat").text

    assert web.post(f"/commandes/{order_id}/facture/emettre",
                    data={"csrf": csrf}).status_code == 303
    said = text_of(web.get(f"/commandes/{order_id}/facture/etat").text)
    assert "Facture n° F000002" in said
    assert "Facture F000001 · Avoir FA000001 · Facture F000002" in said
    assert in_force() == [("F000001", False), ("FA000001", None), ("F000002", True)]
