"""The journal page's own logic: closings and a verification said in French, the fiscal years a
FEC is asked for, periods and settings checked before the gateway is asked. No I/O."""

from datetime import date

import httpx
import pytest

from web.pages.common import BadInput, templates
from web.pages.journal_views import (
    MONTHS,
    VARIANTS,
    archive_asked,
    broken_reason,
    closing_row,
    daily_period,
    download_headers,
    fec_problem,
    fec_years,
    fiscal_year,
    period_title,
    settings_body,
    settings_form,
    settings_problem,
    verification_view,
)

HASH = "3f" * 32
MONTH_CLOSING = {
    "seq": 34, "period": "month", "start": "2026-03-01", "end": "2026-03-31",
    "closed_at": "2026-04-01T00:05:00+00:00", "hash": HASH, "previous_hash": "0" * 64,
    "content": {"sales": {"count": 12, "credit_invoices": 1, "total_cents": 41050,
                          "ht_cents": 38900, "vat_cents": 2150},
                "by_mode": {"transfer": 5000, "cash": 30050, "card": 6000},
                "credit_notes_cents": 400, "fiscal_year_total_cents": 123456,
                "grand_total_cents": 987654,
                "fiscal_year": {"start": "2026-01-01", "end": "2026-12-31"}}}
VALID = {"producer_id": "p-1", "valid": True, "verified_at": "2026-12-04T14:32:10+00:00",
         "chains": {"entries": {"valid": True, "count": 41, "last_seq": 41, "last_hash": HASH,
                                "first_broken": None},
                    "closings": {"valid": True, "count": 3, "last_seq": 3, "last_hash": HASH,
                                 "first_broken": None},
                    "events": {"valid": True, "count": 7, "last_seq": 7, "last_hash": HASH,
                               "first_broken": None}}}


def broken() -> dict:
    report = {**VALID, "valid": False, "chains": dict(VALID["chains"])}
    report["chains"]["entries"] = {
        "valid": False, "count": 11, "last_seq": 11, "last_hash": HASH,
        "first_broken": {"seq": 12, "reason": "its content does not match its hash (altered)"}}
    return report


def test_a_closing_is_listed_with_its_totals_modes_in_the_pages_order_and_its_archive():
    row = closing_row(MONTH_CLOSING, "Europe/Paris")
    assert row["name"] == "Mois" and row["title"] == "mars 2026"
    assert row["closed_at"] == "01/04/2026 02:05"
    assert (row["sales"], row["credit_invoices"], row["total_cents"]) == (12, 1, 41050)
    assert row["modes"] == [("Espèces", 30050), ("Carte bancaire", 6000), ("Virement", 5000)]
    assert (row["fiscal_year_total_cents"], row["grand_total_cents"]) == (123456, 987654)
    assert row["short_hash"] == "3f3f3f3f3f3f…" and row["hash"] == HASH
    assert row["archive"] == "/journal/archives/mois/2026-03-01.zip"


def test_days_have_no_archive_and_fiscal_years_one_of_their_own():
    day = closing_row({**MONTH_CLOSING, "period": "day", "start": "2026-03-31",
                       "end": "2026-03-31", "content": {}}, "Europe/Paris")
    assert day["title"] == "31/03/2026" and day["archive"] is None
    assert day["modes"] == [] and day["total_cents"] == 0
    year = closing_row({**MONTH_CLOSING, "period": "year", "start": "2025-07-01",
                        "end": "2026-06-30"}, "Europe/Paris")
    assert year["name"] == "Exercice" and year["title"] == "du 01/07/2025 au 30/06/2026"
    assert year["archive"] == "/journal/archives/exercice/2025-07-01.zip"
    assert period_title("month", "2026-08-01", "2026-08-31") == "août 2026"


def test_a_valid_journal_says_when_it_was_checked_in_the_producers_time():
    shown = verification_view(VALID, "Europe/Paris")
    assert shown["valid"] and shown["verified_at"] == "04/12/2026 15:32"
    assert [(c["name"], c["count"], c["valid"]) for c in shown["chains"]] == [
        ("Écritures", 41, True), ("Clôtures", 3, True), ("Journal technique", 7, True)]


def test_a_broken_chain_names_its_first_broken_record_and_why_in_french():
    shown = verification_view(broken(), "Europe/Paris")
    assert not shown["valid"]
    entries = shown["chains"][0]
    assert (entries["valid"], entries["broken_seq"]) == (False, 12)
    assert entries["reason"] == "son contenu ne correspond plus à son empreinte : il a été modifié"


@pytest.mark.parametrize(("reason", "said"), [
    ("record 5 expected, 7 found (missing)", "l'enregistrement n° 5 manque (le n° 7 vient à "
                                             "sa place)"),
    ("record 5 expected, 4 found (repeated or out of order)",
     "enregistrement répété ou hors de son ordre (n° 5 attendu, n° 4 trouvé)"),
    ("its previous_hash is not the hash of the record before",
     "il ne reprend pas l'empreinte de l'enregistrement précédent"),
    ("the chain's head says record 9 was the last written: records are missing at the end",
     "le dernier enregistrement écrit était le n° 9 : il en manque à la fin"),
    ("its hash is not the one a closing sealed (the chain was rewritten)",
     "son empreinte n'est pas celle qu'une clôture a scellée : la chaîne a été réécrite"),
    ("a closing sealed entry 30: entries are missing",
     "une clôture a scellé l'écriture n° 30 : des écritures manquent"),
    ("something new", "something new"),
])
def test_every_reason_the_journal_gives_is_said_in_french(reason, said):
    assert broken_reason(reason) == said


def test_the_verification_fragment_shows_the_result_and_the_button_again():
    def fragment(**context) -> str:
        return templates.get_template("journal_verification.html").render(
            {"csrf": "tok", **context})

    before = fragment()
    assert "Vérifier maintenant" in before and 'hx-post="/journal/verifier"' in before
    assert 'name="csrf" value="tok"' in before and "Journal intègre" not in before
    valid = fragment(verification=verification_view(VALID, "Europe/Paris"))
    assert "Journal intègre" in valid and "Vérifié le\n  04/12/2026 15:32" in valid
    assert "Vérifier maintenant" in valid
    altered = fragment(verification=verification_view(broken(), "Europe/Paris"))
    assert "Journal altéré" in altered and 'role="alert"' in altered
    assert "Rompue à l'enregistrement n° 12 : son contenu ne correspond plus" in altered
    down = fragment(verification_problem="Le service le journal est indisponible")
    assert "indisponible" in down and "Vérifier maintenant" in down


@pytest.mark.parametrize(("start", "of", "first", "last"), [
    ("01-01", date(2026, 3, 5), date(2026, 1, 1), date(2026, 12, 31)),
    ("07-01", date(2026, 3, 5), date(2025, 7, 1), date(2026, 6, 30)),
    ("07-01", date(2026, 7, 1), date(2026, 7, 1), date(2027, 6, 30)),
])
def test_a_fiscal_year_runs_from_its_start_to_the_day_before_the_next(start, of, first, last):
    assert fiscal_year(of, start) == (first, last)


def test_a_fec_is_offered_for_each_fiscal_year_from_the_first_entrys_to_todays():
    years = fec_years(date(2024, 11, 2), date(2026, 3, 5), "01-01")
    assert [y["year"] for y in years] == [2026, 2025, 2024]
    assert years[0]["title"] == "2026 (du 01/01/2026 au 31/12/2026, en cours)"
    assert years[2]["title"] == "2024 (du 01/01/2024 au 31/12/2024)"
    shifted = fec_years(date(2025, 8, 1), date(2026, 3, 5), "07-01")
    assert [y["year"] for y in shifted] == [2026]  # 1 July 2025 to 30 June 2026
    assert [y["year"] for y in fec_years(None, date(2026, 3, 5), "07-01")] == [2026]


def test_the_daily_totals_period_is_last_month_by_default_and_a_year_at_most():
    today = date(2026, 3, 5)
    assert daily_period(None, None, today) == (date(2026, 2, 1), date(2026, 2, 28))
    assert daily_period("2025-03-06", "2026-03-05", today) == (date(2025, 3, 6),
                                                               date(2026, 3, 5))
    with pytest.raises(BadInput, match="au plus 366 jours"):
        daily_period("2025-03-04", "2026-03-05", today)
    with pytest.raises(BadInput, match="La date de début est après la date de fin."):
        daily_period("2026-03-05", "2026-03-01", today)
    with pytest.raises(BadInput, match="Date illisible"):
        daily_period("05/03/2026", "", today)


def test_an_archive_is_a_month_or_a_fiscal_year_and_a_first_day():
    assert archive_asked("mois", "2026-03-01") == ("month", date(2026, 3, 1))
    assert archive_asked("exercice", "2025-07-01") == ("year", date(2025, 7, 1))
    for periode, debut in (("semaine", "2026-03-01"), ("mois", "mars")):
        with pytest.raises(BadInput, match="Archive introuvable"):
            archive_asked(periode, debut)


def test_the_settings_form_shows_the_start_as_a_day_and_a_month_and_sends_mm_dd():
    assert settings_form({"fiscal_year_start": "07-01", "fec_variant": "cash_basis"}) == {
        "jour": "1", "mois": "7", "fec_variant": "cash_basis"}
    assert settings_form({}) == {"jour": "1", "mois": "1", "fec_variant": "standard"}
    assert settings_body("1", "7", "standard") == {"fiscal_year_start": "07-01",
                                                   "fec_variant": "standard"}
    assert settings_body("15", "10", "cash_basis")["fiscal_year_start"] == "10-15"


@pytest.mark.parametrize(("jour", "mois", "variant", "said"), [
    ("31", "4", "standard", "Début d'exercice invalide"),
    ("29", "2", "standard", "Début d'exercice invalide"),
    ("", "1", "standard", "Début d'exercice invalide"),
    ("1", "13", "standard", "Début d'exercice invalide"),
    ("1", "1", "both", "Choisissez le format du FEC"),
])
def test_settings_no_journal_would_take_are_refused_in_french(jour, mois, variant, said):
    with pytest.raises(BadInput, match=said):
        settings_body(jour, mois, variant)


def test_the_journals_refusals_are_said_in_french():
    assert "ne change plus une fois des périodes clôturées" in settings_problem(
        409, "the fiscal year's start cannot change once periods are closed")
    assert settings_problem(422, [{"loc": ["body", "fiscal_year_start"], "msg": "bad"}]) \
        .startswith("Début d'exercice invalide")
    assert "SIRET dans Facturation" in fec_problem(
        [{"loc": ["body", "invoicing.siret"], "msg": "give its SIRET"}])
    assert fec_problem([{"loc": ["query", "year"], "msg": "too small"}]).startswith(
        "Exercice invalide")


def test_the_gateways_file_name_is_kept_only_when_plain():
    plain = httpx.Headers(
        {"content-disposition": 'attachment; filename="732829320FEC20261231.txt"'})
    assert download_headers(plain, "x.txt") == {
        "Content-Disposition": 'attachment; filename="732829320FEC20261231.txt"'}
    odd = httpx.Headers({"content-disposition": 'attachment; filename="../../etc"; x=1'})
    assert download_headers(odd, "FEC-2026.txt") == {
        "Content-Disposition": 'attachment; filename="FEC-2026.txt"'}


def page(**context) -> str:
    values = {"csrf": "tok", "session": None, "settings": {
        "siren": "732829320", "bound_by_the_law": True, "fec_variant": "standard",
        "fiscal_year_start": "01-01"}, "form": {"jour": "1", "mois": "1",
                                                "fec_variant": "standard"},
        "variants": VARIANTS, "months": MONTHS, "zone": "Europe/Paris",
        "closings": {"day": [], "month": [], "year": []},
        "key": {"fingerprint": "0123456789abcdef", "public_key": "AAAA", "algorithm": "Ed25519"},
        "years": fec_years(None, date(2026, 3, 5), "01-01"), "daily_du": "2026-02-01",
        "daily_au": "2026-02-28", "verification": None}
    return templates.get_template("journal.html").render({**values, **context})


def test_the_page_lists_closings_with_archives_and_offers_every_file():
    shown = page(closings={"day": [], "month": [closing_row(MONTH_CLOSING, "Europe/Paris")],
                           "year": []})
    assert "mars 2026" in shown and "410,50 €" in shown and "Espèces : 300,50 €" in shown
    assert "1 234,56 €" in shown and "9 876,54 €" in shown
    assert f'<code title="{HASH}">3f3f3f3f3f3f…</code>' in shown
    assert 'href="/journal/archives/mois/2026-03-01.zip"' in shown
    assert "Aucune clôture pour l'instant : un jour est clôturé" in shown
    assert '<option value="2026">2026 (du 01/01/2026 au 31/12/2026, en cours)</option>' in shown
    assert 'action="/journal/ventes-par-jour.csv"' in shown and "0123456789abcdef" in shown
    # periods are closed: the fiscal year's start is kept as it is
    assert "Fixé : des périodes sont déjà clôturées." in shown
    assert '<input type="hidden" name="jour" value="1">' in shown


def test_before_any_closing_the_start_is_chosen_and_without_siren_no_fec_is_offered():
    shown = page(settings={"siren": None, "bound_by_the_law": False, "fec_variant": "standard",
                           "fiscal_year_start": "07-01"},
                 form={"jour": "1", "mois": "7", "fec_variant": "cash_basis"})
    assert '<select id="jour" name="jour">' in shown
    assert '<option value="7" selected>juillet</option>' in shown
    assert 'value="cash_basis" checked' in shown
    assert "indiquez d'abord son SIRET" in shown and 'action="/journal/fec"' not in shown
    assert "la loi n'impose pas ce journal" in shown
