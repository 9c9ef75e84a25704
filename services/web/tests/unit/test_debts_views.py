"""The debts pages' own logic: the reminder rule and the credit limits typed in euros become the
accounts gateway's bodies, a reminder's outcome and a refusal are said in French. No I/O."""

import pytest

from web.gateways import Refused
from web.pages.common import BadInput, credit_limit, templates
from web.pages.debts_views import (
    limit_cents,
    limits_body,
    refused_problem,
    reminder_key,
    reminder_refusal,
    reminder_said,
    rule_body,
    rule_form,
)


@pytest.mark.parametrize(("typed", "cents"), [
    ("", None), ("  ", None), ("0", 0), ("0,00", 0), ("50", 5000), ("50,5", 5050),
    ("-50,00", 5000), ("1 234,56 €", 123456), ("−12.30", 1230)])
def test_a_limit_is_typed_in_euros_empty_for_none_zero_for_no_debt(typed, cents):
    assert limit_cents(typed) == cents


@pytest.mark.parametrize("typed", ["abc", "12,345", "5e3", "1" * 14])
def test_an_unreadable_limit_is_refused_in_french(typed):
    with pytest.raises(BadInput):
        limit_cents(typed)


def test_the_rule_form_becomes_the_whole_rule_the_threshold_a_debt():
    assert rule_body(True, "10,00", "7", "14", " Ferme des Saules ", "ferme@example.org") == {
        "enabled": True, "below_cents": -1000, "for_days": 7, "every_days": 14,
        "farm_name": "Ferme des Saules", "reply_to": "ferme@example.org"}
    assert rule_body(False, "0", "0", "1", "", "") == {
        "enabled": False, "below_cents": 0, "for_days": 0, "every_days": 1,
        "farm_name": None, "reply_to": None}


@pytest.mark.parametrize(("field", "value", "said"), [
    ("threshold", "", "Seuil"), ("for_days", "-1", "Depuis"), ("for_days", "366", "Depuis"),
    ("every_days", "0", "Au plus une relance"), ("every_days", "sept", "Au plus une relance"),
    ("reply_to", "pas-une-adresse", "Adresse e-mail invalide"),
    ("farm_name", "deux\nlignes", "Signature")])
def test_a_rule_field_out_of_bounds_is_refused_before_the_gateway_is_asked(field, value, said):
    typed = {"enabled": True, "threshold": "10", "for_days": "7", "every_days": "7",
             "farm_name": "", "reply_to": "", field: value}
    with pytest.raises(BadInput, match=said):
        rule_body(**typed)


def test_the_saved_rule_is_shown_as_typed_the_threshold_as_the_debt():
    assert rule_form({"enabled": True, "below_cents": -1250, "for_days": 3, "every_days": 7,
                      "farm_name": None, "reply_to": "r@example.org"}) == {
        "enabled": True, "threshold": "12,50", "for_days": "3", "every_days": "7",
        "farm_name": "", "reply_to": "r@example.org"}


def test_the_default_limit_needs_a_choice_for_orders_over_it():
    assert limits_body("50", "online_payment") == {"credit_limit_cents": 5000,
                                                   "over_limit": "online_payment"}
    assert limits_body("", "refuse") == {"credit_limit_cents": None, "over_limit": "refuse"}
    with pytest.raises(BadInput):
        limits_body("50", "")


def test_limits_are_said_as_the_debt_they_allow():
    assert credit_limit(None) == "aucun plafond"
    assert credit_limit(0) == "aucune dette (0,00 €)"
    assert credit_limit(5000) == "jusqu'à -50,00 €"


def test_a_reminders_outcome_is_said_with_the_address_and_the_servers_answer():
    assert reminder_said({"status": "sent", "email": "claire@example.org",
                          "balance_cents": -1250}) == \
        "Relance envoyée à claire@example.org (solde -12,50 €)."
    refused = reminder_said({"status": "refused", "email": "x@example.org",
                             "error": "550 5.1.1 user\nunknown"})
    assert refused == "Relance refusée par la messagerie pour x@example.org : 550 5.1.1 user " \
                      "unknown"
    assert "réglée" in reminder_said({"status": "cancelled"})
    assert "Rien n'est renvoyé" in reminder_said({"status": "failed", "email": "x@example.org",
                                                  "error": "timeout"})

    assert reminder_said({"status": "sending", "email": "x@example.org",
                          "balance_cents": -100}, replayed=True) == (
        "Cette relance était déjà demandée : rien de plus n'est envoyé. Relance vers "
        "x@example.org en cours d'envoi (solde -1,00 €).")


def test_a_reminders_key_names_the_customer_and_the_last_reminder_its_page_showed():
    last = "3f2b8c1e-7d4a-4e8b-9c0d-1a2b3c4d5e6f"
    assert reminder_key("claire", "aucune") == {
        "Idempotency-Key": "web-remind-claire-after-aucune"}
    assert reminder_key("claire", last) == {
        "Idempotency-Key": f"web-remind-claire-after-{last}"}
    assert reminder_key("claire", last) != reminder_key("bruno", last)
    assert reminder_key("claire", "") == {}  # a form drawn before the key existed
    for forged in ("x", last.upper() + "0", f"{last}\nX-Other: 1", "aucune "):
        with pytest.raises(BadInput, match="expiré"):
            reminder_key("claire", forged)


@pytest.mark.parametrize(("detail", "said"), [
    ("the customer owes nothing: no reminder to send", "ne doit rien"),
    ("the customer has no e-mail address", "pas d'adresse e-mail"),
    ("a reminder is being sent to this customer right now", "en ce moment même"),
    ("Idempotency-Key already used with another request", "un autre client"),
    ("something new", "Relance refusée : something new")])
def test_a_reminder_refused_says_why_in_french(detail, said):
    assert said in reminder_refusal(Refused("accounts", 409, detail))


def test_the_debts_page_lists_who_is_due_with_a_button_each():
    html = templates.get_template("debts.html").render({
        "session": None, "csrf": "tok", "tracking": True, "preview_size": 200,
        "zone": "America/Cayenne",
        "rule": {"enabled": False, "threshold": "10,00", "for_days": "7", "every_days": "7",
                 "farm_name": "", "reply_to": ""},
        "saved_rule": {}, "limits": {"limit": "", "over_limit": "refuse"},
        "saved_limits": {"credit_limit_cents": None, "over_limit": "refuse"},
        "over_limit_choices": {"refuse": "Refuser la commande"}, "statuses": {},
        "due": [{"customer_id": "c 1", "name": "Claire", "email": "c@example.org",
                 "balance_cents": -2500, "below_since_at": "2026-11-20T10:00:00+00:00",
                 "last_reminder": None}]})
    assert 'action="/clients/c%201/relance"' in html and 'name="retour" value="relances"' in html
    assert 'aria-label="Relancer Claire"' in html and "-25,00 €" in html
    assert "En vigueur : aucun plafond." in html
    assert "20/11/2026 07:00" in html  # the producer's time


def test_a_rule_or_limit_refused_says_what_was_not_saved_and_why():
    off = Refused("accounts", 409, "payment tracking is off for this producer: no balance is kept")
    assert refused_problem(off, "Plafond non enregistré") == (
        "Plafond non enregistré. Le suivi des paiements est désactivé : activez-le dans les "
        "Réglages.")
    assert refused_problem(Refused("accounts", 422, "odd"), "Règle non enregistrée") == \
        "Règle non enregistrée : odd"
