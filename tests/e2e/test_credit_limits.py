"""Credit limits over the running system: a producer lets its customers owe up to 50,00 €;
Claire owes 40,00 € and orders 20,00 € — refused with a 409 naming the limit, or, when the
producer chose so, accepted to be paid online (SumUp asked for the debt and the order: 60,00 €);
a customer's own limit overrides the default; Mon compte shows the limit."""

import pytest

from ardoise_tools.testing.polling import eventually

from .conftest import Caller
from .test_online_payment import asked_of_sumup, checkout_of, merchant_of, pay_at_sumup
from .test_web_payments import text_of
from .test_web_signin import login_link, signed_in

BASKET = [{"label": "Panier", "quantity": 1, "unit_price_cents": 2000}]


def owes_40_euros(operator: Caller, producer_id: str, customer_id: str, name: str) -> None:
    base = f"/v1/producers/{producer_id}/customers/{customer_id}"
    assert operator.request("PUT", "accounts", base, json={"name": name}).status_code == 200
    answer = operator.request("POST", "accounts", f"{base}/movements",
                              json={"direction": "debit", "amount_cents": 4000})
    assert answer.status_code == 201, answer.text


def set_limits(operator: Caller, producer_id: str, **body) -> dict:
    answer = operator.request("PUT", "accounts", f"/v1/producers/{producer_id}/credit-limits",
                              json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def order_20_euros(customer: Caller, producer_id: str, customer_id: str):
    return await customer.arequest("POST", "orders", f"/v1/producers/{producer_id}/orders",
                                   json={"customer_id": customer_id, "lines": BASKET})


async def account(operator: Caller, producer_id: str, customer_id: str) -> dict:
    answer = await operator.arequest(
        "GET", "accounts", f"/v1/producers/{producer_id}/customers/{customer_id}/account")
    assert answer.status_code == 200, answer.text
    return answer.json()


@pytest.fixture
def claire(operator, customer_of, producer_id) -> Caller:
    owes_40_euros(operator, producer_id, "claire", "Claire Martin")
    return customer_of("claire")


async def test_an_order_of_20_at_40_owed_under_a_50_euro_limit_is_refused_naming_the_limit(
        system, operator, claire, producer_id):
    set_limits(operator, producer_id, credit_limit_cents=5000, over_limit="refuse")
    page = await account(operator, producer_id, "claire")
    assert (page["credit_limit_cents"], page["available_until_limit_cents"]) == (5000, 1000)
    refused = await order_20_euros(claire, producer_id, "claire")
    assert refused.status_code == 409, refused.text
    assert refused.json()["detail"] == (
        "this order would take the available balance to -60,00 €, below the limit of "
        "-50,00 € set by the producer (available now: -40,00 €); pay what is owed, or order "
        "less")
    listed = claire.request("GET", "orders", f"/v1/producers/{producer_id}/orders").json()
    assert listed["orders"] == []  # nothing was written
    # 10,00 € is still within the limit: reaching −50,00 € exactly is allowed
    ten = await claire.arequest("POST", "orders", f"/v1/producers/{producer_id}/orders", json={
        "customer_id": "claire",
        "lines": [{"label": "Œufs", "quantity": 1, "unit_price_cents": 1000}]})
    assert ten.status_code == 201, ten.text
    assert (ten.json()["online_payment"], ten.json()["over_credit_limit"]) == (False, False)


async def test_with_online_payment_chosen_the_order_is_accepted_to_be_paid_online(
        system, operator, claire, producer_id):
    connected = operator.request("PUT", "payments", f"/v1/producers/{producer_id}/settings",
                                 json={"payment_tracking": True, "online_payment_required": False,
                                       "accepted_modes": ["account", "cash", "online"],
                                       "sumup_merchant_code": merchant_of(producer_id),
                                       "sumup_api_key": f"sk_test_{producer_id}"})
    assert connected.status_code == 200, connected.text
    set_limits(operator, producer_id, credit_limit_cents=5000, over_limit="online_payment")
    answer = await order_20_euros(claire, producer_id, "claire")
    assert answer.status_code == 201, answer.text
    placed = answer.json()
    assert (placed["online_payment"], placed["over_credit_limit"]) == (True, True)
    # the checkout collects the 40,00 € owed with the order: SumUp is asked for 60,00 €
    payment = await checkout_of(claire, producer_id, placed["order_id"])
    assert (payment["balance_applied_cents"], payment["amount_due_cents"]) == (-4000, 6000)
    assert (await asked_of_sumup(system, payment["checkout_id"]))["amount"] == 60.0
    await pay_at_sumup(system, payment["checkout_id"])
    settled = await eventually(lambda: account(operator, producer_id, "claire"),
                               lambda a: a["balance_cents"] == 0 and a["held_cents"] == 0)
    assert settled["available_until_limit_cents"] == 5000


async def test_a_customers_own_limit_overrides_the_default(system, operator, claire,
                                                           customer_of, producer_id):
    owes_40_euros(operator, producer_id, "bruno", "Bruno Petit")
    set_limits(operator, producer_id, credit_limit_cents=5000)
    own = operator.request("PUT", "accounts",
                           f"/v1/producers/{producer_id}/customers/claire/credit-limit",
                           json={"credit_limit_cents": 10000})
    assert own.status_code == 200, own.text
    assert (own.json()["credit_limit_cents"], own.json()["available_until_limit_cents"]) == (
        10000, 6000)
    allowed = await order_20_euros(claire, producer_id, "claire")
    assert allowed.status_code == 201, allowed.text
    assert allowed.json()["over_credit_limit"] is False
    refused = await order_20_euros(customer_of("bruno"), producer_id, "bruno")
    assert refused.status_code == 409 and "-50,00 €" in refused.json()["detail"]
    mine = claire.request("GET", "accounts", "/v1/me/account").json()
    assert (mine["credit_limit_cents"], mine["available_until_limit_cents"]) == (10000, 6000)


def test_mon_compte_shows_the_limit_and_what_may_still_be_ordered(system, operator, claire,
                                                                   producer_id):
    set_limits(operator, producer_id, credit_limit_cents=5000)
    web = signed_in(system, login_link(system, "customer", producer_id, "claire@example.org",
                                       "--customer", "claire"))
    words = text_of(web.get("/mon-compte").text)
    assert "Limite fixée par votre producteur -50,00 €" in words
    assert "Encore possible avant la limite 10,00 €" in words
