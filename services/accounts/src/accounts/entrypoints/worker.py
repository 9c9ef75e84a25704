"""The accounts worker (FastStream): settlements and checkout events in, outbox out, hold expiry,
reminders of debts."""

from functools import partial

from accounts.adapters.orm import SCHEMA
from accounts.bootstrap import background, subscribe
from accounts.config import Settings
from ardoise.runtime import run_worker


def main() -> None:
    settings = Settings()
    run_worker(settings, SCHEMA, partial(subscribe, settings=settings),
               partial(background, settings=settings))
