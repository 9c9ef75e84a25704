"""The payments worker (FastStream): read models and checkouts in, outbox out, checkout polling."""

from functools import partial

from ardoise.runtime import run_worker
from payments.adapters.orm import SCHEMA
from payments.bootstrap import background, subscribe
from payments.config import Settings


def main() -> None:
    settings = Settings()
    run_worker(settings, SCHEMA, partial(subscribe, settings=settings), background(settings))
