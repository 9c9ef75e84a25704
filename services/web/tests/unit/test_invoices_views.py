"""The invoice pages' own logic: what is missing said in French, the identity form as the
gateway's body and its refusals put next to their fields, numbers and PDF names. No I/O."""

import httpx
import pytest

from web.pages.common import templates
from web.pages.invoicing_views import (
    DEFAULT_PAYMENT_TERMS,
    FormProblems,
    field_problems,
    invoice_number,
    invoicing_body,
    issue_problem,
    issued_documents,
    missing_field,
    pdf_headers,
    stale_cancel_problem,
    typed_values,
)

FARM_FORM = {"legal_name": "  EARL Ferme des Saules ", "address": "12 chemin des Saules\r\n\r\n"
             " 49000 Angers \r\n", "siret": "732 829 320 00074", "vat_number": "FR44732829320",
             "vat_regime": "vat", "default_vat_rate": "5,5", "legal_form": "EARL",
             "registration": "", "email": "ferme@example.org", "phone": "", "payment_terms": "",
             "invoice_on_delivery": "on", "receipt_shows_available": ""}


def refusal(field: str, msg: str = "refused") -> list[dict]:
    return [{"loc": ["body", field], "msg": msg, "type": "value_error"}]


@pytest.mark.parametrize(("field", "said"), [
    ("invoicing.legal_name", "il manque la raison sociale."),
    ("invoicing.address", "il manque l'adresse."),
    ("invoicing.siret", "il manque le SIRET."),
    ("invoicing.vat_number", "il manque le numéro de TVA."),
    ("customer.address", "il manque l'adresse du client."),
])
def test_an_invoice_refused_for_a_missing_mention_names_it_in_french(field, said):
    problem = issue_problem(refusal(field, "the producer's siret is needed"))
    assert problem.startswith("Facture non émise : " + said)
    assert "needed" not in problem


def test_the_producers_mentions_send_to_its_identity_and_the_customers_to_its_details():
    assert "identité de facturation" in issue_problem(refusal("invoicing.siret"))
    assert "coordonnées" in issue_problem(refusal("customer.address"))


def test_a_refusal_naming_nothing_known_keeps_the_gateways_own_words():
    assert missing_field(refusal("invoicing.logo")) == "invoicing.logo"
    assert issue_problem(refusal("invoicing.logo", "too big")) == \
        "Facture non émise : invoicing.logo : too big."
    assert missing_field("no such order") is None
    assert issue_problem("this order is cancelled") == \
        "Facture non émise : this order is cancelled."


def test_the_form_becomes_the_gateways_body_every_field_sent_and_cleaned():
    body = invoicing_body(FARM_FORM)
    assert body == {
        "legal_name": "EARL Ferme des Saules", "address": "12 chemin des Saules\n49000 Angers",
        "siret": "732 829 320 00074", "vat_number": "FR44732829320", "vat_regime": "vat",
        "default_vat_rate": "5.5", "legal_form": "EARL", "registration": None,
        "email": "ferme@example.org", "phone": None, "payment_terms": DEFAULT_PAYMENT_TERMS,
        "invoice_on_delivery": True, "receipt_shows_available": False}


def test_a_choice_left_out_keeps_its_saved_value_and_an_emptied_text_is_cleared():
    body = invoicing_body({"legal_name": "", "payment_terms": "Paiement à 30 jours"})
    assert "vat_regime" not in body and "default_vat_rate" not in body
    assert body["legal_name"] is None and body["address"] is None
    assert body["payment_terms"] == "Paiement à 30 jours"
    assert body["invoice_on_delivery"] is False and body["receipt_shows_available"] is False


def test_an_email_without_an_at_sign_is_refused_before_the_gateway_is_asked():
    with pytest.raises(FormProblems) as refused:
        invoicing_body({**FARM_FORM, "email": "ferme.example.org"})
    assert refused.value.problems == {
        "email": "Adresse e-mail invalide : écrivez par exemple ferme@example.org."}


def test_the_form_is_shown_back_as_typed_with_its_boxes_as_booleans():
    typed = typed_values(FARM_FORM)
    assert typed["siret"] == "732 829 320 00074" and typed["default_vat_rate"] == "5,5"
    assert typed["invoice_on_delivery"] is True and typed["receipt_shows_available"] is False


def test_each_refused_field_gets_its_french_message_and_an_unknown_one_the_gateways_words():
    detail = [*refusal("siret", "Value error, 73282932000075 is not a SIRET"),
              *refusal("address", "Value error, an address has at most 5 lines"),
              {"loc": ["body"], "msg": "Field required", "type": "missing"}]
    problems = field_problems(detail)
    assert problems["siret"].startswith("SIRET invalide : 14 chiffres")
    assert problems["address"].startswith("Adresse : 5 lignes au plus")
    assert problems[""] == "Field required"
    assert field_problems("invoicing unavailable") == {"": "invoicing unavailable"}


def test_only_numbers_of_the_two_series_are_taken():
    assert invoice_number("F000001") == "F000001"
    assert invoice_number("FA000003") == "FA000003"
    for text in (None, "", "F1", "F000001.pdf", "../F000001", "f000001", "X000001"):
        assert invoice_number(text) is None


def test_a_pdf_keeps_the_gateways_plain_file_name_else_gets_ours():
    plain = httpx.Headers({"content-disposition": 'inline; filename="F000001.pdf"'})
    assert pdf_headers(plain, "facture.pdf") == {
        "Content-Disposition": 'inline; filename="F000001.pdf"'}
    odd = httpx.Headers({"content-disposition": 'inline; filename="../x"; evil=1'})
    assert pdf_headers(odd, "F000001.pdf") == {
        "Content-Disposition": 'inline; filename="F000001.pdf"'}
    assert pdf_headers(httpx.Headers(), "F000002.pdf")["Content-Disposition"] == \
        'inline; filename="F000002.pdf"'


def state(**context) -> str:
    return templates.get_template("invoices_state.html").render(
        {"order_id": "0b8f5a3c", "csrf": "tok", "number": None, "operator": False, **context})


def test_the_invoice_pages_fragment_offers_issuing_to_the_operator_only():
    offered = state(operator=True)
    assert "Émettre la facture" in offered and 'name="csrf" value="tok"' in offered
    assert 'action="/commandes/0b8f5a3c/facture/emettre"' in offered
    assert "Émettre la facture" not in state()
    issued = state(operator=True, number="F000001", message="Facture F000001 émise.")
    assert "Facture n° F000001" in issued and "Facture F000001 émise." in issued
    assert 'href="/commandes/0b8f5a3c/facture.pdf" download>Télécharger le PDF' in issued
    assert "Émettre la facture" not in issued


def test_the_operator_may_cancel_the_invoice_in_force_once_confirmed_the_customer_may_not():
    issued = state(operator=True, number="F000003")
    assert 'action="/commandes/0b8f5a3c/facture/annuler"' in issued
    assert 'name="number" value="F000003"' in issued and 'name="csrf" value="tok"' in issued
    assert 'name="confirm" value="on" required' in issued
    assert "J'annule la facture F000003 par une facture d'avoir" in issued
    assert "facture/annuler" not in state(number="F000003")
    assert "facture/annuler" not in state(operator=True)  # nothing in force: nothing to cancel


def test_the_orders_documents_are_listed_with_links_each_reader_may_follow():
    documents = [{"number": "F000001", "kind": "invoice"},
                 {"number": "FA000001", "kind": "credit_invoice"}]
    operator = state(operator=True, documents=documents)
    assert "Émettre la facture" in operator  # cancelled: the order may be invoiced anew
    assert 'href="/factures/F000001.pdf"' in operator
    assert 'href="/factures/FA000001.pdf"' in operator
    assert "download>Facture F000001</a>" in operator and "download>Avoir FA000001</a>" in operator
    customer = state(documents=documents)
    assert 'href="/mon-compte/factures/FA000001.pdf"' in customer
    assert 'href="/factures/' not in customer
    # one invoice in force and nothing else: its line above says it all
    assert "Documents émis" not in state(operator=True, number="F000001",
                                          documents=documents[:1])
    assert "Documents émis" in state(operator=True, number="F000002",
                                     documents=[*documents, {"number": "F000002",
                                                             "kind": "invoice"}])


def test_only_well_formed_documents_are_listed():
    assert issued_documents([{"number": "F000001", "kind": "invoice"},
                             {"number": "FA000001", "kind": "credit_invoice"},
                             {"number": "<script>", "kind": "invoice"},
                             {"number": "F000002", "kind": "other"}, "F000003", None]) == [
        {"number": "F000001", "kind": "invoice"},
        {"number": "FA000001", "kind": "credit_invoice"}]
    assert issued_documents(None) == [] and issued_documents({"number": "F000001"}) == []


def test_a_cancel_from_a_page_left_open_says_what_is_in_force_now():
    assert stale_cancel_problem("F000001", None) == (
        "Facture non annulée : la facture F000001 est déjà annulée, et la commande n'a pas "
        "d'autre facture en vigueur.")
    assert "est maintenant F000002, pas F000001" in stale_cancel_problem("F000001", "F000002")
