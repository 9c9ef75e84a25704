"""Reminders of debts on the running system: the producer's rule, who it would remind, one sent
by hand through a real SMTP server listening where the system sends its mail, recorded on the
customer's account page; who may do what."""

import uuid
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from ardoise.auth import Principal

from .conftest import Caller


class Inbox(Message):
    """Keeps every message; refuses, for good, any address at refused.example."""

    def __init__(self) -> None:
        super().__init__()
        self.messages = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.endswith("@refused.example"):
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    def handle_message(self, message) -> None:
        self.messages.append(message)


@pytest.fixture
def mail_server(system):
    """An SMTP server on the port the system sends its mail to (nothing listens there
    otherwise: the system's e-mails fail), for this test only."""
    inbox = Inbox()
    controller = Controller(inbox, hostname=system.env.get("SMTP_HOST", "127.0.0.1"),
                            port=int(system.env["SMTP_PORT"]))
    controller.start()
    yield inbox
    controller.stop()


def register(operator: Caller, producer_id: str, customer_id: str, email: str | None,
             debt_cents: int = 0) -> None:
    path = f"/v1/producers/{producer_id}/customers/{customer_id}"
    answer = operator.request("PUT", "accounts", path,
                              json={"name": f"Client {customer_id}", "email": email})
    assert answer.status_code == 200, answer.text
    if debt_cents:
        moved = operator.request("POST", "accounts", f"{path}/movements",
                                 json={"direction": "debit", "amount_cents": debt_cents})
        assert moved.status_code == 201, moved.text


def test_the_producer_previews_its_rule_and_sends_a_reminder_by_hand(
        system, operator, producer_id, mail_server):
    base = f"/v1/producers/{producer_id}"
    claire = f"claire.{producer_id}@example.org"
    register(operator, producer_id, "claire", claire, debt_cents=2350)
    register(operator, producer_id, "bruno", f"bruno.{producer_id}@example.org", debt_cents=500)

    settings = operator.request("GET", "accounts", f"{base}/reminders/settings").json()
    assert settings == {"enabled": False, "below_cents": -1000, "for_days": 7, "every_days": 7,
                        "farm_name": None, "reply_to": None, "payment_tracking": True,
                        "changed_by": None, "changed_at": None}
    # off (the timer sends nothing), at once, weekly at most
    rule = {"enabled": False, "below_cents": -1000, "for_days": 0, "every_days": 7,
            "farm_name": "Ferme des Saules"}
    answer = operator.request("PUT", "accounts", f"{base}/reminders/settings", json=rule)
    assert answer.status_code == 200 and answer.json()["farm_name"] == "Ferme des Saules"
    assert answer.json()["changed_by"] == "opérateur"  # the operator's token names no one

    preview = operator.request("GET", "accounts", f"{base}/reminders/preview").json()
    [due] = preview["customers"]
    assert (due["customer_id"], due["balance_cents"], due["last_reminder"]) == (
        "claire", -2350, None)
    assert due["below_since_at"]

    sent = operator.request("POST", "accounts", f"{base}/customers/claire/reminders")
    assert sent.status_code == 201, sent.text
    assert (sent.json()["status"], sent.json()["balance_cents"], sent.json()["manual"]) == (
        "sent", -2350, True)
    [message] = [m for m in mail_server.messages if m["To"] == claire]
    subject = str(make_header(decode_header(message["Subject"])))
    assert subject == "Rappel : votre solde chez Ferme des Saules est de -23,50 €"
    text = message.get_payload()[0].get_payload(decode=True).decode()
    account = operator.request("GET", "accounts", f"{base}/customers/claire/account").json()
    assert f"{system.urls['web']}/mon-compte" in text
    assert account["payment_reference"] in text and "-23,50 €" in text

    [shown] = account["reminders"]
    assert (shown["status"], shown["balance_cents"], shown["sent_at"] is not None) == (
        "sent", -2350, True)
    # reminded: not due again this week
    assert operator.request("GET", "accounts", f"{base}/reminders/preview").json()[
        "customers"] == []


def test_a_reminder_asked_again_with_its_key_is_answered_not_sent_again(operator, producer_id,
                                                                       mail_server):
    base = f"/v1/producers/{producer_id}"
    hugo = f"hugo.{producer_id}@example.org"
    register(operator, producer_id, "hugo", hugo, debt_cents=1200)
    register(operator, producer_id, "ines", f"ines.{producer_id}@example.org", debt_cents=800)
    key = {"Idempotency-Key": f"remind-hugo-{uuid.uuid4()}"}
    sent = operator.request("POST", "accounts", f"{base}/customers/hugo/reminders", headers=key)
    assert sent.status_code == 201, sent.text
    again = operator.request("POST", "accounts", f"{base}/customers/hugo/reminders", headers=key)
    assert again.status_code == 200, again.text
    assert again.json() == sent.json()
    other = operator.request("POST", "accounts", f"{base}/customers/ines/reminders", headers=key)
    assert other.status_code == 409 and "Idempotency-Key" in other.text
    assert [m["To"] for m in mail_server.messages] == [hugo]
    assert operator.request("GET", "accounts", f"{base}/customers/ines/account").json()[
        "reminders"] == []


def test_a_refused_address_is_recorded_with_the_servers_answer(operator, producer_id,
                                                               mail_server):
    base = f"/v1/producers/{producer_id}"
    register(operator, producer_id, "dora", f"dora.{producer_id}@refused.example",
             debt_cents=4000)
    answer = operator.request("POST", "accounts", f"{base}/customers/dora/reminders")
    assert answer.status_code == 201, answer.text
    assert answer.json()["status"] == "refused"
    assert answer.json()["error"].startswith("550 5.1.1")
    [shown] = operator.request("GET", "accounts",
                               f"{base}/customers/dora/account").json()["reminders"]
    assert (shown["status"], shown["error"]) == ("refused", answer.json()["error"])


def test_nothing_is_sent_to_a_customer_that_owes_nothing_or_has_no_address(operator,
                                                                           producer_id):
    base = f"/v1/producers/{producer_id}"
    register(operator, producer_id, "emile", f"emile.{producer_id}@example.org")
    register(operator, producer_id, "fanny", None, debt_cents=1000)
    for customer_id in ("emile", "fanny"):
        answer = operator.request("POST", "accounts", f"{base}/customers/{customer_id}/reminders")
        assert answer.status_code == 409, answer.text
    assert operator.request("POST", "accounts",
                            f"{base}/customers/nobody/reminders").status_code == 404


@pytest.mark.parametrize("rule", [
    {"below_cents": 100}, {"for_days": -1}, {"every_days": 0}, {"every_days": 400},
    {"enabled": "yes"}, {"reply_to": "not an address"}, {"colour": "red"},
])
def test_a_rule_out_of_range_is_refused_naming_the_field(operator, producer_id, rule):
    answer = operator.request("PUT", "accounts", f"/v1/producers/{producer_id}/reminders/settings",
                              json=rule)
    assert answer.status_code == 422, answer.text
    assert next(iter(rule)) in str(answer.json()["detail"])


def test_reminders_are_the_producers_own(system, operator, producer_id, customer_of):
    base = f"/v1/producers/{producer_id}"
    register(operator, producer_id, "gaby", f"gaby.{producer_id}@example.org", debt_cents=2000)
    gaby = customer_of("gaby")
    assert gaby.request("GET", "accounts", f"{base}/reminders/settings").status_code == 403
    assert gaby.request("GET", "accounts", f"{base}/reminders/preview").status_code == 403
    assert gaby.request("POST", "accounts", f"{base}/customers/gaby/reminders").status_code == 403
    assert customer_of("other").request(
        "POST", "accounts", f"{base}/customers/gaby/reminders").status_code == 404
    stranger = Caller(system, Principal("operator", f"p-{uuid.uuid4().hex[:12]}"))
    for method, path in (("GET", "/reminders/settings"), ("PUT", "/reminders/settings"),
                         ("GET", "/reminders/preview"), ("POST", "/customers/gaby/reminders")):
        answer = stranger.request(method, "accounts", base + path,
                                  **({"json": {}} if method == "PUT" else {}))
        assert answer.status_code == 404, (method, path, answer.text)
    assert operator.request("GET", "accounts", f"{base}/reminders/settings",
                            headers={"Authorization": "Bearer nope"}).status_code == 401
