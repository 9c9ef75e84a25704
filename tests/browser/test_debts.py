"""Relances et plafonds in Chromium: the farm sets its rule, reminds a customer by hand (the
e-mail reaches an SMTP server listening where the system sends mail), and gives her a limit."""

import httpx
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from playwright.sync_api import expect

from ardoise.auth import Principal, issue_token

from .conftest import shot


class Inbox(Message):
    def __init__(self) -> None:
        super().__init__()
        self.recipients: list[str] = []

    def handle_message(self, message) -> None:
        self.recipients.append(message["To"])


def test_the_farm_reminds_a_customer_in_debt_and_sets_her_limit(system, page, sign_in,
                                                                producer_id):
    headers = {"Authorization": "Bearer " + issue_token(system.env["ARDOISE_JWT_SECRET"],
                                                        Principal("operator", producer_id))}
    base = f"{system.urls['accounts']}/v1/producers/{producer_id}/customers"
    claire = f"claire.{producer_id}@example.org"
    assert httpx.put(f"{base}/c1", json={"name": "Claire Martin", "email": claire},
                     headers=headers, timeout=10).status_code == 200
    assert httpx.post(f"{base}/c1/movements", headers=headers, timeout=10, json={
        "direction": "debit", "amount_cents": 2350}).status_code == 201
    inbox = Inbox()
    smtp = Controller(inbox, hostname=system.env.get("SMTP_HOST", "127.0.0.1"),
                      port=int(system.env["SMTP_PORT"]))
    smtp.start()
    try:
        sign_in(page, "operator", producer_id, "ferme@example.org")
        page.get_by_role("link", name="Relances").click()
        expect(page.get_by_role("heading", name="Relances et plafonds")).to_be_visible()
        page.get_by_label("Depuis au moins (jours)").fill("0")
        page.get_by_label("Signature des e-mails (facultative)").fill("Ferme des Saules")
        page.get_by_role("button", name="Enregistrer la règle").click()
        expect(page.get_by_role("status")).to_contain_text("Règle de relance enregistrée")
        due = page.get_by_role("table", name="À relancer maintenant")
        expect(due.get_by_role("row").nth(1)).to_contain_text("-23,50 €")
        shot(page, "relances")
        page.get_by_role("button", name="Relancer Claire Martin").click()
        expect(page.get_by_role("status")).to_have_text(
            f"Relance envoyée à {claire} (solde -23,50 €).")
        assert inbox.recipients == [claire]
    finally:
        smtp.stop()

    page.get_by_role("link", name="Clients").click()
    page.get_by_role("link", name="Claire Martin").click()
    own = page.get_by_role("form", name="Plafond de ce client")
    own.get_by_label("Dette maximale, en euros").fill("30")
    own.get_by_role("button", name="Enregistrer le plafond").click()
    expect(page.get_by_role("status")).to_have_text(
        "Plafond de ce client enregistré : jusqu'à -30,00 €.")
    expect(page.get_by_role("table", name="Compte")).to_contain_text("Peut encore commander")
    expect(page.get_by_role("table", name="Relances envoyées")).to_contain_text(
        "Envoyée (à la main)")
    shot(page, "client-plafond")
