"""The exports pages' own logic: periods (the invoices' too), weeks, the weekly e-mail said in
French, selections, file names passed on, the invoice set in a page. No I/O."""

from datetime import UTC, date, datetime

import httpx
import pytest

from web.gateways import Refused
from web.pages.common import BadInput, local_today, order_uuid
from web.pages.documents import invoice_body
from web.pages.exports_views import (
    balances_day,
    download_headers,
    invoices_period,
    last_month,
    last_week,
    period,
    selection_body,
    sent_message,
    settings_body,
    settings_problem,
    week_asked,
    week_days,
    week_rows,
    year_end_before,
)

ORDER = "0b8f5a3c-2f3e-4d51-9a43-6c1f0e9f2a11"
MOVEMENT = "7d1c2b9e-5a4f-4e3d-8c2b-1a0f9e8d7c6b"


def test_last_week_runs_monday_to_sunday_before_the_current_week():
    assert last_week(date(2026, 12, 2)) == (date(2026, 11, 23), date(2026, 11, 29))
    # on a Monday, last week is the one that just ended
    assert last_week(date(2026, 11, 30)) == (date(2026, 11, 23), date(2026, 11, 29))
    assert last_week(date(2026, 1, 1)) == (date(2025, 12, 22), date(2025, 12, 28))


def test_the_producers_today_is_in_its_own_time_zone():
    late_in_paris = datetime(2026, 11, 29, 23, 30, tzinfo=UTC)
    assert local_today(late_in_paris, "Europe/Paris") == date(2026, 11, 30)
    assert local_today(late_in_paris, "Pacific/Tahiti") == date(2026, 11, 29)


def test_a_period_left_blank_is_last_week_and_a_typed_one_is_checked():
    today = date(2026, 12, 2)
    assert period(None, None, today) == (date(2026, 11, 23), date(2026, 11, 29))
    assert period("2026-01-01", "2026-03-31", today) == (date(2026, 1, 1), date(2026, 3, 31))
    with pytest.raises(BadInput, match="après la date de fin"):
        period("2026-03-01", "2026-02-01", today)
    with pytest.raises(BadInput, match="deux ans"):
        period("2023-01-01", "2026-01-01", today)
    with pytest.raises(BadInput, match="Date de début illisible"):
        period("01/03/2026", "2026-03-31", today)
    with pytest.raises(BadInput, match="Date de fin illisible"):
        period("2026-03-01", "", today)


def test_last_month_runs_from_its_first_day_to_its_last():
    assert last_month(date(2026, 12, 2)) == (date(2026, 11, 1), date(2026, 11, 30))
    assert last_month(date(2027, 1, 31)) == (date(2026, 12, 1), date(2026, 12, 31))
    assert last_month(date(2028, 3, 1)) == (date(2028, 2, 1), date(2028, 2, 29))


def test_an_invoices_period_left_blank_is_last_month_and_a_typed_one_a_year_at_most():
    today = date(2026, 12, 2)
    assert invoices_period(None, None, today) == (date(2026, 11, 1), date(2026, 11, 30))
    assert invoices_period("2028-01-01", "2028-12-31", today) == (date(2028, 1, 1),
                                                                  date(2028, 12, 31))
    with pytest.raises(BadInput, match="366 jours"):
        invoices_period("2026-01-01", "2027-01-02", today)
    with pytest.raises(BadInput, match="après la date de fin"):
        invoices_period("2026-03-01", "2026-02-01", today)
    with pytest.raises(BadInput, match="Date de fin illisible"):
        invoices_period("2026-03-01", "", today)


def test_weeks_are_iso_weeks_or_refused():
    assert week_days("2026-W48") == (date(2026, 11, 23), date(2026, 11, 29))
    assert week_days("2026-W54") is None and week_days("48") is None
    assert week_asked(" 2026-W48 ") == "2026-W48"
    with pytest.raises(BadInput, match="Choisissez une semaine"):
        week_asked("2026-48")


def test_the_weekly_email_sent_now_is_said_in_french():
    assert sent_message({"week": "2026-W48", "sent": True, "reason": None}) == (
        True, "Le courriel de la semaine 48 de 2026 (du 23/11/2026 au 29/11/2026) est parti.")
    went, said = sent_message({"week": "2026-W48", "sent": False, "reason":
                               "the mail server did not take it: Connection refused"})
    assert not went and "le serveur de courrier ne l'a pas accepté" in said
    assert said.endswith("(Détail : Connection refused)")
    assert "en cours d'envoi" in sent_message(
        {"week": "2026-W48", "sent": False, "reason": "being sent by another worker"})[1]
    assert "déjà parti" in sent_message(
        {"week": "2026-W48", "sent": False, "reason": "already sent on 30/11/2026 at 07:00 UTC"})[1]


def test_the_last_weeks_show_their_fate_in_the_producers_time():
    rows = week_rows([
        {"week": "2026-W48", "status": "sent", "attempts": 1,
         "sent_at": "2026-11-30T06:00:00+00:00", "last_error": None, "next_attempt_at": None},
        {"week": "2026-W47", "status": "failed", "attempts": 2, "sent_at": None,
         "last_error": "refused", "next_attempt_at": "2026-11-23T06:05:00+00:00"},
    ], "Europe/Paris")
    assert (rows[0]["status"], rows[0]["sent_at"]) == ("Envoyé", "30/11/2026 07:00")
    assert rows[1]["status"] == "Non parti" and rows[1]["failed"]
    assert rows[1]["note"] == "Nouvel essai le 23/11/2026 07:05"
    assert rows[1]["error"] == "refused" and rows[1]["sent_at"] == "—"


def test_the_weekly_email_settings_are_checked_before_the_gateway_is_asked():
    assert settings_body(" Ferme des Saules ", " ferme@example.org ") == {
        "name": "Ferme des Saules", "email": "ferme@example.org"}
    with pytest.raises(BadInput, match="nom de la ferme"):
        settings_body("  ", "ferme@example.org")
    with pytest.raises(BadInput, match="Adresse e-mail invalide"):
        settings_body("Ferme", "ferme.example.org")
    refused = Refused("exports", 422, [{"loc": ["body", "email"], "msg": "bad"}])
    assert settings_problem(refused).startswith("Adresse e-mail invalide")
    refused = Refused("exports", 422, [{"loc": ["body", "name"], "msg": "bad"}])
    assert settings_problem(refused).startswith("Nom invalide")


def test_a_selection_needs_something_and_known_ids_each_once():
    assert selection_body([ORDER, ORDER.upper()], [MOVEMENT]) == {
        "order_ids": [ORDER], "movement_ids": [MOVEMENT]}
    assert selection_body([], [MOVEMENT]) == {"order_ids": [], "movement_ids": [MOVEMENT]}
    with pytest.raises(BadInput, match="Rien à exporter"):
        selection_body([], [])
    with pytest.raises(BadInput, match="Commande inconnue"):
        selection_body(["../etc"], [])


def test_the_gateways_file_name_is_kept_only_when_plain():
    plain = httpx.Headers({"Content-Disposition":
                           'attachment; filename="ventes-par-mode_p-1_2026-11-23_2026-11-29.xlsx"'})
    assert download_headers(plain, "x.xlsx") == {
        "Content-Disposition": plain["content-disposition"]}
    odd = httpx.Headers({"Content-Disposition": 'inline; filename="a\\"b.html"'})
    assert download_headers(odd, "ventes.xlsx") == {
        "Content-Disposition": 'attachment; filename="ventes.xlsx"'}
    assert download_headers(httpx.Headers(), "ventes.xlsx")["Content-Disposition"].endswith(
        '"ventes.xlsx"')


def test_the_invoice_document_is_set_in_the_page_without_its_own_head():
    document = ("<!doctype html><html lang=fr><meta charset=utf-8><title>Facture 0b8f5a3c"
                "</title><h1>Facture 0b8f5a3c</h1><p>Client : Claire &amp; Cie</p>"
                "<p><strong>Total : 20,00 €</strong></p></html>")
    body = str(invoice_body(document))
    assert body.startswith("<h1>Facture 0b8f5a3c</h1>") and "Claire &amp; Cie" in body
    assert "<html" not in body and "</html>" not in body and "<title>" not in body


def test_order_ids_are_uuids_or_nothing():
    assert order_uuid(ORDER.upper()) == ORDER
    assert order_uuid("1 OR 1=1") is None


def test_the_balances_day_left_blank_is_the_last_year_end_and_a_typed_one_not_in_the_future():
    assert year_end_before(date(2027, 1, 1)) == date(2026, 12, 31)
    assert year_end_before(date(2026, 12, 31)) == date(2025, 12, 31)
    today = date(2026, 3, 15)
    assert balances_day(None, today) == balances_day("", today) == date(2025, 12, 31)
    assert balances_day("2026-03-15", today) == today
    with pytest.raises(BadInput, match="dans le futur"):
        balances_day("2026-03-16", today)
    with pytest.raises(BadInput, match="Date des soldes illisible"):
        balances_day("31/12/2025", today)
