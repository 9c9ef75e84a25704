"""The Clients pages on the running system, over HTTP as a browser would use them: the list by
balance (debts first), its search, filter and pages, and movements recorded through the forms,
once each however often a form is sent."""

import re

import httpx
import pytest

from ardoise.auth import Principal

from .conftest import Caller
from .test_accounts import move, register
from .test_web_signin import login_link, signed_in


@pytest.fixture
def web(system, producer_id) -> httpx.Client:
    """The producer's operator, signed in to the pages."""
    return signed_in(system, login_link(system, "operator", producer_id, "ferme@example.org"))


def listed(html: str) -> list[str]:
    """The customer ids of the list, in the order shown."""
    return re.findall(r'<th scope="row"><a href="/clients/([^"]+)">', html)


def count(html: str) -> str:
    return " ".join(re.search(r'<p id="count" role="status">(.*?)</p>', html, re.S)[1].split())


def form_of(html: str, kind: str) -> dict[str, str]:
    """The hidden fields of one movement form (`credit`, `recharge`, `debit`)."""
    form = re.search(rf'<form[^>]*aria-labelledby="form-{kind}">(.*?)</form>', html, re.S)[1]
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form))


def history_row(html: str, label: str) -> list[str]:
    """The cells of the account history's first row whose operation is `label`."""
    history = html.split("<h2>Historique du compte</h2>", 1)[1]
    for row in re.findall(r"<tr>(.*?)</tr>", history, re.S):
        cells = [" ".join(re.sub(r"<[^>]+>", "", c).split())
                 for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        if len(cells) > 1 and cells[1] == label:
            return cells
    raise AssertionError(f"no movement {label!r} in the history")


def balance(operator: Caller, producer_id: str, customer_id: str) -> tuple[int, int]:
    """The balance and the number of movements, as the accounts gateway has them."""
    account = operator.request("GET", "accounts",
                               f"/v1/producers/{producer_id}/customers/{customer_id}/account"
                               ).json()
    return account["balance_cents"], len(account["movements"])


def test_the_list_shows_debts_first_and_searches_and_filters(web, operator, producer_id):
    for customer_id, name, cents in (("c1", "Claire Martin", -500), ("c2", "Bruno Petit", 300),
                                     ("c3", "Élise Durand", -100), ("c4", "Zoé Zéro", 0)):
        register(operator, producer_id, customer_id, name)
        if cents:
            assert move(operator, producer_id, customer_id,
                        "credit" if cents > 0 else "debit", abs(cents)).status_code == 201

    shown = web.get("/clients")
    assert shown.status_code == 200
    assert listed(shown.text) == ["c1", "c3", "c4", "c2"]
    assert count(shown.text) == "4 clients"
    assert "Claire Martin" in shown.text and "-5,00 €" in shown.text and "3,00 €" in shown.text
    assert "Se déconnecter" in shown.text and "Le suivi des paiements est désactivé" \
        not in shown.text

    assert listed(web.get("/clients", params={"q": "ELISE"}).text) == ["c3"]
    debts = web.get("/clients", params={"dette": "1"}).text
    assert listed(debts) == ["c1", "c3"] and count(debts) == "2 clients en dette"
    assert listed(web.get("/clients", params={"q": "martin", "dette": "1"}).text) == ["c1"]
    nobody = web.get("/clients", params={"q": "personne\nici"})  # a search never errs
    assert nobody.status_code == 200 and listed(nobody.text) == []


def test_pages_of_fifty_keep_the_search_in_their_links(web, operator, producer_id):
    for n in range(55):
        register(operator, producer_id, f"m{n:02d}", f"Martin {n:02d}")
    register(operator, producer_id, "x1", "Autre Nom")

    first = web.get("/clients", params={"q": "martin"}).text
    assert len(listed(first)) == 50 and count(first) == "55 clients pour « martin » — page 1 " \
                                                         "sur 2"
    following = re.search(r'<a href="([^"]+)" rel="next">', first)[1].replace("&amp;", "&")
    assert following == "/clients?q=martin&page=2"
    second = web.get(following).text
    assert listed(second) == [f"m{n:02d}" for n in range(50, 55)]
    assert 'rel="next"' not in second
    assert re.search(r'<a href="([^"]+)" rel="prev">', second)[1] == "/clients?q=martin"


def test_a_top_up_through_the_form_is_recorded_once_and_shows_the_new_balance(
        web, operator, producer_id):
    register(operator, producer_id, "c2", "Bruno Petit")
    assert move(operator, producer_id, "c2", "credit", 300).status_code == 201
    page = web.get("/clients/c2")
    assert page.status_code == 200 and "Bruno Petit" in page.text
    form = {**form_of(page.text, "recharge"), "montant": "12,50", "libelle": "Chèque de juin",
            "mode": "cheque"}
    assert form["sorte"] == "recharge" and form["csrf"] and form["cle"]

    sent = web.post("/clients/c2/mouvements", data=form)
    assert sent.status_code == 303
    assert sent.headers["location"] == "/clients/c2?fait=recharge&montant=1250"
    after = web.get(sent.headers["location"]).text
    assert "Recharge de 12,50 € enregistrée." in after
    assert re.search(r'id="balance"><span class="credit">15,50 €</span>', after)
    assert "Chèque de juin" in after
    assert balance(operator, producer_id, "c2") == (1550, 2)
    # the history says who recorded each movement: the signed-in person, the API's operator
    assert history_row(after, "Chèque de juin")[-1] == "ferme@example.org"
    assert history_row(after, "Crédit")[-1] == "opérateur"

    # the same form sent again (a double click, a reload): one movement all the same
    again = web.post("/clients/c2/mouvements", data=form)
    assert again.status_code == 303
    assert balance(operator, producer_id, "c2") == (1550, 2)

    # a debit paid back in cash, with a dot
    debit = {**form_of(after, "debit"), "montant": "0.50", "libelle": "", "mode": "cash"}
    assert web.post("/clients/c2/mouvements", data=debit).status_code == 303
    assert balance(operator, producer_id, "c2") == (1500, 3)


@pytest.mark.parametrize("amount, says", [
    ("12,505", "au plus deux chiffres après la virgule"), ("0", "supérieur à zéro"),
    ("-3", "supérieur à zéro"), ("douze", "Montant illisible"), ("", "Indiquez un montant")])
def test_a_bad_amount_is_said_and_records_nothing(web, operator, producer_id, amount, says):
    register(operator, producer_id, "c1", "Claire Martin")
    form = {**form_of(web.get("/clients/c1").text, "credit"), "montant": amount}
    refused = web.post("/clients/c1/mouvements", data=form)
    assert refused.status_code == 422
    assert says in refused.text and 'role="alert"' in refused.text
    assert balance(operator, producer_id, "c1") == (0, 0)


def test_a_form_without_the_sessions_token_or_by_a_customer_records_nothing(
        system, web, operator, producer_id):
    register(operator, producer_id, "c1", "Claire Martin")
    form = {**form_of(web.get("/clients/c1").text, "credit"), "montant": "5"}
    assert web.post("/clients/c1/mouvements", data={**form, "csrf": "forged"}).status_code == 403
    customer = signed_in(system, login_link(system, "customer", producer_id, "c@example.org",
                                            "--customer", "c1"))
    assert customer.get("/clients").status_code == 403
    assert customer.post("/clients/c1/mouvements", data=form).status_code == 403
    assert balance(operator, producer_id, "c1") == (0, 0)


def test_adding_a_customer_and_giving_it_an_address_it_signs_in_with(
        system, web, operator, producer_id):
    csrf = re.search(r'name="csrf" value="([^"]+)"', web.get("/clients").text)[1]
    added = web.post("/clients", data={"csrf": csrf, "customer_id": "c-0042",
                                       "name": "Claire Martin", "email": ""})
    assert added.status_code == 303 and added.headers["location"] == "/clients/c-0042?fait=ajoute"
    assert "Client ajouté." in web.get(added.headers["location"]).text
    taken = web.post("/clients", data={"csrf": csrf, "customer_id": "c-0042", "name": "Autre"})
    assert taken.status_code == 409 and "déjà pris" in taken.text
    assert web.post("/clients", data={"csrf": csrf, "customer_id": "é!", "name": "X"}
                    ).status_code == 422
    answer = operator.request("GET", "accounts", f"/v1/producers/{producer_id}/customers").json()
    assert [(c["customer_id"], c["name"]) for c in answer["customers"]] == [
        ("c-0042", "Claire Martin")]

    bad = web.post("/clients/c-0042/coordonnees", data={"csrf": csrf, "name": "Claire Martin",
                                                         "email": "pas-une-adresse"})
    assert bad.status_code == 422 and "Adresse e-mail invalide" in bad.text
    saved = web.post("/clients/c-0042/coordonnees", data={
        "csrf": csrf, "name": "Claire Martin", "email": "Claire@Example.org"})
    assert saved.status_code == 303
    assert "Claire@Example.org" in web.get(saved.headers["location"]).text
    found = operator.request("GET", "accounts", f"/v1/producers/{producer_id}/customers",
                             params={"email": "claire@example.ORG"}).json()["customers"]
    assert [(c["customer_id"], c["email"]) for c in found] == [("c-0042", "Claire@Example.org")]
    assert web.post("/clients/nobody/coordonnees", data={
        "csrf": csrf, "name": "X", "email": ""}).status_code == 404
    assert operator.request("GET", "accounts", f"/v1/producers/{producer_id}/customers/nobody"
                            "/account").status_code == 404


def test_with_payment_tracking_off_the_pages_say_so_and_offer_no_movement(
        system, untracked_producer_id):
    operator = Caller(system, Principal("operator", untracked_producer_id))
    register(operator, untracked_producer_id, "c1", "Claire Martin")
    web = signed_in(system, login_link(system, "operator", untracked_producer_id,
                                       "ferme@example.org"))
    shown = web.get("/clients").text
    assert "Le suivi des paiements est désactivé : activez-le dans Réglages" in shown
    assert listed(shown) == ["c1"]
    customer = web.get("/clients/c1").text
    assert "Le suivi des paiements est désactivé" in customer
    assert "Créditer le compte" not in customer and 'name="montant"' not in customer


def test_an_unknown_customer_is_a_page_not_found(web):
    answer = web.get("/clients/nobody")
    assert answer.status_code == 404 and "Client introuvable" in answer.text
