"""The Virements SumUp page's period, read from its form. No I/O."""

from datetime import date

import pytest

from web.pages.card_money import payout_period
from web.pages.common import BadInput, templates

TODAY = date(2026, 3, 15)


def test_the_period_left_blank_is_the_last_31_days_and_a_typed_one_is_checked():
    assert payout_period(None, None, TODAY) == (date(2026, 2, 13), TODAY)
    assert payout_period("2026-03-01", None, TODAY) == (date(2026, 3, 1), TODAY)
    assert payout_period(None, "2026-02-28", TODAY) == (date(2026, 1, 29), date(2026, 2, 28))
    assert payout_period("2025-03-15", "2026-03-15", TODAY) == (date(2025, 3, 15), TODAY)
    with pytest.raises(BadInput, match="au plus 366 jours"):
        payout_period("2025-03-14", "2026-03-15", TODAY)
    with pytest.raises(BadInput, match="après la date de fin"):
        payout_period("2026-03-02", "2026-03-01", TODAY)
    with pytest.raises(BadInput, match="illisible"):
        payout_period("15/03/2026", None, TODAY)


def test_a_payout_not_yet_on_a_statement_says_so():
    html = templates.get_template("card_money.html").render({
        "session": None, "csrf": "", "du": "2026-03-01", "au": "2026-03-15",
        "zone": "Europe/Paris", "report": {
            "totals": {"paid_online_cents": 2000, "fees_cents": 50, "refunded_cents": 500,
                       "deducted_cents": 0, "paid_out_cents": 1450, "reached_bank_cents": 0,
                       "not_yet_paid_out_cents": 0},
            "payouts": [{"payout_date": "2026-03-10", "reference": "P-1",
                         "status": "SUCCESSFUL", "paid_online_cents": 2000, "fee_cents": 50,
                         "refunded_cents": 500, "deducted_cents": 0, "net_cents": 1450,
                         "bank_transaction_id": None, "bank_booking_date": None}],
            "not_paid_out": []}})
    assert "10/03/2026" in html and "14,50 €" in html and "-5,00 €" in html
    assert "pas encore sur un relevé importé" in html


def test_a_failed_payout_or_one_that_pays_nothing_is_not_awaited_on_a_statement():
    failed = {"payout_date": "2026-03-10", "reference": "P-1", "status": "FAILED",
              "paid_online_cents": 2000, "fee_cents": 50, "refunded_cents": 0,
              "deducted_cents": 0, "net_cents": 1950, "bank_transaction_id": None,
              "bank_booking_date": None}
    nothing = {**failed, "reference": "P-2", "status": "SUCCESSFUL", "refunded_cents": 2500,
               "net_cents": -550}
    html = " ".join(templates.get_template("card_money.html").render({
        "session": None, "csrf": "", "du": "2026-03-01", "au": "2026-03-15",
        "zone": "Europe/Paris", "report": {
            "totals": {"paid_online_cents": 0, "fees_cents": 0, "refunded_cents": 0,
                       "deducted_cents": 0, "paid_out_cents": 0, "reached_bank_cents": 0,
                       "not_yet_paid_out_cents": 0},
            "payouts": [failed, nothing], "not_paid_out": []}}).split())
    assert "échoué chez SumUp : ce virement n'arrivera pas" in html
    assert "rien à recevoir" in html
    assert "pas encore sur un relevé importé" not in html
