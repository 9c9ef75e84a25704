"""The exports worker (FastStream): keeps the read model, sends the weekly e-mails."""

from functools import partial

from ardoise.runtime import run_worker
from exports.adapters.orm import SCHEMA
from exports.bootstrap import background, subscribe
from exports.config import Settings


def main() -> None:
    settings = Settings()
    run_worker(settings, SCHEMA, partial(subscribe, settings=settings), background(settings))
