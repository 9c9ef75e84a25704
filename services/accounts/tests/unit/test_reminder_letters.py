"""A reminder as written (French, plain text and HTML) and as handed to the mail server; what
the server answers, read as sent, refused for good, or failed for now."""

from datetime import UTC, datetime

import pytest
from aiosmtplib.errors import (
    SMTPConnectError,
    SMTPDataError,
    SMTPRecipientRefused,
    SMTPRecipientsRefused,
    SMTPSenderRefused,
)

from accounts.adapters.letters import write
from accounts.adapters.mailer import delivery_of, email_message
from accounts.domain.reminder_mail import Letter, Line

LETTER = Letter(
    to="claire@example.org", name="Claire <Martin>", balance_cents=-2350,
    lines=(Line(datetime(2026, 11, 27, 23, 30, tzinfo=UTC), "Commande du 28/11", -2000, -2350),
           Line(datetime(2026, 11, 20, 9, tzinfo=UTC), "Débit", -350, -350)),
    account_url="https://ardoise.example.org/mon-compte", payment_reference="ARD-7K2Q9P",
    farm_name="Ferme des Saules", reply_to="contact@saules.example")


def test_the_letter_tells_the_balance_the_last_movements_and_both_ways_to_pay():
    message = write(LETTER)
    assert message.subject == "Rappel : votre solde chez Ferme des Saules est de -23,50 €"
    text = message.text
    assert "Bonjour Claire <Martin>," in text
    assert "solde de -23,50 € : il reste 23,50 € à régler" in text
    assert "28/11/2026  Commande du 28/11  -20,00 €  (solde -23,50 €)" in text  # Paris time
    assert "https://ardoise.example.org/mon-compte" in text
    assert "indiquez la référence ARD-7K2Q9P dans le libellé" in text
    assert text.rstrip().endswith("Ferme des Saules")


def test_the_html_letter_escapes_what_people_typed():
    html = write(LETTER).html
    assert "Claire &lt;Martin&gt;" in html and "<Martin>" not in html
    assert '<a href="https://ardoise.example.org/mon-compte">' in html
    assert "<strong>-23,50 €</strong>" in html and "ARD-7K2Q9P" in html


def test_without_a_farm_name_it_is_signed_by_the_producer():
    unsigned = write(Letter("c@example.org", "Claire", -1500, (), "http://x/mon-compte",
                            "ARD-0000AA"))
    assert unsigned.subject == "Rappel : votre solde est de -15,00 €"
    assert unsigned.text.rstrip().endswith("Votre producteur")
    assert "dernières opérations" not in unsigned.text


def test_the_email_has_both_parts_its_message_id_and_answers_go_to_the_farm():
    email = email_message(write(LETTER), "ardoise@localhost", "<reminder.1@ardoise>")
    assert email["From"] == "Ferme des Saules <ardoise@localhost>"
    assert (email["To"], email["Reply-To"], email["Message-ID"]) == (
        "claire@example.org", "contact@saules.example", "<reminder.1@ardoise>")
    assert [part.get_content_type() for part in email.iter_parts()] == [
        "text/plain", "text/html"]


@pytest.mark.parametrize(("error", "status", "answer"), [
    (SMTPRecipientsRefused([SMTPRecipientRefused(550, "5.1.1 No such user", "c@x.org")]),
     "refused", "550 5.1.1 No such user"),
    (SMTPRecipientsRefused([SMTPRecipientRefused(452, "4.2.2 Mailbox full", "c@x.org")]),
     "failed", "452 4.2.2 Mailbox full"),
    (SMTPDataError(554, "5.7.1 Message rejected"), "refused", "554 5.7.1 Message rejected"),
    (SMTPDataError(451, "4.3.0 Try again later"), "failed", "451 4.3.0 Try again later"),
    (SMTPSenderRefused(550, "sender not allowed", "ardoise@localhost"), "failed",
     "550 sender not allowed"),
    (SMTPConnectError("Error connecting to 127.0.0.1 on port 1"), "failed", None),
    (ConnectionRefusedError(111, "Connection refused"), "failed", None),
])
def test_what_the_server_answers_is_refused_for_good_or_failed_for_now(error, status, answer):
    delivery = delivery_of(error)
    assert delivery.status == status
    if answer is not None:
        assert delivery.answer == answer
    else:
        assert delivery.answer
