"""Card money on the web pages of the running system: Claire pays 20,00 € online and is
refunded 5,00 €; SumUp pays the farm out; the Virements SumUp page shows the payout waiting for
a statement, then received once the statement is imported. A farm without SumUp is told to
connect it."""

import uuid
from datetime import UTC, datetime, timedelta

from .test_bank_import import statement
from .test_online_payment import shop  # noqa: F401 - a fixture
from .test_sumup_payouts import paid_20_refunded_5, sumup_pays_out
from .test_web_invoices import operator_pages
from .test_web_payments import text_of


async def test_the_farm_follows_its_card_money_from_sumup_to_its_bank(
        system, operator, shop, producer_id):
    base = f"/v1/producers/{producer_id}"
    await paid_20_refunded_5(system, operator, shop, producer_id)
    payout_day = datetime.now(UTC).date() + timedelta(days=1)
    period = {"du": (payout_day - timedelta(days=1)).isoformat(), "au": payout_day.isoformat()}
    web = operator_pages(system, producer_id)
    assert 'href="/banque/sumup"' in web.get("/banque").text

    waiting = text_of(web.get("/banque/sumup", params=period).text)
    assert "Aucun virement de SumUp sur la période." in waiting
    assert "Payé en ligne, pas encore viré 20,00 €" in waiting

    payout = await sumup_pays_out(system, producer_id, payout_day, 0.025)
    shown = text_of(web.get("/banque/sumup", params=period).text)
    assert "Viré par SumUp 14,50 €" in shown and "Frais SumUp -0,50 €" in shown
    assert "Remboursements repris -5,00 €" in shown
    assert "pas encore sur un relevé importé" in shown and "Arrivé à la banque 0,00 €" in shown

    booked = payout_day + timedelta(days=1)
    file = statement(booked, ("SUMUP-1", 1450, "SUMUP LIMITED", f"VIR SEPA {payout['reference']}"))
    assert operator.request("POST", "payments", f"{base}/bank/statements", content=file, headers={
        "Content-Type": "application/octet-stream"}).status_code == 201
    received = text_of(web.get("/banque/sumup", params=period).text)
    assert f"reçu le {booked:%d/%m/%Y}" in received
    assert "Arrivé à la banque 14,50 €" in received
    assert "Payé en ligne, pas encore viré 0,00 €" in received

    assert web.get("/banque/sumup", params={"du": period["au"], "au": period["du"]}
                   ).status_code == 422


def test_a_farm_without_sumup_is_told_to_connect_it(system):
    other = f"p-{uuid.uuid4().hex[:12]}"
    answer = operator_pages(system, other).get("/banque/sumup")
    assert answer.status_code == 200
    assert "Aucun compte SumUp n'est connecté" in text_of(answer.text)
    assert 'href="/reglages"' in answer.text
