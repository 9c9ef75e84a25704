"""The Clients pages' own logic: euros typed by people, links that keep the search, movements."""

from urllib.parse import parse_qs, urlsplit

import pytest

from ardoise.money import MAX_AMOUNT_CENTS
from web.pages.common import BadInput
from web.pages.customers_views import (
    checked_email,
    clean_search,
    customer_url,
    details_body,
    done_message,
    list_url,
    movement_body,
    neighbours,
    page_count,
    parse_euros,
)


@pytest.mark.parametrize("typed, cents", [
    ("12,50", 1250), ("12.50", 1250), ("12", 1200), ("12,5", 1250), ("0,01", 1),
    (" 50,00 € ", 5000), ("1 234,56", 123456), ("1\u202f234,56\u00a0€", 123456),
    ("0.29", 29), ("19,99", 1999), ("1000000000", MAX_AMOUNT_CENTS),
])
def test_euros_become_exact_cents(typed, cents):
    assert parse_euros(typed) == cents


@pytest.mark.parametrize("typed, says", [
    ("", "Indiquez un montant"), ("   ", "Indiquez un montant"), (None, "Indiquez un montant"),
    ("12,505", "deux chiffres après la virgule"), ("0,001", "deux chiffres"),
    ("0", "supérieur à zéro"), ("0,00", "supérieur à zéro"), ("-5", "supérieur à zéro"),
    ("douze", "illisible"), ("12,", "illisible"), ("1.234,50", "illisible"), ("1e3", "illisible"),
    ("12,50,1", "illisible"), ("1000000000,01", "trop élevé"), ("9" * 40, "trop élevé"),
])
def test_amounts_people_should_not_mean_are_refused_in_french(typed, says):
    with pytest.raises(BadInput, match=says):
        parse_euros(typed)


def test_the_list_link_keeps_the_search_and_the_filter_and_leaves_defaults_out():
    assert list_url() == "/clients"
    assert list_url("", False, 1) == "/clients"
    link = list_url("élise mar&tin", True, 3)
    assert urlsplit(link).path == "/clients"
    assert parse_qs(urlsplit(link).query) == {"q": ["élise mar&tin"], "dette": ["1"],
                                              "page": ["3"]}
    assert parse_qs(urlsplit(list_url("a", False, 2)).query) == {"q": ["a"], "page": ["2"]}


def test_pages_around_this_one_follow_the_total():
    assert neighbours(1, 50, 50, 120) == (None, 2)
    assert neighbours(2, 50, 50, 120) == (1, 3)
    assert neighbours(3, 50, 20, 120) == (2, None)
    assert neighbours(1, 50, 50, 50) == (None, None)
    assert neighbours(1, 50, 0, 0) == (None, None)
    # uncounted, a full page may have a next one
    assert neighbours(1, 50, 50, None) == (None, 2) and neighbours(4, 50, 7, None) == (3, None)
    assert (page_count(50, 0), page_count(50, 50), page_count(50, 51)) == (1, 1, 2)
    assert page_count(50, 10_000) == 200 and page_count(50, None) is None


def test_a_search_is_one_line_of_at_most_a_hundred_characters():
    assert clean_search("  Élise\n\tMARTIN\x00 ") == "Élise MARTIN"
    assert clean_search(None) == "" and len(clean_search("a" * 300)) == 100


def test_the_three_forms_make_the_gateways_movement_bodies():
    assert movement_body("credit", "12,50", " Geste ", "cash") == {
        "direction": "credit", "amount_cents": 1250, "label": "Geste"}  # a credit has no mode
    assert movement_body("recharge", "50", "", "transfer") == {
        "direction": "credit", "amount_cents": 5000, "mode": "transfer"}
    assert movement_body("debit", "3.10", "", "") == {"direction": "debit", "amount_cents": 310}
    assert movement_body("debit", "3.10", "Rendu", "cash") == {
        "direction": "debit", "amount_cents": 310, "label": "Rendu", "mode": "cash"}
    with pytest.raises(BadInput, match="comment l'argent a été reçu"):
        movement_body("recharge", "50", "", "")
    with pytest.raises(BadInput, match="Mode de paiement inconnu"):
        movement_body("debit", "50", "", "online")
    with pytest.raises(BadInput, match="Formulaire inconnu"):
        movement_body("gift", "50", "", "")
    with pytest.raises(BadInput, match="Libellé"):
        movement_body("credit", "50", "a\nb", "")
    with pytest.raises(BadInput, match="200"):
        movement_body("credit", "50", "x" * 201, "")


def test_addresses_and_messages_after_a_form():
    assert checked_email("  ") is None and checked_email(" a@b.fr ") == "a@b.fr"
    with pytest.raises(BadInput, match="invalide"):
        checked_email("pas une adresse")
    assert done_message("recharge", "5000") == "Recharge de 50,00 € enregistrée."
    assert done_message("debit", "125") == "Débit de 1,25 € enregistré."
    assert done_message("ajoute", None) == "Client ajouté."
    # nothing else the address bar says reaches the page
    assert done_message("n'importe quoi", "5000") is None
    assert done_message("credit", "<script>") is None and done_message(None, None) is None
    assert customer_url("c-1.a", fait="credit", montant=100, avant=None) == \
        "/clients/c-1.a?fait=credit&montant=100"


def test_the_details_form_sends_every_detail_so_none_is_erased_by_leaving_it_out():
    assert details_body(" Élise Martin ", "", "", False, "", "") == {
        "name": "Élise Martin", "email": None, "address": None, "professional": False,
        "siren": None, "vat_number": None}
    assert details_body("Le Tilleul", "achats@tilleul.fr", " 3 place du Marché \r\n\r\n"
                        "49000 Angers\r\n", True, "732 829 320", "fr 44 732 829 320") == {
        "name": "Le Tilleul", "email": "achats@tilleul.fr",
        "address": "3 place du Marché\n49000 Angers", "professional": True,
        "siren": "732829320", "vat_number": "FR44732829320"}


@pytest.mark.parametrize("address, professional, siren, vat_number, says", [
    ("", True, "", "", "Un client professionnel a un SIREN"),
    ("", True, "732829321", "", "SIREN invalide"),
    ("", True, "732829320", "FR45732829320", "N° de TVA invalide"),
    ("", True, "732829320", "FR83404833048", "le sien : FR44732829320"),
    ("", False, "732829320", "", "cochez « Professionnel »"),
    ("\n".join(["ligne"] * 6), False, "", "", "5 lignes"),
])
def test_details_no_invoice_could_print_are_refused_in_french(address, professional, siren,
                                                               vat_number, says):
    with pytest.raises(BadInput, match=says):
        details_body("Le Tilleul", "", address, professional, siren, vat_number)
