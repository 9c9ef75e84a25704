"""The one place where the exports processes are wired together."""

import asyncio
import logging
from functools import partial

from fastapi import FastAPI
from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import async_sessionmaker

from ardoise import topics
from ardoise.consumer import follow_every_topic
from ardoise.runtime import gateway_app
from exports.adapters.mailer import SmtpMailer
from exports.adapters.orm import SCHEMA
from exports.config import Settings
from exports.entrypoints.api import router
from exports.service_layer import messagebus, weekly

log = logging.getLogger(__name__)


def make_mailer(settings: Settings) -> SmtpMailer:
    """No SMTP login unless a user name is set (an empty SMTP_USERNAME, as compose passes it,
    means none)."""
    username = settings.smtp_username or None
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    return SmtpMailer(settings.smtp_host, settings.smtp_port, settings.mail_from, username,
                      password if username else None, settings.smtp_tls, settings.smtp_starttls)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    def wire(app: FastAPI) -> None:
        app.state.mailer = make_mailer(settings)
        app.state.settings = settings

    return gateway_app(settings, SCHEMA, routers=[router], title="Ardoise exports", on_ready=wire)


def subscribe(broker: KafkaBroker, sessions: async_sessionmaker, settings: Settings) -> list[str]:
    """The read model follows orders, settlements and customers' names, a batch at a time: one
    transaction and one offset commit per fetch rather than per event."""
    every = [topics.ORDERS, topics.PAYMENTS, topics.ACCOUNTS]
    return follow_every_topic(broker, "exports", every,
                              partial(messagebus.handle_batch, sessions), settings)


def background(settings: Settings):
    def loops(sessions: async_sessionmaker) -> list:
        mailer = make_mailer(settings)

        async def send_weekly_emails_forever() -> None:
            while True:
                try:
                    await weekly.send_due_weeks(sessions, mailer, settings.weekly_send_hour)
                except Exception as error:  # noqa: BLE001 - retried at the next tick
                    log.error("weekly e-mails: %s", error)
                await asyncio.sleep(settings.weekly_check_interval_s)

        return [send_weekly_emails_forever]

    return loops
