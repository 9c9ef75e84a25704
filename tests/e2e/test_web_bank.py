"""The producer's Banque page on the running system: a CAMT.053 imported from it shows its counts,
the transfers to check, those applied and the debits; confirming, ignoring, undoing and giving a
transfer to another customer move the balances; a file that is no statement is refused in
French; the customer reads the payment reference to write on a transfer on Mon compte."""

import re
from datetime import date, timedelta

from ardoise.payment_reference import payment_reference

from .conftest import Caller
from .test_accounts import register
from .test_bank_import import statement
from .test_web_account import customer_pages
from .test_web_journal import operator_pages
from .test_web_payments import csrf_of, text_of, until


def rows_of(html: str, table: str) -> dict[str, str]:
    """The transfers listed in one of the page's tables: their id and their row's words."""
    found = re.search(rf'<table id="{table}">(.*?)</table>', html, re.S)
    if found is None:
        return {}
    return {tx: text_of(row) for tx, row in re.findall(
        r'<tr id="virement-([0-9a-f-]{36})">(.*?)</tr>', found[1], re.S)}


def the_one(rows: dict[str, str], words: str) -> str:
    matching = [tx for tx, said in rows.items() if words in said]
    assert len(matching) == 1, rows
    return matching[0]


def balance(operator: Caller, producer_id: str, customer_id: str) -> int:
    return operator.request("GET", "accounts", f"/v1/producers/{producer_id}/customers/"
                            f"{customer_id}/account").json()["balance_cents"]


def known_to_payments(operator: Caller, producer_id: str, *customers: tuple[str, int]) -> str:
    """An order of each customer (its total), once the payments service knows them by name —
    it matches transfers against the customers and orders it heard of. The delivery day."""
    base = f"/v1/producers/{producer_id}"
    orders = {}
    for customer_id, total_cents in customers:
        placed = operator.request("POST", "orders", f"{base}/orders", json={
            "customer_id": customer_id, "lines": [{"label": "Colis de veau", "quantity": 1,
                                                   "unit_price_cents": total_cents}]})
        assert placed.status_code == 201, placed.text
        orders[placed.json()["order_id"]] = customer_id
    delivery = operator.request("GET", "orders", f"{base}/orders/{next(iter(orders))}").json()[
        "delivery_date"]
    year, number, _ = date.fromisoformat(delivery).isocalendar()

    def named_rows():
        return {row["order_id"]: row["customer_name"] for row in operator.request(
            "GET", "payments", f"{base}/payments", params={"week": f"{year}-W{number:02d}"}
        ).json()["rows"]}

    until(named_rows, lambda rows: all(rows.get(o) not in (None, c) for o, c in orders.items()))
    return delivery


def test_a_statement_imported_from_the_page_is_checked_and_matched_there(
    system, operator: Caller, producer_id
):
    register(operator, producer_id, "c1", "Claire Martin")
    register(operator, producer_id, "c2", "Jean Dupont")
    delivery = known_to_payments(operator, producer_id, ("c1", 4100), ("c2", 6350))
    booked = date.fromisoformat(delivery) + timedelta(days=1)
    file = statement(
        booked,
        ("W1", 2500, "MME CLAIRE MARTIN",
         f"VIR SEPA RECU /MOTIF {payment_reference(producer_id, 'c1')}"),
        ("W2", 6350, "DUPONT JEAN", "VIR SEPA RECU /MOTIF COMMANDE VEAU"),
        ("W3", 1234, "SCI LES GLYCINES", "VIR SEPA RECU /MOTIF LOYER"),
        ("W4", -4000, "EDF", "PRLV SEPA EDF"),
        ("W5", 1500, "MARTIN", "VIR SEPA RECU /MOTIF COURSES"))

    web = operator_pages(system, producer_id)
    empty = web.get("/banque")
    assert empty.status_code == 200
    assert 'href="/banque"' in empty.text  # in the producer's navigation
    words = text_of(empty.text)
    assert "Importer un relevé" in words and "Aucun virement à vérifier." in words
    csrf = csrf_of(empty.text)

    unsigned = web.post("/banque/releves", files={"fichier": ("releve.xml", file)})
    assert unsigned.status_code == 403  # no CSRF token: nothing imported
    pdf = web.post("/banque/releves", data={"csrf": csrf},
                   files={"fichier": ("releve.pdf", b"%PDF-1.7\n%\xe2\xe3 releve",
                                      "application/pdf")})
    assert pdf.status_code == 422
    said = text_of(pdf.text)
    assert "Ce fichier n'est pas un relevé bancaire" in said
    assert "CAMT.053 (XML), OFX (1.x ou 2.x) et CFONB 120" in said
    assert "Celui-ci est un document PDF" in said and "Rien n'a été importé." in said

    nothing = web.post("/banque/releves", data={"csrf": csrf},
                       files={"fichier": ("", b"", "application/octet-stream")})
    assert nothing.status_code == 422
    assert "Choisissez le fichier du relevé" in text_of(nothing.text)

    imported = web.post("/banque/releves", data={"csrf": csrf},
                        files={"fichier": ("releve.xml", file, "application/xml")})
    assert imported.status_code == 303 and imported.headers["location"] == "/banque"
    shown = web.get("/banque")
    said = text_of(shown.text)
    assert "Relevé CAMT.053 importé" in said
    assert ("Lignes 5 Nouvelles 5 Déjà importées 0 Appliquées 2 En attente 2 "
            "Listées (débits) 1") in said
    queue = rows_of(shown.text, "queue")
    assert len(queue) == 2
    glycines, martin = the_one(queue, "SCI LES GLYCINES"), the_one(queue, "15,00 € MARTIN")
    assert "12,34 € SCI LES GLYCINES" in queue[glycines] and "Aucun" in queue[glycines]
    assert "15,00 € MARTIN" in queue[martin] and "Claire Martin" in queue[martin]
    assert "40 / 100 (incertain) nom partiel MARTIN" in queue[martin]
    applied = rows_of(shown.text, "applied")
    assert "25,00 €" in applied[the_one(applied, "MME CLAIRE MARTIN")]
    assert "crédité sur son compte" in applied[the_one(applied, "MME CLAIRE MARTIN")]
    assert "Jean Dupont commande n°" in applied[the_one(applied, "DUPONT JEAN")]
    assert "-40,00 € — PRLV SEPA EDF" in text_of(re.search(r'<table id="debited">.*?</table>',
                                               shown.text, re.S)[0])
    until(lambda: balance(operator, producer_id, "c1"), lambda cents: cents == 2500)

    # the proposal confirmed: Claire's account takes the 15 €
    confirmed = web.post(f"/banque/virements/{martin}/confirmer", data={"csrf": csrf})
    assert confirmed.status_code == 303
    said = text_of(web.get("/banque").text)
    assert (f"Le virement de 15,00 € du {booked:%d/%m/%Y} est appliqué : Claire Martin, "
            "crédité sur son compte.") in said
    until(lambda: balance(operator, producer_id, "c1"), lambda cents: cents == 4000)

    # the rent is nobody's: ignored
    web.post(f"/banque/virements/{glycines}/ignorer", data={"csrf": csrf})
    page = web.get("/banque")
    assert "est ignoré" in text_of(page.text)
    assert list(rows_of(page.text, "ignored")) == [glycines]
    assert "Aucun virement à vérifier." in text_of(page.text)

    # undone by a counter-entry: back in the queue, the money taken back
    web.post(f"/banque/virements/{martin}/annuler", data={"csrf": csrf})
    page = web.get("/banque")
    assert "contre-écriture" in text_of(page.text)
    assert list(rows_of(page.text, "queue")) == [martin]
    until(lambda: balance(operator, producer_id, "c1"), lambda cents: cents == 2500)
    again = web.post(f"/banque/virements/{martin}/annuler", data={"csrf": csrf})
    assert again.status_code == 303
    assert "a changé entre-temps" in text_of(web.get("/banque").text)

    # given to Jean instead, his orders offered first
    choosing = web.get(f"/banque/virements/{martin}/attribuer", params={"client": "c2"})
    assert choosing.status_code == 200
    said = text_of(choosing.text)
    assert "Commandes de Jean Dupont" in said and "63,50 € (payée)" in said
    assert '<option value="c1"' in choosing.text  # every customer may be chosen
    refused = web.post(f"/banque/virements/{martin}/attribuer",
                       data={"csrf": csrf, "customer_id": "c2", "order_id": "pas-une"})
    assert refused.status_code == 422 and "Commande inconnue" in text_of(refused.text)
    given = web.post(f"/banque/virements/{martin}/attribuer",
                     data={"csrf": csrf, "customer_id": "c2", "order_id": ""})
    assert given.status_code == 303
    page = web.get("/banque")
    assert "est appliqué : Jean Dupont, crédité sur son compte." in text_of(page.text)
    assert "choisi par vous" in rows_of(page.text, "applied")[martin]
    until(lambda: balance(operator, producer_id, "c2"), lambda cents: cents == 1500)

    # the same file again: nothing new, nothing counted twice
    web.post("/banque/releves", data={"csrf": csrf},
             files={"fichier": ("releve.xml", file, "application/xml")})
    said = text_of(web.get("/banque").text)
    assert "Lignes 5 Nouvelles 0 Déjà importées 5 Appliquées 0 En attente 0" in said
    assert (balance(operator, producer_id, "c1"), balance(operator, producer_id, "c2")) == (
        2500, 1500)


def test_mon_compte_gives_the_reference_to_write_on_a_transfer(system, operator: Caller,
                                                                 producer_id):
    register(operator, producer_id, "c1", "Claire Martin")
    claire = customer_pages(system, producer_id, "c1")
    shown = until(lambda: claire.get("/mon-compte"),
                  lambda page: "Votre référence de virement" in page.text)
    said = text_of(shown.text)
    reference = payment_reference(producer_id, "c1")
    assert f"Votre référence de virement : {reference}" in said
    assert "écrivez-la dans le libellé (le motif) du virement" in said


def test_the_bank_page_is_the_producers_only(system, operator: Caller, producer_id):
    register(operator, producer_id, "c1", "Claire Martin")
    claire = customer_pages(system, producer_id, "c1")
    assert claire.get("/banque").status_code == 403
