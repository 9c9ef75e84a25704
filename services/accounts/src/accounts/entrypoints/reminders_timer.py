"""The accounts worker's reminders timer, and how reminders go out (the mail server from the
settings, the letters, the link to the web's account page)."""

import asyncio
import logging
from functools import partial

from sqlalchemy.ext.asyncio import async_sessionmaker

from accounts.adapters import letters
from accounts.adapters.mailer import SmtpMailer
from accounts.adapters.reminders_repository import SqlRemindersUnitOfWork, producer_locks
from accounts.config import Settings
from accounts.service_layer import reminders
from accounts.service_layer.reminder_ports import Post

log = logging.getLogger(__name__)
ACCOUNT_PAGE = "/mon-compte"
"""The customer's account page on the web (services/web, pages/account.py), where it pays its
debt online; after WEB_PUBLIC_URL."""


def make_post(settings: Settings) -> Post:
    """No SMTP login unless a user name is set (an empty SMTP_USERNAME, as compose passes it,
    means none)."""
    username = settings.smtp_username or None
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    mailer = SmtpMailer(settings.smtp_host, settings.smtp_port, settings.mail_from, username,
                        password if username else None, settings.smtp_tls,
                        settings.smtp_starttls)
    return Post(mailer, letters.write, settings.web_public_url.rstrip("/") + ACCOUNT_PAGE)


def reminders_timer(sessions: async_sessionmaker, settings: Settings):
    """The loop the worker runs: every REMINDERS_CHECK_S, the reminders due go out."""
    post = make_post(settings)
    new_uow = partial(SqlRemindersUnitOfWork, sessions)
    lock = producer_locks(sessions)

    async def send_reminders_forever() -> None:
        while True:
            try:
                tried = await reminders.send_due_reminders(new_uow, post, lock)
                if tried:
                    log.info("reminders: %d tried, %d sent", len(tried),
                             sum(t["status"] == "sent" for t in tried))
            except Exception as error:  # noqa: BLE001 - tried again at the next tick
                log.error("reminders: %s", error)
            await asyncio.sleep(settings.reminders_check_s)

    return send_reminders_forever
