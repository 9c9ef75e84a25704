"""The customer's own pages on the running system: its balance and history, its orders, an
order paid online followed until it is paid, and a producer that does not track accounts."""

import asyncio
import re
from html import unescape

from .conftest import Caller
from .test_online_payment import checkout_of, order_20_euros, pay_at_sumup, require_online_payment
from .test_web_payments import text_of, until
from .test_web_signin import login_link, signed_in


def customer_pages(system, producer_id: str, customer_id: str = "c1"):
    return signed_in(system, login_link(system, "customer", producer_id, "claire@example.org",
                                        "--customer", customer_id))


def test_mon_compte_shows_the_balance_the_history_and_the_orders(
    system, operator: Caller, producer_id
):
    operator.request("PUT", "accounts", f"/v1/producers/{producer_id}/customers/c1",
                     json={"name": "Claire Martin"})
    topped_up = operator.request("POST", "accounts",
                                 f"/v1/producers/{producer_id}/customers/c1/movements",
                                 json={"direction": "credit", "amount_cents": 5000,
                                       "label": "Versement au marché", "mode": "cash"})
    assert topped_up.status_code == 201, topped_up.text
    placed = operator.request("POST", "orders", f"/v1/producers/{producer_id}/orders", json={
        "customer_id": "c1", "delivery_date": "2026-11-25",
        "lines": [{"label": "Panier", "quantity": 1, "unit_price_cents": 2350}]})
    order_id = placed.json()["order_id"]
    web = customer_pages(system, producer_id)

    shown = web.get("/mon-compte")
    assert shown.status_code == 200
    words = text_of(shown.text)
    assert "Vous avez un crédit de 50,00 €" in words
    assert "Solde 50,00 €" in words and "Disponible 50,00 €" in words
    assert "Crédit (Espèces) Versement au marché 50,00 € 50,00 €" in words
    assert "25/11/2026 23,50 € Enregistrée Pas encore réglée" in words
    assert f'href="/mon-compte/commandes/{order_id}"' in shown.text

    order = web.get(f"/mon-compte/commandes/{order_id}")
    assert order.status_code == 200
    words = text_of(order.text)
    assert "Commande du 25/11/2026" in words and "Total 23,50 €" in words
    assert "État : Enregistrée" in words
    # a customer's pages are not the producer's, nor the other way round
    assert web.get("/exports").status_code == 403
    operator_web = signed_in(system, login_link(system, "operator", producer_id,
                                                "ferme@example.org"))
    assert operator_web.get("/mon-compte").status_code == 403


def test_without_account_tracking_mon_compte_says_so(system, untracked_producer_id):
    web = customer_pages(system, untracked_producer_id)
    shown = web.get("/mon-compte")
    assert shown.status_code == 200
    words = text_of(shown.text)
    assert "Le suivi des comptes n'est pas activé par votre producteur" in words
    assert "Mes commandes" in words and "Aucune commande pour l'instant" in words


async def test_an_order_awaiting_online_payment_links_to_sumup_and_its_page_sees_it_paid(
    system, operator: Caller, customer_of, producer_id
):
    operator.request("PUT", "accounts", f"/v1/producers/{producer_id}/customers/c1",
                     json={"name": "Claire Martin"})
    await require_online_payment(system, operator, producer_id)
    shop = customer_of("c1")
    order_id = await order_20_euros(shop, producer_id)
    payment = await checkout_of(shop, producer_id, order_id)
    web = customer_pages(system, producer_id)

    shown = await asyncio.to_thread(until, lambda: web.get(f"/mon-compte/commandes/{order_id}"),
                                    lambda r: "Payer en ligne" in r.text)
    assert f'href="{payment["checkout_url"]}"' in unescape(shown.text)
    assert "À payer en ligne : 20,00 €" in text_of(shown.text)
    listed = web.get("/mon-compte").text
    assert "Payer en ligne" in listed and "En attente de paiement" in text_of(listed)
    state = re.search(r'hx-get="([^"]+/etat\?etag=[^"]+)"', shown.text)[1]

    # the page's next look waits on the order (If-None-Match, wait) and gets the change
    waiting = asyncio.create_task(asyncio.to_thread(web.get, unescape(state), timeout=40))
    await asyncio.sleep(0.5)
    assert not waiting.done()
    await pay_at_sumup(system, payment["checkout_id"])
    fragment = await waiting
    assert fragment.status_code == 200 and 'id="etat"' in fragment.text

    def followed(answer):
        """The state fragment, asked again with its own tag, until the order is paid."""
        while "État : Payée" not in text_of(answer.text):
            following = re.search(r'hx-get="([^"]+)"', answer.text)
            assert following, answer.text
            answer = web.get(unescape(following[1]), timeout=40)
        return answer

    paid = await asyncio.to_thread(followed, fragment)
    assert "hx-get" not in paid.text  # paid: the page stops asking
    assert "Payée en ligne : 20,00 €" in text_of(paid.text)
    page = text_of(web.get(f"/mon-compte/commandes/{order_id}").text)
    assert "État : Payée" in page and "Payer en ligne" not in page
