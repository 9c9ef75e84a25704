"""The orders worker (FastStream): event subscribers and the outbox relay."""

from functools import partial

from ardoise.runtime import run_worker
from orders.adapters.orm import SCHEMA
from orders.bootstrap import subscribe
from orders.config import Settings


def main() -> None:
    settings = Settings()
    run_worker(settings, SCHEMA, partial(subscribe, settings=settings))
