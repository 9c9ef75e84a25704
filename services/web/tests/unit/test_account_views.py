"""The customer's pages' own logic: an order's state and payment said plainly, the pay link,
ETags passed on, the history's words. No I/O."""

from ardoise.auth import Principal
from ardoise.payment_reference import payment_reference
from web.pages.account_views import (
    ORDERS_LIMIT,
    movement_view,
    older_orders,
    order_view,
    pay_url,
    settlement_text,
    transfer_reference,
    valid_etag,
)

CHECKOUT = "https://pay.example.org/pay/ck-1"


def an_order(status="placed", payment=None, mode="not_delivered", paid_cents=0):
    return {"order_id": "0b8f5a3c-2f3e-4d51-9a43-6c1f0e9f2a11", "customer_id": "c1",
            "total_cents": 2000, "delivery_date": "2026-11-25", "status": status,
            "settlement": {"mode": mode, "amount_paid_cents": paid_cents}, "payment": payment}


def a_payment(status="PENDING", due_cents=1500, applied_cents=500, url=CHECKOUT):
    return {"balance_applied_cents": applied_cents, "amount_due_cents": due_cents,
            "checkout_id": "ck-1", "checkout_url": url, "status": status}


def test_an_order_awaiting_its_online_payment_links_to_sumup_with_the_amount_due():
    order = an_order("awaiting_payment", a_payment())
    assert pay_url(order) == CHECKOUT
    view = order_view(order, tracking=True)
    assert view["status_name"] == "En attente de paiement" and view["open"]
    assert view["settled"] == "À payer en ligne : 15,00 €"
    assert view["balance_applied_cents"] == 500 and not view["paid"]


def test_no_pay_link_once_paid_failed_or_for_a_link_that_is_not_a_web_address():
    assert pay_url(an_order("accepted", a_payment("PAID"))) is None
    assert pay_url(an_order("awaiting_payment", a_payment("FAILED"))) is None
    assert pay_url(an_order("awaiting_payment", a_payment(url="javascript:alert(1)"))) is None
    assert pay_url(an_order("placed")) is None


def test_a_paid_order_says_payee_and_stops_following_itself():
    view = order_view(an_order("accepted", a_payment("PAID"), "online", 1500), tracking=True)
    assert view["paid"] and not view["open"]
    assert view["settled"] == "Payée en ligne : 15,00 €"


def test_the_settlement_in_the_customers_words():
    assert settlement_text(an_order(), tracking=True) == "Pas encore réglée"
    assert settlement_text(an_order("accepted", mode="cash", paid_cents=2500), True) == \
        "Payée : 25,00 € (Espèces)"
    assert settlement_text(an_order("accepted", mode="account"), True) == \
        "Déduite de votre compte"
    assert settlement_text(an_order("accepted", a_payment("NOT_NEEDED", 0, 2000, None)),
                           True) == "Payée avec votre solde"
    assert settlement_text(an_order("awaiting_payment", a_payment("FAILED")), True) == \
        "Le paiement en ligne a échoué"
    # payment tracking off: nothing said of settlements, nor of the balance applied
    assert settlement_text(an_order("accepted", mode="cash", paid_cents=2500), False) == ""
    assert order_view(an_order("awaiting_payment", a_payment()), False)[
        "balance_applied_cents"] is None


def test_a_failed_payment_offers_to_pay_again():
    assert order_view(an_order("awaiting_payment", a_payment("FAILED")), True)["failed"]
    assert not order_view(an_order("awaiting_payment", a_payment()), True)["failed"]


def test_only_etags_as_the_gateway_writes_them_are_passed_on():
    assert valid_etag('"9f86d081884c7d65"') == '"9f86d081884c7d65"'
    assert valid_etag('W/"abc"') == 'W/"abc"'
    assert valid_etag('"abc"\r\nX-Evil: 1') is None
    assert valid_etag("abc") is None and valid_etag(None) is None


def test_history_words_and_the_next_page_of_orders():
    moved = movement_view({"kind": "credit", "mode": "cash", "amount_cents": 5000})
    assert (moved["kind_name"], moved["mode_name"]) == ("Crédit", "Espèces")
    assert movement_view({"kind": "order", "mode": None})["mode_name"] == ""
    page = [{"placed_at": f"2026-11-{d:02d}T10:00:00+00:00"} for d in range(ORDERS_LIMIT, 0, -1)]
    assert older_orders(page) == "2026-11-01T10:00:00+00:00"
    assert older_orders(page[:3]) is None


def test_the_transfer_reference_is_the_accounts_gateways_else_derived_as_everywhere():
    claire = Principal("customer", "ferme-des-saules", "c1")
    derived = payment_reference("ferme-des-saules", "c1")
    assert transfer_reference({"balance_cents": 0}, claire) == derived
    assert transfer_reference({"payment_reference": derived}, claire) == derived
    assert transfer_reference({"payment_reference": "<script>"}, claire) == derived
    assert transfer_reference(None, claire) is None  # no account shown: no reference either
