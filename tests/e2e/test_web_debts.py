"""Debts followed up through the web pages of the running system: the farm sets its reminder
rule and its default credit limit on /relances, sees who the rule would remind and reminds one
by hand (the e-mail reaches a real SMTP server), sets one customer's own limit on their page,
and an order over that limit is refused; what is refused changes nothing."""

from .conftest import Caller
from .test_reminders import mail_server, register  # noqa: F401 - mail_server is a fixture
from .test_web_invoices import operator_pages
from .test_web_payments import csrf_of, text_of
from .test_web_signin import login_link, signed_in


def test_the_farm_sets_its_rule_and_limits_and_reminds_a_customer_by_hand(
        system, operator: Caller, producer_id, mail_server):  # noqa: F811
    base = f"/v1/producers/{producer_id}"
    claire = f"claire.{producer_id}@example.org"
    register(operator, producer_id, "claire", claire, debt_cents=2500)
    register(operator, producer_id, "paul", None, debt_cents=4000)  # no address: not listed
    register(operator, producer_id, "zoe", f"zoe.{producer_id}@example.org")  # owes nothing
    web = operator_pages(system, producer_id)
    shown = web.get("/relances")
    assert shown.status_code == 200 and "Relances et plafonds" in shown.text
    csrf = csrf_of(shown.text)
    assert "Personne à relancer" in text_of(shown.text)  # 7 days by default: not yet

    # the rule: at once, below -10,00 €, weekly at most, signed; bad input changes nothing
    rule = {"csrf": csrf, "active": "", "seuil": "10,00", "depuis": "0", "intervalle": "7",
            "signature": "Ferme des Saules", "reponse": ""}
    bad = web.post("/relances/regle", data={**rule, "intervalle": "0"})
    assert bad.status_code == 422
    assert "Au plus une relance tous les : un nombre de jours de 1 à 365." in text_of(bad.text)
    assert operator.request("GET", "accounts", f"{base}/reminders/settings").json()[
        "for_days"] == 7
    assert web.post("/relances/regle", data={**rule, "csrf": ""}).status_code == 403
    saved = web.post("/relances/regle", data=rule)
    assert saved.status_code == 303 and saved.headers["location"] == "/relances"
    settings = operator.request("GET", "accounts", f"{base}/reminders/settings").json()
    assert (settings["enabled"], settings["below_cents"], settings["for_days"],
            settings["every_days"], settings["farm_name"]) == (
        False, -1000, 0, 7, "Ferme des Saules")

    page = text_of(web.get("/relances").text)
    assert "Règle de relance enregistrée : aucune relance ne part d'elle-même." in page
    assert "Client claire" in page and "-25,00 €" in page
    assert "Client paul" not in page and "Client zoe" not in page

    assert 'name="apres" value="aucune"' in web.get("/relances").text  # none sent yet
    form = {"csrf": csrf, "retour": "relances", "apres": "aucune"}
    reminded = web.post("/clients/claire/relance", data=form)
    assert reminded.status_code == 303 and reminded.headers["location"] == "/relances"
    page = text_of(web.get("/relances").text)
    assert f"Relance envoyée à {claire} (solde -25,00 €)." in page
    assert "Personne à relancer" in page  # reminded: not due again this week
    assert [m["To"] for m in mail_server.messages] == [claire]
    # the same form again (a second click, a retry after a timeout): nothing more goes out
    again = web.post("/clients/claire/relance", data=form)
    assert again.status_code == 303
    assert ("Cette relance était déjà demandée : rien de plus n'est envoyé. Relance envoyée à "
            f"{claire}") in text_of(web.get("/relances").text)
    assert [m["To"] for m in mail_server.messages] == [claire]
    [first] = operator.request("GET", "accounts",
                               f"{base}/customers/claire/account").json()["reminders"]
    assert f'name="apres" value="{first["reminder_id"]}"' in web.get("/clients/claire").text
    assert web.post("/clients/claire/relance", data={**form, "apres": "x"}).status_code == 422
    refused = web.post("/clients/zoe/relance", data={"csrf": csrf})
    assert refused.status_code == 409
    assert "Ce client ne doit rien : aucune relance à envoyer." in text_of(refused.text)
    assert len(mail_server.messages) == 1
    claires_page = text_of(web.get("/clients/claire").text)
    assert "Relances envoyées" in web.get("/clients/claire").text
    assert "Envoyée (à la main)" in claires_page
    # from Claire's page as it is now, after that reminder: a new one is a new request
    assert web.post("/clients/claire/relance", data={
        "csrf": csrf, "apres": first["reminder_id"]}).status_code == 303
    assert [m["To"] for m in mail_server.messages] == [claire, claire]

    # the default limit, then Claire's own: an order past it is refused
    limit = {"csrf": csrf, "plafond": "50,00", "depassement": "refuse"}
    assert web.post("/relances/plafond", data={**limit, "plafond": "abc"}).status_code == 422
    assert web.post("/relances/plafond", data={**limit, "depassement": ""}).status_code == 422
    assert operator.request("GET", "accounts", f"{base}/credit-limits").json()[
        "credit_limit_cents"] is None
    assert web.post("/relances/plafond", data=limit).status_code == 303
    assert "Plafond par défaut enregistré : jusqu'à -50,00 €." in text_of(
        web.get("/relances").text)
    limits = operator.request("GET", "accounts", f"{base}/credit-limits").json()
    assert (limits["credit_limit_cents"], limits["over_limit"]) == (5000, "refuse")

    own = web.post("/clients/claire/plafond", data={"csrf": csrf, "plafond": "30"})
    assert own.status_code == 303
    standing = operator.request("GET", "accounts", f"{base}/customers/claire/credit-limit").json()
    assert (standing["customer_credit_limit_cents"], standing["credit_limit_cents"]) == (
        3000, 3000)
    claires_page = text_of(web.get("/clients/claire").text)
    assert "Plafond de ce client enregistré : jusqu'à -30,00 €." in claires_page
    assert "Plafond de crédit jusqu'à -30,00 €" in claires_page
    assert "Peut encore commander pour 5,00 €" in claires_page
    over = operator.request("POST", "orders", f"{base}/orders", json={
        "customer_id": "claire", "lines": [{"label": "Panier", "quantity": 1,
                                            "unit_price_cents": 1000}]})
    assert over.status_code == 409 and "-30,00" in over.text

    assert web.post("/clients/claire/plafond", data={"csrf": csrf, "plafond": "20"}
                    ).status_code == 303
    assert "Peut encore commander pour plafond atteint" in text_of(
        web.get("/clients/claire").text)  # -25,00 € owed against a limit of 20,00 €

    assert web.post("/clients/claire/plafond", data={"csrf": csrf}).status_code == 422
    back = web.post("/clients/claire/plafond", data={"csrf": csrf, "defaut": "on"})
    assert back.status_code == 303
    assert operator.request("GET", "accounts", f"{base}/customers/claire/credit-limit").json()[
        "customer_credit_limit_cents"] is None

    # the farm's pages only: a customer's session is refused
    claire_web = signed_in(system, login_link(system, "customer", producer_id, claire,
                                              "--customer", "claire"))
    assert claire_web.get("/relances").status_code == 403
    assert claire_web.post("/clients/claire/relance", data={
        "csrf": csrf_of(claire_web.get("/mon-compte").text)}).status_code == 403
