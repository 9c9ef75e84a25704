"""Paying online from Mon compte on the running system: "Régler ma dette" and "Recharger mon
compte" open a SumUp checkout (the stand-in) as the customer, the top-up's page links to it and
follows it until the payment is confirmed, and the account is credited once."""

import re
from html import unescape

from ardoise_tools.testing.polling import eventually

from .conftest import Caller
from .test_accounts import move, register
from .test_online_payment import pay_at_sumup, require_online_payment
from .test_online_top_ups import account
from .test_web_account import customer_pages
from .test_web_payments import csrf_of, text_of, until


def form_key(html: str, action: str) -> str:
    form = re.search(rf'action="{re.escape(action)}">(.*?)</form>', html, re.S)[1]
    return re.search(r'name="cle" value="([0-9a-f]{32})"', form)[1]


async def test_mon_compte_pays_the_debt_then_tops_up_through_sumup(
        system, operator: Caller, producer_id):
    register(operator, producer_id, "c1", "Claire Martin")
    await require_online_payment(system, operator, producer_id)
    assert move(operator, producer_id, "c1", "debit", 1250).status_code == 201
    web = customer_pages(system, producer_id)

    shown = web.get("/mon-compte")
    words = text_of(shown.text)
    assert "Régler ma dette (12,50 €)" in words and "Recharger mon compte" in words
    csrf = csrf_of(shown.text)

    # the payments service may hear of the customer a moment after it was registered
    asked = until(lambda: web.post("/mon-compte/regler", data={
        "csrf": csrf, "cle": form_key(shown.text, "/mon-compte/regler")}),
        lambda r: r.status_code != 404)
    assert asked.status_code == 303, asked.text
    follow = asked.headers["location"]
    assert re.fullmatch(r"/mon-compte/recharges/[0-9a-f-]{36}", follow)
    top_up_page = web.get(follow)
    words = text_of(top_up_page.text)
    assert "Paiement en ligne de 12,50 €" in words and "Payer 12,50 € sur SumUp" in words
    assert "en cours de confirmation" in words
    checkout_url = unescape(re.search(r'class="button pay" href="([^"]+)"', top_up_page.text)[1])
    assert checkout_url.startswith(system.urls["sumup"])

    await pay_at_sumup(system, checkout_url.rstrip("/").rsplit("/", 1)[-1])
    state = await eventually(
        lambda: _get(web, follow + "/etat"), lambda r: "Paiement reçu" in text_of(r.text))
    assert "Paiement reçu : 12,50 € ajoutés à votre compte." in text_of(state.text)
    assert "hx-get" not in state.text  # ended: the page stops asking
    settled = await eventually(lambda: account(operator, producer_id),
                               lambda a: a["balance_cents"] == 0)
    assert [m["mode"] for m in settled["movements"]] == ["online", None]
    assert "Régler ma dette" not in text_of(web.get("/mon-compte").text)

    # "Recharger mon compte": 20 € typed as a person types it
    shown = web.get("/mon-compte")
    refused = web.post("/mon-compte/recharger", data={
        "csrf": csrf_of(shown.text), "cle": form_key(shown.text, "/mon-compte/recharger"),
        "montant": "vingt"})
    assert refused.status_code == 422 and "Montant refusé" in text_of(refused.text)
    asked = web.post("/mon-compte/recharger", data={
        "csrf": csrf_of(shown.text), "cle": form_key(shown.text, "/mon-compte/recharger"),
        "montant": "20,00"})
    assert asked.status_code == 303
    assert "Payer 20,00 € sur SumUp" in text_of(web.get(asked.headers["location"]).text)
    # without the form's token, nothing is asked
    assert web.post("/mon-compte/recharger", data={"montant": "20"}).status_code == 403


async def _get(web, path: str):
    return web.get(path)
