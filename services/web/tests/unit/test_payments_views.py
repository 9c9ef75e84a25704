"""The payments pages' own logic: weeks, amounts typed in euros, totals, messages. No I/O."""

from datetime import UTC, date, datetime, timedelta

import pytest

from ardoise.weeks import week_of
from web.gateways import Refused
from web.pages.common import BadInput, plain_euros, templates
from web.pages.payments_views import (
    bulk_message,
    current_week,
    french_reason,
    monday_of,
    note_candidates,
    notes_in_force,
    parse_euros,
    settings_changes,
    settled_message,
    shifted_week,
    totals_lines,
    week_movements,
    week_title,
)


def last_week_of(year: int) -> str:
    """The last ISO week of a year, found from the calendar (28 December is always in it)."""
    return week_of(date(year, 12, 28))


@pytest.mark.parametrize("year", [2020, 2025, 2026, 2027])
def test_the_week_after_the_last_of_a_year_is_the_first_of_the_next(year):
    last = last_week_of(year)
    assert last in (f"{year}-W52", f"{year}-W53")
    assert shifted_week(last, 1) == f"{year + 1}-W01"
    assert shifted_week(f"{year + 1}-W01", -1) == last


def test_a_year_with_53_weeks_goes_from_w53_to_the_next_w01():
    year = next(y for y in range(2020, 2040) if last_week_of(y).endswith("W53"))
    assert shifted_week(f"{year}-W52", 1) == f"{year}-W53"
    assert shifted_week(f"{year}-W53", 1) == f"{year + 1}-W01"
    assert monday_of(f"{year}-W53").isocalendar()[:2] == (year, 53)


def test_a_week_number_that_does_not_exist_is_no_week():
    year = next(y for y in range(2020, 2040) if last_week_of(y).endswith("W52"))
    assert monday_of(f"{year}-W53") is None
    for text in ("2026-48", "2026-W4", "W48", "", None, "2026-W00", "2026-W48; drop"):
        assert monday_of(text) is None


def test_the_current_week_is_the_producers_own():
    # Sunday 23:30 in Paris is already Monday in Nouméa: a week apart
    sunday = date(2026, 11, 29)
    assert sunday.isoweekday() == 7
    late = datetime(2026, 11, 29, 22, 30, tzinfo=UTC)
    assert current_week(late, "Europe/Paris") == week_of(sunday)
    assert current_week(late, "Pacific/Noumea") == week_of(sunday + timedelta(days=1))
    assert week_of(sunday + timedelta(days=1)) == shifted_week(week_of(sunday), 1)


def test_the_week_title_names_its_monday_and_sunday():
    assert week_title("2026-W48") == "Semaine 48 de 2026, du 23/11/2026 au 29/11/2026"


@pytest.mark.parametrize("typed, cents", [
    ("12,50", 1250), ("12.50", 1250), ("12", 1200), ("12,5", 1250), (" 25,00 € ", 2500),
    ("0", 0), ("0,01", 1), ("1 234,56", 123456), ("19,99", 1999), ("0.29", 29), ("12,", 1200),
])
def test_euros_typed_the_french_or_the_english_way_are_exact_cents(typed, cents):
    assert parse_euros(typed) == cents


def test_a_blank_amount_is_none():
    assert parse_euros("") is None and parse_euros("  ") is None and parse_euros(None) is None


@pytest.mark.parametrize("typed, said", [
    ("12,505", "deux chiffres après la virgule"), ("-5", "négatif"), ("-0,50", "négatif"),
    ("douze", "illisible"), ("12,50,1", "illisible"), ("1e3", "illisible"),
    ("99999999999999", "trop grand"),
])
def test_other_amounts_are_refused_with_a_french_reason(typed, said):
    with pytest.raises(BadInput) as refused:
        parse_euros(typed)
    assert said in str(refused.value)


def test_a_total_is_shown_in_a_field_as_it_is_typed():
    assert plain_euros(2000) == "20,00" and plain_euros(5) == "0,05"
    assert parse_euros(plain_euros(123456)) == 123456


def test_totals_list_the_modes_in_the_pages_order_then_what_came_in():
    totals = {"transfer": 0, "cash": 2500, "card": 1250, "not_delivered": 0, "account": 0,
              "cheque": 0, "online": 700}
    assert totals_lines(totals, 4450) == [
        ("Non livré", 0), ("Déduit du compte client", 0), ("Espèces", 2500), ("Chèque", 0),
        ("Carte bancaire", 1250), ("Virement", 0), ("En ligne (SumUp)", 700),
        ("Total reçu", 4450)]


def test_a_settlement_message_states_the_credit_note_it_issued():
    answer = {"order_id": "o", "mode": "cash", "amount_paid_cents": 2500,
              "received": {"cash": 2500}}
    note = {"number": 1, "order_id": "o", "amount_cents": 500, "status": "issued"}
    said = settled_message(answer, note)
    assert said == ("Règlement enregistré : Espèces, 25,00 € reçus. "
                    "Avoir n°1 de 5,00 € émis (dû au client).")
    assert "Avoir" not in settled_message({**answer, "amount_paid_cents": 2000}, None)
    owed = settled_message({**answer, "amount_paid_cents": 1500},
                           {**note, "number": 2, "amount_cents": -500})
    assert "Avoir n°2 de -5,00 € émis (dû par le client)" in owed
    assert settled_message({"mode": "account", "amount_paid_cents": 0}, None) == \
        "Règlement enregistré : Déduit du compte client."


def test_a_bulk_message_counts_the_orders_and_the_money():
    settled = [{"mode": "cheque", "amount_paid_cents": 2000},
               {"mode": "cheque", "amount_paid_cents": 1250}]
    assert bulk_message(settled, "cheque") == \
        "2 commandes : Chèque, chacune payée son total (soit 32,50 € reçus)."
    assert bulk_message(settled[:1], "not_delivered") == "1 commande : Non livré."


def test_only_orders_paid_another_amount_may_carry_a_credit_note():
    rows = [
        {"customer_id": "exact", "mode": "cash", "total_cents": 2000, "amount_paid_cents": 2000},
        {"customer_id": "more", "mode": "cash", "total_cents": 2000, "amount_paid_cents": 2500},
        {"customer_id": "online", "mode": "online", "total_cents": 2000,
         "amount_paid_cents": 2000, "received": {"online": 2000}},
        {"customer_id": "account", "mode": "account", "total_cents": 2000,
         "amount_paid_cents": 0},
        {"customer_id": "none", "mode": "not_delivered", "total_cents": 900,
         "amount_paid_cents": 0},
    ]
    assert note_candidates(rows) == {"more", "online"}
    notes = [{"order_id": "a", "number": 1, "status": "cancelled"},
             {"order_id": "a", "number": 2, "status": "issued"},
             {"order_id": "b", "number": 3, "status": "cancelled"}]
    assert notes_in_force(notes) == {"a": notes[1]}


def test_the_gateways_reasons_are_said_in_french():
    tracking = Refused("payments", 409, "payment tracking is off for this producer: turn it on")
    assert "Réglages" in french_reason(tracking)
    sumup = Refused("payments", 409, "online payment needs the producer's own SumUp account: "
                                     "give sumup_merchant_code and sumup_api_key")
    assert "compte SumUp" in french_reason(sumup)
    other = Refused("payments", 422, [{"loc": ["body", "mode"], "msg": "something new"}])
    assert french_reason(other) == "Refusé par le service des paiements : mode : something new"


def test_settings_leave_blank_sumup_fields_out_so_they_stay_as_they_are():
    body = settings_changes(True, ["cash", "account", "cash"], False, " Europe/Paris ", "", " ")
    assert body == {"payment_tracking": True, "accepted_modes": ["cash", "account"],
                    "online_payment_required": False, "time_zone": "Europe/Paris"}
    connected = settings_changes(True, ["online"], True, "Pacific/Noumea", "MC123",
                                 "sk_test_12345678")
    assert connected["sumup_merchant_code"] == "MC123"
    assert connected["sumup_api_key"] == "sk_test_12345678"


@pytest.mark.parametrize("args, said", [
    ((True, ["cash"], False, "Europe/Pariss", "", ""), "Fuseau horaire inconnu"),
    ((True, ["bitcoin"], False, "Europe/Paris", "", ""), "Mode de paiement inconnu"),
    ((True, ["cash"], False, "Europe/Paris", "", "short"), "clé d'API"),
    ((True, ["cash"], False, "Europe/Paris", "M" * 65, ""), "64 caractères"),
])
def test_bad_settings_are_refused_before_the_gateway(args, said):
    with pytest.raises(BadInput) as refused:
        settings_changes(*args)
    assert said in str(refused.value)


def test_the_weeks_refunds_are_listed_with_its_movements_oldest_first():
    page = {
        "movements": [
            {"movement_id": "m1", "kind": "top_up", "mode": "cash", "amount_cents": 5000,
             "at": "2026-12-08T09:00:00+00:00", "label": "Avance", "recorded_by": "Léa"}],
        "refunds": [
            {"refund_id": "r1", "order_id": "o1", "mode": "online", "amount_cents": -1000,
             "at": "2026-12-07T17:30:00+00:00", "delivery_date": "2026-11-25",
             "requested_by": "Paul"}]}
    first, second = week_movements(page)
    assert (first["movement_id"], first["kind_name"], first["mode_name"], first["label"],
            first["amount_cents"], first["recorded_by"]) == (
        "r1", "Remboursement", "En ligne (SumUp)", "Commande du 25/11/2026", -1000, "Paul")
    assert (second["movement_id"], second["kind_name"], second["mode_name"]) == (
        "m1", "Versement", "Espèces")
    assert week_movements({"movements": []}) == []  # a gateway that lists no refunds


def payments_page(sumup_connected: bool) -> str:
    row = {"order_id": "o1", "customer_id": "c1", "customer_name": "Claire",
           "delivery_date": "2026-11-25", "total_cents": 2500, "mode": "online",
           "mode_name": "En ligne (SumUp)", "amount_paid_cents": 2500, "received_lines": [],
           "refunded_cents": 0, "note": None, "recorded_by": None, "chosen": "cash",
           "total_typed": "25,00", "key": "k", "online_cents": 2500, "version": 1}
    return templates.get_template("payments.html").render({
        "session": None, "csrf": "tok", "week": "2026-W48", "title": "Semaine 48",
        "previous_week": "2026-W47", "next_week": "2026-W49", "zone": "Europe/Paris",
        "tracking_off": False, "rows": [row], "movements": [], "totals": [],
        "modes": [("cash", "Espèces")], "key": "k", "bulk_chosen": "cash",
        "sumup_connected": sumup_connected})


def test_the_refund_form_shows_only_while_the_farms_sumup_account_is_connected():
    assert 'action="/paiements/remboursement"' in payments_page(sumup_connected=True)
    unconnected = payments_page(sumup_connected=False)
    assert 'action="/paiements/remboursement"' not in unconnected
    assert "connectez le compte SumUp de la ferme" in unconnected
