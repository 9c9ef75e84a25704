"""Sending reminders over SMTP (aiosmtplib), as the exports service sends the weekly e-mail;
what the server answers is told back as sent, refused for good, or failed for now."""

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate

import aiosmtplib
from aiosmtplib.errors import (
    SMTPDataError,
    SMTPRecipientRefused,
    SMTPRecipientsRefused,
    SMTPResponseException,
)

from accounts.domain.reminder_mail import Delivery, Message

MAX_ANSWER = 500


def _answer(code: int, text: str) -> str:
    return f"{code} {' '.join(str(text).split())}"[:MAX_ANSWER]


def delivery_of(error: Exception) -> Delivery:
    """A refusal of the address or of the message with a permanent code (5xx) is `refused`:
    sent again it would be refused again. Anything else (no connection, a timeout, a 4xx
    "try later", the server refusing our own sender or login) is `failed`: ours to retry."""
    if isinstance(error, SMTPRecipientsRefused):
        refusals = error.recipients
        if refusals and all(r.code >= 500 for r in refusals):
            return Delivery("refused", "; ".join(_answer(r.code, r.message) for r in refusals))
        return Delivery("failed", "; ".join(_answer(r.code, r.message) for r in refusals)
                        or str(error)[:MAX_ANSWER])
    if isinstance(error, SMTPRecipientRefused | SMTPDataError):
        status = "refused" if error.code >= 500 else "failed"
        return Delivery(status, _answer(error.code, error.message))
    if isinstance(error, SMTPResponseException):
        return Delivery("failed", _answer(error.code, error.message))
    return Delivery("failed", f"{type(error).__name__}: {error}"[:MAX_ANSWER])


def email_message(message: Message, sender: str, message_id: str) -> EmailMessage:
    """Plain text with an HTML alternative; signed with the farm's name when it has one."""
    email = EmailMessage()
    email["From"] = formataddr((message.sender_name, sender)) if message.sender_name else sender
    email["To"] = message.to
    email["Subject"] = message.subject
    email["Date"] = formatdate(usegmt=True)
    email["Message-ID"] = message_id
    if message.reply_to:
        email["Reply-To"] = message.reply_to
    email.set_content(message.text)
    email.add_alternative(message.html, subtype="html")
    return email


@dataclass(frozen=True)
class SmtpMailer:
    host: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = None
    use_tls: bool = False
    start_tls: bool = False
    timeout_s: float = 30.0

    async def send(self, message: Message, message_id: str) -> Delivery:
        """`message_id`: the same for every attempt at one reminder."""
        try:
            await aiosmtplib.send(
                email_message(message, self.sender, message_id), hostname=self.host,
                port=self.port, username=self.username, password=self.password,
                use_tls=self.use_tls, start_tls=self.start_tls, timeout=self.timeout_s)
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            return delivery_of(error)
        return Delivery("sent")
