"""A reminder written in French, as plain text and HTML (Jinja templates beside this module):
the balance, the last movements and the two ways to pay."""

from functools import cache
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader

from accounts.domain.reminder_mail import Letter, Message
from ardoise.money import format_cents

SHOWN_IN = ZoneInfo("Europe/Paris")
"""Dates are shown in French time (the accounts service does not keep producers' zones)."""
UNSIGNED = "Votre producteur"


@cache
def _environment(html: bool) -> Environment:
    # built on first use, not at import; the HTML one escapes every value
    return Environment(loader=PackageLoader("accounts.adapters", "templates"), autoescape=html,
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def subject(letter: Letter) -> str:
    farm = f" chez {letter.farm_name}" if letter.farm_name else ""
    return f"Rappel : votre solde{farm} est de {format_cents(letter.balance_cents)}"


def letter_view(letter: Letter) -> dict:
    """Every text the templates print, already in French: they only lay them out."""
    return {
        "name": letter.name,
        "farm": letter.farm_name or UNSIGNED,
        "at_farm": f" chez {letter.farm_name}" if letter.farm_name else "",
        "balance": format_cents(letter.balance_cents),
        "owed": format_cents(-letter.balance_cents),
        "lines": [{"date": f"{line.at.astimezone(SHOWN_IN):%d/%m/%Y}", "label": line.label,
                   "amount": format_cents(line.amount_cents),
                   "balance_after": format_cents(line.balance_after_cents)}
                  for line in letter.lines],
        "account_url": letter.account_url,
        "reference": letter.payment_reference,
    }


def write(letter: Letter) -> Message:
    view = letter_view(letter)
    return Message(
        to=letter.to, subject=subject(letter),
        text=_environment(False).get_template("reminder.txt.j2").render(**view),
        html=_environment(True).get_template("reminder.html.j2").render(**view),
        sender_name=letter.farm_name, reply_to=letter.reply_to)
