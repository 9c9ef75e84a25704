"""Online money given back from the week's payments page of the running system: part of an
order paid online through SumUp, once however often the form is sent, then the rest; more than
is left, or unconfirmed, refunds nothing."""

import io
import re
from datetime import date, timedelta

import openpyxl

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
    assert "remboursé en ligne : 25,00 €" in page

    # each refund counts in the week it was made (this one, or the next if the week turned
    # meanwhile), and the order's week keeps the 25,00 € that came in: over both, nothing
    weeks = [week, week_of(date.fromisoformat(paid["delivery_date"]) + timedelta(days=7))]
    pages = [operator.request("GET", "payments", f"/v1/producers/{producer_id}/payments",
                              params={"week": w}).json() for w in weeks]
    given_back = [r for p in pages for r in p["refunds"]]
    assert sorted(r["amount_cents"] for r in given_back) == [-1500, -1000]
    assert {r["order_id"] for r in given_back} == {order_id}
    in_orders_week = sum(r["amount_cents"] for r in pages[0]["refunds"])
    assert pages[0]["totals"]["online"] == 2500 + in_orders_week
    assert sum(p["totals"].get("online", 0) for p in pages) == 0
    if pages[0]["refunds"]:  # listed on the week's page, with the order's day
        assert "Remboursement" in page and "Commande du " in page

    # the accountant's workbook of both weeks says the same: 25,00 € came in for the order,
    # 25,00 € went back as two refunds on their days
    monday = date.fromisoformat(paid["delivery_date"])
    monday -= timedelta(days=monday.weekday())

    async def workbook():
        answer = await operator.arequest(
            "GET", "exports", f"/v1/producers/{producer_id}/exports/sales-by-mode.xlsx",
            params={"from": monday.isoformat(),
                    "to": (monday + timedelta(days=13)).isoformat()})
        return openpyxl.load_workbook(io.BytesIO(answer.content))

    def refund_rows(book) -> list:
        return [row for row in book["Mouvements de compte"].iter_rows(values_only=True)
                if row and row[2] == "Remboursement"]

    book = await eventually(workbook, lambda b: len(refund_rows(b)) == 2)
    assert sorted(row[4] for row in refund_rows(book)) == [-15, -10]
    [ordered] = [row for row in book["Commandes"].iter_rows(values_only=True)
                 if row and row[1] == order_id]
    assert (ordered[5], ordered[8]) == (0, 25)  # nothing kept of it, 25,00 € refunded since
    by_mode = {row[0]: row[1:] for row in book["Ventes par mode"].iter_rows(values_only=True)
               if row and row[0]}
    # orders, sales, received for orders, received outside orders, total received, credit notes
    assert by_mode["En ligne (SumUp)"][2:5] == (25, -25, 0)


async def _week_text(web, week: str) -> str:
    return text_of(web.get("/paiements", params={"semaine": week}).text)


def version_shown(html: str) -> str:
    """The settlement's version the page's refund form carries (one order on the page)."""
    return re.search(r'name="version" value="(\d+)"', html)[1]
