"""The exports worker (FastStream): event subscribers and the outbox relay."""

from functools import partial

from ardoise.runtime import run_worker
from exports.adapters.orm import SCHEMA
from exports.bootstrap import subscribe
from exports.config import Settings


def main() -> None:
    settings = Settings()
    run_worker(settings, SCHEMA, partial(subscribe, settings=settings))
