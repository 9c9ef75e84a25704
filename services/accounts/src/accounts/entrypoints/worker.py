"""The accounts worker (FastStream): event subscribers and the outbox relay."""

from functools import partial

from ardoise.runtime import run_worker
from accounts.adapters.orm import SCHEMA
from accounts.bootstrap import subscribe
from accounts.config import Settings


def main() -> None:
    settings = Settings()
    run_worker(settings, SCHEMA, partial(subscribe, settings=settings))
