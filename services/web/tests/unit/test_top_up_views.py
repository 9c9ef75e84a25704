"""Paying online from Mon compte, its own logic: the amount typed read exactly, the debt to pay
(never one already being collected), what the top-up's page says. No I/O."""

import pytest

from web.pages.top_ups import debt_to_pay, euros_to_cents, top_up_offer, top_up_view


@pytest.mark.parametrize(("typed", "cents"), [
    ("20", 2000), ("20,5", 2050), ("20,50", 2050), ("20.50", 2050), (" 12,05 € ", 1205),
    ("0,01", 1), ("10000", 1_000_000), ("1\u202f000", 100_000),
])
def test_an_amount_typed_in_euros_is_read_as_exact_cents(typed, cents):
    assert euros_to_cents(typed) == cents


@pytest.mark.parametrize("typed", ["", "0", "0,00", "-5", "12,345", "1e3", "douze", "10000,01",
                                   None, "12,", ",5"])
def test_anything_else_is_refused(typed):
    assert euros_to_cents(typed) is None


def test_the_debt_to_pay_is_what_no_order_s_payment_is_collecting_already():
    assert debt_to_pay({"balance_cents": -1250, "available_cents": -1250}) == 1250
    # an order's checkout is collecting the 12,50 € owed (held): nothing to pay twice
    assert debt_to_pay({"balance_cents": -1250, "available_cents": 0}) == 0
    assert debt_to_pay({"balance_cents": 500, "available_cents": 500}) == 0
    assert debt_to_pay(None) == 0


def test_mon_compte_offers_to_pay_online_only_where_the_producer_takes_it():
    account = {"balance_cents": -1250, "available_cents": -1250}
    assert top_up_offer(account, offered=False) == {"top_up": None}
    assert top_up_offer(None, offered=True) == {"top_up": None}
    offer = top_up_offer(account, offered=True)["top_up"]
    assert offer["debt_cents"] == 1250 and offer["key"] != offer["debt_key"]
    assert offer["key"] != top_up_offer(account, offered=True)["top_up"]["key"]


def test_a_pending_top_up_links_to_sumup_and_a_paid_one_says_so():
    pending = top_up_view({"top_up_id": "t", "status": "PENDING", "amount_cents": 2000,
                           "checkout_url": "https://pay.example.org/pay/1"})
    assert pending["open"] and pending["pay_url"] == "https://pay.example.org/pay/1"
    assert "en cours de confirmation" in pending["status_text"]
    paid = top_up_view({"top_up_id": "t", "status": "PAID", "amount_cents": 2000,
                        "checkout_url": "https://pay.example.org/pay/1"})
    assert not paid["open"] and paid["pay_url"] is None
    assert paid["status_text"] == "Paiement reçu : 20,00 € ajoutés à votre compte."
    forged = top_up_view({"status": "PENDING", "checkout_url": "javascript:alert(1)"})
    assert forged["pay_url"] is None
