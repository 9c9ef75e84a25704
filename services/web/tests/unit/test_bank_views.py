"""The bank page's own logic: an import's counts carried across the redirect, a refused file said
in French, transfers listed with their match, the orders a transfer may pay, the forms checked
before the payments gateway is asked, and the page itself. No I/O."""

import pytest

from web.pages.bank_statement_views import import_flash, import_view, statement_problem
from web.pages.bank_views import (
    action_problem,
    confidence,
    customer_names,
    done_message,
    older_before,
    order_choices,
    page_before,
    reassignment_body,
    short_order,
    transaction_row,
)
from web.pages.common import BadInput, templates

ORDER = "0b8f5a3c-2f3e-4d51-9a43-6c1f0e9f2a11"
EXPECTED = "expected a bank statement: CAMT.053 (XML), OFX (1.x or 2.x) or CFONB 120; this file is "
"""The payments gateway's words for a file that is no statement, as its parsers write them."""


def a_transfer(**changes) -> dict:
    tx = {"transaction_id": "7d1c9a44-0000-4000-8000-000000000001", "status": "queued",
          "booking_date": "2026-12-03", "amount_cents": 1500, "label": "VIR SEPA MARTIN",
          "counterparty": "MARTIN", "reference": None, "account": "FR7630006000011234567890189",
          "customer_id": "c1", "order_id": None, "score": 40,
          "reasons": ["nom partiel MARTIN"]}
    return {**tx, **changes}


def refusal(message: str) -> list[dict]:
    return [{"loc": ["body", "file"], "msg": message, "type": "value_error"}]


def test_an_imports_counts_cross_the_redirect_and_come_back_in_the_pages_order():
    answer = {"import_id": "x", "format": "camt.053", "accounts": ["FR76…"], "lines": 5,
              "new": 4, "duplicates": 1, "applied": 2, "queued": 1, "listed": 1}
    flash = import_flash(answer)
    assert flash == "camt.053:5:4:1:2:1:1"
    shown = import_view(flash)
    assert shown["format"] == "CAMT.053"
    assert shown["rows"] == [("Lignes", 5), ("Nouvelles", 4), ("Déjà importées", 1),
                             ("Appliquées", 2), ("En attente", 1), ("Listées (débits)", 1)]


def test_a_flash_that_is_not_an_imports_counts_shows_none():
    assert import_view(None) is None
    assert import_view("camt.053:5:4:1") is None
    assert import_view("pdf:1:1:1:1:1:1") is None
    assert import_view("ofx:1:1:1:1:1:<b>") is None


@pytest.mark.parametrize(("what", "said"), [
    ("a PDF document", "Celui-ci est un document PDF"),
    ("empty", "Celui-ci est vide."),
    ("a CSV file (values separated by semicolons)",
     "Celui-ci est un fichier CSV (valeurs séparées par des points-virgules)."),
    ("an Excel workbook (.xlsx)", "Celui-ci est un classeur Excel (.xlsx)."),
    ("a camt.052 message, not a camt.053 statement",
     "Celui-ci est un message camt.052, pas un relevé camt.053."),
    ("an HTML page (the bank's web page rather than the file it exports?)",
     "Celui-ci est une page HTML"),
    ("text that begins 'Bonjour le monde'",
     "Celui-ci est un texte qui commence par « Bonjour le monde »."),
    ("a ZIP archive", "Celui-ci est une archive ZIP : décompressez-la d'abord."),
    ("a CFONB file of 160-character records (transfer or debit orders), not a CFONB 120 "
     "statement", "un fichier CFONB aux lignes de 160 caractères"),
])
def test_a_file_that_is_no_statement_is_said_in_french_with_what_it_is(what, said):
    problem = statement_problem(refusal(EXPECTED + what))
    assert problem.startswith("Ce fichier n'est pas un relevé bancaire : Ardoise lit les "
                              "relevés au format CAMT.053 (XML), OFX (1.x ou 2.x) et CFONB 120")
    assert said in problem and problem.endswith("Rien n'a été importé.")
    assert "this file" not in problem


def test_an_unreadable_statement_names_its_format_and_why():
    camt = statement_problem(refusal(
        "a CAMT.053 file (ISO 20022 BkToCstmrStmt) was expected: the file is not well-formed "
        "XML (Premature end of data in tag Stmt line 1)"))
    assert camt == ("Ce fichier est un relevé CAMT.053, mais il ne se lit pas : son XML est mal "
                    "formé. Rien n'a été importé.")
    ofx = statement_problem(refusal(
        "an OFX file (an OFX 1.x SGML or 2.x XML bank or credit card statement) was expected: "
        "the file ends before </OFX> (cut short?)"))
    assert "relevé OFX" in ofx and "il s'arrête avant </OFX>" in ofx
    cfonb = statement_problem(refusal("CFONB 120, line 3: 80 characters where a record has 120"))
    assert "relevé CFONB 120" in cfonb and "la ligne 3 a 80 caractères au lieu de 120" in cfonb
    amount = statement_problem(refusal(
        "CFONB 120, line 1: the amount '   12' is not 13 digits and a signed last character "
        "({ or A-I for + 0..9, } or J-R for - 0..9)"))
    assert "à la ligne 1, le montant « 12 »" in " ".join(amount.split())


def test_a_reason_not_translated_is_shown_as_the_gateway_wrote_it():
    odd = statement_problem(refusal("a CAMT.053 file (ISO 20022 BkToCstmrStmt) was expected: "
                                    "something new"))
    assert odd.startswith("Ce fichier est un relevé CAMT.053, mais il ne se lit pas.")
    assert "(Détail : something new.)" in odd
    assert "(Détail : oops.)" in statement_problem("oops")


def test_a_transfer_is_listed_with_its_payer_amount_and_named_match():
    row = transaction_row(a_transfer(order_id=ORDER, score=70,
                                     reasons=["nom partiel MARTIN", "montant d'une commande"]),
                          {"c1": "Claire Martin"})
    assert (row["date"], row["amount"], row["payer"]) == ("03/12/2026", "15,00 €", "MARTIN")
    assert (row["customer"], row["order"]) == ("Claire Martin", "0b8f5a3c")
    assert (row["score"], row["confidence"], row["sure"]) == (70, "probable", False)
    assert row["reasons"] == ["nom partiel MARTIN", "montant d'une commande"]
    unmatched = transaction_row(a_transfer(customer_id=None, score=None, reasons=[],
                                           counterparty=None), {})
    assert unmatched["customer"] is None and unmatched["payer"] == "—"
    unknown_name = transaction_row(a_transfer(customer_id="c9"), {"c1": "Claire Martin"})
    assert unknown_name["customer"] == "c9"


def test_the_confidence_in_words():
    assert [confidence(s) for s in (100, 90, 60, 40, None)] == [
        "sûr", "sûr", "probable", "incertain", "choisi par vous"]
    assert short_order(ORDER) == "0b8f5a3c" and short_order(None) is None


def test_an_older_page_starts_the_day_after_the_oldest_shown_so_none_of_that_day_is_lost():
    rows = [{"booking_date": d} for d in ("2026-12-05", "2026-12-04", "2026-12-02")]
    assert older_before(rows, 3) == "2026-12-03"
    assert older_before(rows, 4) is None  # not full: nothing older
    one_day = [{"booking_date": "2026-12-02"}] * 3
    assert older_before(one_day, 3) == "2026-12-02"  # a page of one day: onwards, not again
    assert older_before([], 0) is None
    assert page_before("2026-12-02") == "2026-12-02"
    assert page_before("demain") is None and page_before(None) is None


def test_the_orders_a_transfer_may_pay_say_what_is_left_and_leave_out_cancelled_ones():
    orders = [
        {"order_id": ORDER, "total_cents": 6350, "delivery_date": "2026-12-02",
         "status": "accepted", "settlement": {"mode": "not_delivered", "amount_paid_cents": 0}},
        {"order_id": "1" * 32, "total_cents": 4100, "delivery_date": "2026-11-25",
         "status": "accepted", "settlement": {"mode": "transfer", "amount_paid_cents": 2000}},
        {"order_id": "2" * 32, "total_cents": 900, "delivery_date": "2026-11-18",
         "status": "cancelled", "settlement": {}},
        {"order_id": "3" * 32, "total_cents": 900, "delivery_date": "2026-11-11",
         "status": "placed", "settlement": {"mode": "cash", "amount_paid_cents": 900}},
    ]
    choices = order_choices(orders, ORDER)
    assert [c["title"] for c in choices] == [
        "Livraison du 02/12/2026 — 63,50 € (non réglée)",
        "Livraison du 25/11/2026 — 41,00 € (reste 21,00 €)",
        "Livraison du 11/11/2026 — 9,00 € (payée)"]
    assert [c["chosen"] for c in choices] == [True, False, False]
    assert choices[0]["short"] == "0b8f5a3c" and choices[2]["status"] == "Passée"


def test_attribuer_a_sends_the_customer_and_the_order_when_one_is_chosen():
    assert reassignment_body(" c1 ", "") == {"customer_id": "c1"}
    assert reassignment_body("c1", ORDER.upper()) == {"customer_id": "c1", "order_id": ORDER}
    with pytest.raises(BadInput, match="Choisissez le client"):
        reassignment_body("", "")
    with pytest.raises(BadInput, match="Client inconnu"):
        reassignment_body("c 1; drop", "")
    with pytest.raises(BadInput, match="Commande inconnue"):
        reassignment_body("c1", "pas-une-commande")


def test_what_each_action_did_is_said_with_the_amount_the_day_and_the_customer():
    tx = a_transfer(status="applied")
    assert done_message("confirm", tx, "Claire Martin") == (
        "Le virement de 15,00 € du 03/12/2026 est appliqué : Claire Martin, crédité sur son "
        "compte.")
    assert done_message("reassign", {**tx, "order_id": ORDER}, None) == (
        "Le virement de 15,00 € du 03/12/2026 est appliqué : c1, commande n° 0b8f5a3c.")
    assert "est ignoré" in done_message("ignore", tx, None)
    assert "contre-écriture" in done_message("undo", tx, None)


def test_the_gateways_refusals_of_an_action_in_french():
    assert "introuvable" in action_problem(404, "no such bank transaction")
    assert "Attribuer à…" in action_problem(
        409, "nothing was proposed for this transaction: reassign it to a customer")
    assert "a changé entre-temps" in action_problem(
        409, "cannot undo a transaction that is queued (only one that is applied or ignored)")
    assert "pas celle de ce client" in action_problem(
        422, [{"loc": ["body", "order_id"], "msg": "no such order of this customer"}])
    assert "Client inconnu" in action_problem(
        422, [{"loc": ["body", "customer_id"], "msg": "no such customer"}])
    assert customer_names([{"customer_id": "c1", "name": "Claire Martin"},
                           {"customer_id": "c2", "name": ""}]) == {"c1": "Claire Martin",
                                                                  "c2": "c2"}


def bank_page(**context) -> str:
    values = {"csrf": "tok", "session": None, "imported": None, "queue": [], "applied": [],
              "ignored": [], "debits": [], "before": None, "older": None,
              "queue_full": False, "history_limit": 50}
    return templates.get_template("bank.html").render({**values, **context})


def test_the_page_offers_the_upload_and_lists_each_transfer_with_its_buttons():
    names = {"c1": "Claire Martin"}
    queued = transaction_row(a_transfer(), names)
    unmatched = transaction_row(a_transfer(transaction_id="t-2", customer_id=None, score=None,
                                           reasons=[], counterparty="SCI LES GLYCINES"), names)
    applied = transaction_row(a_transfer(transaction_id="t-3", status="applied", score=100,
                                         reasons=["référence ARD-7K2Q9P"]), names)
    debit = transaction_row(a_transfer(transaction_id="t-4", status="listed",
                                       amount_cents=-4000, counterparty="EDF",
                                       customer_id=None), names)
    shown = bank_page(queue=[queued, unmatched], applied=[applied], debits=[debit],
                      imported=import_view("camt.053:4:4:0:1:2:1"))
    assert 'enctype="multipart/form-data"' in shown and 'name="fichier"' in shown
    assert 'name="csrf" value="tok"' in shown
    assert "Relevé CAMT.053 importé" in shown and "Déjà importées" in shown
    tx = queued["transaction_id"]
    assert f'action="/banque/virements/{tx}/confirmer"' in shown
    assert f'href="/banque/virements/{tx}/attribuer"' in shown
    assert f'action="/banque/virements/{tx}/ignorer"' in shown
    assert "Claire Martin" in shown and "nom partiel MARTIN" in shown
    assert "<strong>40</strong> / 100" in shown and "incertain" in shown
    # nothing proposed: nothing to confirm, but it may be given to someone, or ignored
    assert 'action="/banque/virements/t-2/confirmer"' not in shown
    assert 'href="/banque/virements/t-2/attribuer"' in shown and "Aucun</span>" in shown
    assert 'action="/banque/virements/t-3/annuler"' in shown and "Annuler" in shown
    assert "automatique, score 100" in shown and "référence ARD-7K2Q9P" in shown
    assert "-40,00 €" in shown and "EDF" in shown
    assert "Aucun virement ignoré." in shown


def test_an_empty_bank_page_says_so():
    shown = bank_page()
    assert "Aucun virement à vérifier." in shown and "Aucun virement appliqué." in shown
    assert "Aucun débit." in shown and "importé" not in shown.split("Importer un relevé")[0]
    assert "Plus anciens" not in bank_page() and "Plus anciens" in bank_page(older="2026-12-03")


def test_the_assign_page_offers_every_customer_and_the_chosen_ones_orders():
    tx = transaction_row(a_transfer(), {"c1": "Claire Martin"})
    shown = templates.get_template("bank_assign.html").render({
        "csrf": "tok", "session": None, "tx": tx, "q": "", "client": "c2",
        "client_name": "Jean Dupont", "customers_full": False, "customers": [
            {"customer_id": "c1", "name": "Claire Martin"},
            {"customer_id": "c2", "name": "Jean Dupont"}],
        "orders": order_choices([{"order_id": ORDER, "total_cents": 6350,
                                  "delivery_date": "2026-12-02", "status": "accepted",
                                  "settlement": {}}], None)})
    assert '<option value="c2" selected>Jean Dupont (c2)</option>' in shown
    assert f'value="{ORDER}"' in shown and "63,50 € (non réglée)" in shown
    assert 'name="order_id" value="" checked' in shown  # no order: a top-up, unless chosen
    assert "Attribuer à Jean Dupont" in shown and 'name="customer_id" value="c2"' in shown
