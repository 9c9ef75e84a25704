"""Sending the weekly workbook over SMTP (aiosmtplib); settings come from the environment."""

from dataclasses import dataclass
from email.message import EmailMessage

import aiosmtplib

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


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

    async def send_workbook(self, to: str, subject: str, body: str, filename: str,
                            content: bytes, message_id: str | None = None) -> None:
        """`message_id`: the same for every attempt of one e-mail, so that a copy sent again
        after a crash is recognised as the same message by the mail systems that read it."""
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, to, subject
        if message_id:
            message["Message-ID"] = message_id
        message.set_content(body)
        message.add_attachment(content, maintype=XLSX_TYPE[0], subtype=XLSX_TYPE[1],
                               filename=filename)
        await aiosmtplib.send(
            message, hostname=self.host, port=self.port, username=self.username,
            password=self.password, use_tls=self.use_tls, start_tls=self.start_tls,
            timeout=self.timeout_s,
        )
