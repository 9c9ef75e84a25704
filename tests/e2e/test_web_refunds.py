"""Online money given back from the week's payments page of the running system: part of an
order paid online through SumUp, once however often the form is sent, then the rest; more than
is left, or unconfirmed, refunds nothing."""

import re
from datetime import date

from ardoise.weeks import week_of
from ardoise_tools.testing.polling import eventually

from .test_money_received import place, settle
from .test_online_payment import (  # noqa: F401 - shop is a fixture
    account,
    checkout_of,
    order,
    pay_at_sumup,
    shop,
)
from .test_web_invoices import operator_pages
from .test_web_payments import csrf_of, text_of


async def test_the_farm_refunds_part_of_an_online_payment_then_the_rest_from_the_week_page(
        system, operator, shop, producer_id):
    order_id = await place(shop, producer_id, 2500)
    payment = await checkout_of(shop, producer_id, order_id)
    await pay_at_sumup(system, payment["checkout_id"])
    paid = await eventually(lambda: order(shop, producer_id, order_id),
                            lambda o: o["settlement"]["mode"] == "online")
    settle(operator, producer_id, order_id, mode="not_delivered")  # the money stays on account
    await eventually(lambda: account(operator, producer_id), lambda a: a["balance_cents"] == 2500)
    week = week_of(date.fromisoformat(paid["delivery_date"]))
    web = operator_pages(system, producer_id)
    shown = web.get("/paiements", params={"semaine": week})
    assert 'aria-label="Rembourser ' in shown.text and "Payé en ligne : 25,00 €" in text_of(
        shown.text)
    form = {"csrf": csrf_of(shown.text), "order_id": order_id, "semaine": week,
            "montant": "10,00", "confirm": "on", "version": version_shown(shown.text)}
    path = f"/v1/producers/{producer_id}/orders/{order_id}/refunds"

    def refunds() -> list[tuple[int, str]]:
        return [(r["amount_cents"], r["status"])
                for r in operator.request("GET", "payments", path).json()["refunds"]]

    unconfirmed = web.post("/paiements/remboursement", data={**form, "confirm": ""})
    assert unconfirmed.status_code == 422
    assert "cochez la case qui confirme le remboursement" in text_of(unconfirmed.text)
    too_much = web.post("/paiements/remboursement", data={**form, "montant": "99,00"})
    assert too_much.status_code == 409
    assert "Rien n'a été remboursé. Ce montant dépasse" in text_of(too_much.text)
    assert refunds() == []

    done = web.post("/paiements/remboursement", data=form)
    assert done.status_code == 303 and done.headers["location"] == f"/paiements?semaine={week}"
    assert "Remboursement en ligne de 10,00 € effectué par SumUp" in text_of(
        web.get(f"/paiements?semaine={week}").text)
    twice = web.post("/paiements/remboursement", data=form)  # the same form again
    assert twice.status_code == 303
    assert "était déjà fait : rien de plus n'est rendu" in text_of(
        web.get(f"/paiements?semaine={week}").text)
    assert refunds() == [(1000, "refunded")]
    await eventually(lambda: account(operator, producer_id), lambda a: a["balance_cents"] == 1500)

    # the page again: the settlement moved on, so the rest is a new request
    again = web.get("/paiements", params={"semaine": week}).text
    assert version_shown(again) != form["version"]
    rest = web.post("/paiements/remboursement", data={**form, "montant": "",
                                                      "version": version_shown(again)})
    assert rest.status_code == 303
    assert refunds() == [(1000, "refunded"), (1500, "refunded")]
    await eventually(lambda: account(operator, producer_id), lambda a: a["balance_cents"] == 0)
    page = await eventually(lambda: _week_text(web, week), lambda text: "Payé en ligne" not in text)
    assert "Rembourser en ligne" not in page  # nothing paid online is left


async def _week_text(web, week: str) -> str:
    return text_of(web.get("/paiements", params={"semaine": week}).text)


def version_shown(html: str) -> str:
    """The settlement's version the page's refund form carries (one order on the page)."""
    return re.search(r'name="version" value="(\d+)"', html)[1]
